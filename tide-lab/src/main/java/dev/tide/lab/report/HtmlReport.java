package dev.tide.lab.report;

import dev.tide.lab.harness.Benchmark.TargetRun;
import dev.tide.lab.run.IntervalStats;
import dev.tide.lab.run.RunResult;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTML report: one self-contained file (inline CSS and SVG, no scripts, no network) with
 * the summary table and three charts, one series per target in its {@link Palette} colour:
 * throughput per second, p50 (dashed) and p99 latency per second, and the latency distribution
 * (percentile spectrum, as HdrHistogram plots it).
 */
public final class HtmlReport {

  /** Percentiles on the distribution chart's axis: 0, 90, 99, 99.9, 99.99, 99.999. */
  static final int DISTRIBUTION_NINES = 5;
  /** Points per decade of the distribution chart. */
  static final int DISTRIBUTION_POINTS_PER_NINE = 20;

  /** The reports' CSS (inline: one self-contained file; also used by pages that embed {@link #sections}). */
  static final String STYLE = "<style>body{font-family:sans-serif;margin:24px;color:#111827;background:#fff}"
      + "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #d1d5db;padding:4px 8px;text-align:right}"
      + "td:first-child,th:first-child{text-align:left}th{background:#f3f4f6}"
      + ".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}"
      + "code{background:#f3f4f6;padding:2px 4px}.meta{color:#374151;font-size:14px}section{margin:18px 0}"
      + ".bad{color:#b91c1c;font-weight:bold}.good{color:#15803d;font-weight:bold}pre{background:#f9fafb;padding:8px;"
      + "overflow-x:auto;font-size:12px}</style>";

  private HtmlReport() {
  }

  /** An HTML table of text cells (escaped). */
  static String table(List<String> headers, List<List<String>> rows) {
    StringBuilder sb = new StringBuilder("<table><tr>");
    for (String h : headers) {
      sb.append("<th>").append(SvgChart.esc(h)).append("</th>");
    }
    sb.append("</tr>");
    for (List<String> row : rows) {
      sb.append("<tr>");
      for (String c : row) {
        sb.append("<td>").append(SvgChart.esc(c)).append("</td>");
      }
      sb.append("</tr>");
    }
    return sb.append("</table>").toString();
  }

