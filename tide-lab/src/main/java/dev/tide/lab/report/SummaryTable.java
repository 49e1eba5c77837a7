package dev.tide.lab.report;

import dev.tide.lab.harness.Benchmark.TargetRun;
import dev.tide.lab.run.RunResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison table: raw figures per target and ratios to the baseline. Also used (as rows)
 * by the HTML report, so text and HTML always show the same numbers.
 */
public final class SummaryTable {

  private SummaryTable() {
  }

  /** Column headers. */
  public static final List<String> HEADERS = List.of("target", "ops/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
      "max ms", "errors", "retries", "ops/s vs base", "p99 vs base");

  /** One row of cells per target, formatted. */
  public static List<List<String>> rows(Report report) {
    TargetRun base = report.baselineRun();
    List<List<String>> rows = new ArrayList<>();
    for (TargetRun r : report.runs()) {
      RunResult res = r.result();
      if (res == null) {
        rows.add(List.of(r.target(), "failed: " + r.failure(), "", "", "", "", "", "", "", "", ""));
        continue;
      }
      String opsRatio = "";
      String p99Ratio = "";
      if (base != null) {
        opsRatio = ratio(res.throughputOpsPerSec(), base.result().throughputOpsPerSec());
        p99Ratio = ratio(res.percentileMs(99), base.result().percentileMs(99));
      }
      rows.add(List.of(r.target(), String.format(Locale.ROOT, "%,.0f", res.throughputOpsPerSec()),
          ms(res.percentileMs(50)), ms(res.percentileMs(90)), ms(res.percentileMs(99)), ms(res.percentileMs(99.9)),
          ms(res.maxMs()), String.format(Locale.ROOT, "%,d", res.errors()),
          String.format(Locale.ROOT, "%,d", res.retries()), opsRatio, p99Ratio));
    }
    return rows;
  }

  static String ratio(double v, double base) {
    if (Double.isNaN(v) || Double.isNaN(base) || base == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2fx", v / base);
  }

  static String ms(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }

  /**
   * A text table: the first column left-aligned, the others right-aligned, a rule under the
   * headers (used by the benchmark summary and the chaos report).
   */
  public static String format(List<String> headers, List<List<String>> body) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(headers);
    rows.addAll(body);
    int[] widths = new int[headers.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size() && i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size() && i < widths.length; i++) {
        String cell = row.get(i);
        line.append(i == 0 ? String.format("%-" + widths[i] + "s", cell) : String.format("  %" + widths[i] + "s", cell));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        sb.append("-".repeat(line.length())).append('\n');
      }
    }
    return sb.toString();
  }

  /** The whole text summary: context lines, the table, notes per target. */
  public static String render(Report report) {
    StringBuilder sb = new StringBuilder();
    sb.append("benchmark: ").append(report.name()).append('\n');
    sb.append("command:   ").append(report.command()).append('\n');
    sb.append("machine:   ").append(report.machine().describe()).append('\n');
    sb.append("workload:  ").append(report.workload()).append('\n');
    sb.append("load:      ").append(report.runMode()).append(", ").append(report.connections())
        .append(" connections per node, warm-up ").append(report.warmupNs() / 1_000_000_000L).append(" s\n");
    sb.append("latency:   from the intended start time (open loop) / from send (closed loop); errors not included\n");
    if (report.baselineRun() != null) {
      sb.append("baseline:  ").append(report.baseline()).append(" (ratios: ops/s ÷ baseline ops/s; p99 ÷ baseline p99)\n");
    }
    sb.append('\n');
    sb.append(format(HEADERS, rows(report)));
    sb.append('\n');
    for (TargetRun r : report.runs()) {
      sb.append(r.target()).append(": ").append(r.description()).append('\n');
      RunResult res = r.result();
      if (res == null) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "  %,d ok, %,d errors, %,d retries in %.1f s; issued %,d",
          res.ok(), res.errors(), res.retries(), res.elapsedSec(), res.issued()));
      if (res.scheduled() > 0) {
        sb.append(String.format(Locale.ROOT, " of %,d scheduled (%,d on time); issue lag p99 %.3f ms",
            res.scheduled(), res.issuedOnTime(), res.issueLag().getValueAtPercentile(99) / 1e6));
      }
      sb.append(String.format(Locale.ROOT, "; service time p99 %s ms%n",
          ms(res.serviceTime().getTotalCount() == 0 ? Double.NaN : res.serviceTime().getValueAtPercentile(99) / 1e6)));
      if (res.delivered() > 0) {
        sb.append(String.format(Locale.ROOT, "  pub/sub: %,d deliveries, delivery latency p50 %s ms, p99 %s ms%n",
            res.delivered(), ms(res.delivery().getValueAtPercentile(50) / 1e6),
            ms(res.delivery().getValueAtPercentile(99) / 1e6)));
      }
      res.errorCounts().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  error x%,d: %s%n", v, k)));
    }
    return sb.toString();
  }
}