  public static String render(Report report) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    sb.append("<title>").append(SvgChart.esc("Tide lab: " + report.name())).append("</title>");
    sb.append(STYLE);
    sb.append("</head><body>");
    sb.append("<h1>Tide lab: ").append(SvgChart.esc(report.name())).append("</h1>");
    sb.append("<div class=\"meta\"><p>").append(SvgChart.esc(Instant.ofEpochMilli(report.createdEpochMs()).toString()))
        .append("</p>");
    sb.append("<p><b>Command:</b> <code>").append(SvgChart.esc(report.command())).append("</code></p>");
    sb.append("<p><b>Machine:</b> ").append(SvgChart.esc(report.machine().describe())).append("</p>");
    sb.append("<p><b>Workload:</b> ").append(SvgChart.esc(report.workload())).append("</p>");
    sb.append("<p><b>Load:</b> ").append(SvgChart.esc(report.runMode())).append(", ").append(report.connections())
        .append(" connections per node, warm-up ").append(report.warmupNs() / 1_000_000_000L)
        .append(" s. Latency is measured from the intended start time (open loop), so stalls are not hidden.</p>");
    if (report.baselineRun() != null) {
      sb.append("<p><b>Baseline:</b> ").append(SvgChart.esc(report.baseline())).append("</p>");
    }
    sb.append("</div>");
    sb.append(sections(report));
    sb.append("</body></html>\n");
    return sb.toString();
  }

  /** The summary table, the target list and the three charts: the body of a report without its header. */
  public static String sections(Report report) {
    StringBuilder sb = new StringBuilder();
    sb.append("<section><h2>Summary</h2><table><tr>");
    for (String h : SummaryTable.HEADERS) {
      sb.append("<th>").append(SvgChart.esc(h)).append("</th>");
    }
    sb.append("</tr>");
    List<List<String>> rows = SummaryTable.rows(report);
    for (int i = 0; i < rows.size(); i++) {
      sb.append("<tr>");
      List<String> row = rows.get(i);
      for (int c = 0; c < row.size(); c++) {
        sb.append("<td>");
        if (c == 0) {
          sb.append("<span class=\"swatch\" style=\"background:").append(Palette.colour(row.get(0), i)).append("\"></span>");
        }
        sb.append(SvgChart.esc(row.get(c))).append("</td>");
      }
      sb.append("</tr>");
    }
    sb.append("</table><ul class=\"meta\">");
    for (TargetRun r : report.runs()) {
      sb.append("<li><b>").append(SvgChart.esc(r.target())).append("</b>: ").append(SvgChart.esc(r.description()))
          .append("</li>");
    }
    sb.append("</ul></section>");

    SvgChart throughput = new SvgChart("Throughput (successful replies per second)", "seconds", "ops/s", false);
    SvgChart latency = new SvgChart("Latency per second: p99 (solid), p50 (dashed)", "seconds", "ms (log scale)", true);
    SvgChart distribution = new SvgChart("Latency distribution (whole run)", "percentile", "ms (log scale)", true);
    int index = 0;
    for (TargetRun r : report.runs()) {
      RunResult res = r.result();
      String colour = Palette.colour(r.target(), index++);
      if (res == null) {
        continue;
      }
      // Seconds after the measured duration only hold the drain of late replies: in the JSON, not on charts.
      int measuredSeconds = (int) Math.ceil(res.elapsedSec() - 1e-6);
      List<IntervalStats> iv = res.intervals().subList(0, Math.min(res.intervals().size(), measuredSeconds));
      double[] xs = new double[iv.size()];
      double[] ops = new double[iv.size()];
      double[] p99 = new double[iv.size()];
      double[] p50 = new double[iv.size()];
      for (int i = 0; i < iv.size(); i++) {
        IntervalStats s = iv.get(i);
        xs[i] = s.second() + 1;
        ops[i] = s.completed();
        p99[i] = s.completed() == 0 ? Double.NaN : s.p99Us() / 1000;
        p50[i] = s.completed() == 0 ? Double.NaN : s.p50Us() / 1000;
      }
      throughput.add(new SvgChart.Series(r.target(), colour, xs, ops, false));
      latency.add(new SvgChart.Series(r.target() + " p99", colour, xs, p99, false));
      latency.add(new SvgChart.Series(r.target() + " p50", colour, xs, p50, true));
      double[][] spectrum = spectrum(res.latency());
      distribution.add(new SvgChart.Series(r.target(), colour, spectrum[0], spectrum[1], false));
    }
    List<SvgChart.Tick> nines = new ArrayList<>();
    String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    for (int n = 0; n <= DISTRIBUTION_NINES; n++) {
      nines.add(new SvgChart.Tick(n, labels[n]));
    }
    distribution.xTicks(nines);
    sb.append("<section>").append(throughput.render()).append("</section>");
    sb.append("<section>").append(latency.render()).append("</section>");
    sb.append("<section>").append(distribution.render()).append("</section>");
    sb.append("<p class=\"meta\">Raw data: <code>result.json</code>, HdrHistogram interval logs <code>*.hlog</code> "
        + "and percentile distributions <code>*.hgrm</code> (values in ms) next to this file.</p>");
    return sb.toString();
  }

  /**
   * The percentile spectrum: x = number of nines, log10(1/(1-p)), so 0 → 0%, 2 → 99%; y = ms.
   * Points stop at the resolution the sample count supports.
   */
  static double[][] spectrum(Histogram h) {
    long n = h.getTotalCount();
    if (n == 0) {
      return new double[][] {new double[0], new double[0]};
    }
    double maxNines = Math.min(DISTRIBUTION_NINES, Math.log10(n));
    int points = (int) Math.ceil(maxNines * DISTRIBUTION_POINTS_PER_NINE) + 1;
    double[] xs = new double[points + 1];
    double[] ys = new double[points + 1];
    for (int i = 0; i < points; i++) {
      double nines = maxNines * i / Math.max(1, points - 1);
      double p = 100 * (1 - Math.pow(10, -nines));
      xs[i] = nines;
      ys[i] = h.getValueAtPercentile(p) / 1e6;
    }
    xs[points] = maxNines;
    ys[points] = h.getMaxValue() / 1e6;
    return new double[][] {xs, ys};
  }
}
