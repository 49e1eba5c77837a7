package dev.tide.lab.report;

import dev.tide.lab.chaos.ChaosRun;
import dev.tide.lab.chaos.Timeline;
import dev.tide.lab.chaos.nemesis.Fault;
import dev.tide.lab.chaos.nemesis.FaultKind;
import dev.tide.lab.check.Anomaly;
import dev.tide.lab.check.CheckResult;
import dev.tide.lab.check.Op;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chaos report: one row per run (faults, operations, ok/fail/unknown, anomalies, lost
 * writes, recovery time, verdict) as text ({@code summary.txt}, also printed) and as HTML
 * ({@code report.html}: the table, then per run its faults, what was skipped and why, each
 * checker's result with the operations around every anomaly, and a timeline — throughput and
 * latency per second with the fault windows shaded).
 */
public final class ChaosReport {

  public static final List<String> HEADERS = List.of("run", "seed", "faults", "ops", "ok", "fail", "unknown",
      "anomalies", "lost writes", "recovery ms", "verdict");

  /** Anomalies shown per workload in the HTML (the checker keeps up to 50). */
  static final int MAX_ANOMALIES_SHOWN = 10;

  private ChaosReport() {
  }

  /** The context of a set of runs. */
  public record Context(String command, MachineInfo machine, String settings, long createdEpochMs) {
  }

  public static List<String> row(ChaosRun.Result r) {
    return List.of(Integer.toString(r.index() + 1), Long.toString(r.seed()), Integer.toString(r.faults().size()),
        String.format(Locale.ROOT, "%,d", r.ops()), String.format(Locale.ROOT, "%,d", r.ok()),
        String.format(Locale.ROOT, "%,d", r.fail()), String.format(Locale.ROOT, "%,d", r.unknown()),
        Long.toString(r.anomalies()), Long.toString(r.lostWrites()),
        r.recoveryMs() < 0 ? "not recovered" : Long.toString(r.recoveryMs()),
        r.verdict().name().toLowerCase(Locale.ROOT) + (r.failure() != null ? " (run failed)" : ""));
  }

  /** The text summary: context, the table, a total line, and per run what was skipped. */
  public static String text(Context ctx, List<ChaosRun.Result> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append("chaos:     ").append(runs.size()).append(" run(s)\n");
    sb.append("command:   ").append(ctx.command()).append('\n');
    sb.append("machine:   ").append(ctx.machine().describe()).append('\n');
    sb.append("settings:  ").append(ctx.settings()).append("\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (ChaosRun.Result r : runs) {
      rows.add(row(r));
    }
    sb.append(SummaryTable.format(HEADERS, rows));
    long anomalies = runs.stream().mapToLong(ChaosRun.Result::anomalies).sum();
    long lost = runs.stream().mapToLong(ChaosRun.Result::lostWrites).sum();
    long notValid = runs.stream().filter(r -> r.verdict() != dev.tide.lab.check.Verdict.VALID).count();
    sb.append(String.format(Locale.ROOT, "%ntotal: %d runs, %d anomalies, %d lost acknowledged writes, %d run(s) not "
        + "proven valid%n", runs.size(), anomalies, lost, notValid));
    Map<String, String> skipped = new TreeMap<>();
    for (ChaosRun.Result r : runs) {
      r.skippedFaults().forEach((k, why) -> skipped.put("fault " + k.id(), why));
      r.skippedWorkloads().forEach((w, why) -> skipped.put("workload " + w, why));
      r.notes().forEach(n -> skipped.put("note: " + n, ""));
    }
    if (!skipped.isEmpty()) {
      sb.append('\n');
      skipped.forEach((k, why) -> sb.append("  ").append(k).append(why.isEmpty() ? "" : ": " + why).append('\n'));
    }
    for (ChaosRun.Result r : runs) {
      if (r.failure() != null) {
        sb.append("run ").append(r.index() + 1).append(" failed: ").append(r.failure()).append('\n');
      }
      for (CheckResult c : r.checks().values()) {
        for (Anomaly a : c.anomalies().subList(0, Math.min(3, c.anomalies().size()))) {
          sb.append("run ").append(r.index() + 1).append(": ").append(a.describe()).append('\n');
        }
      }
    }
    return sb.toString();
  }

  public static String html(Context ctx, List<ChaosRun.Result> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tide lab: chaos</title>");
    sb.append(HtmlReport.STYLE).append("</head><body><h1>Tide lab: chaos</h1><div class=\"meta\">");
    sb.append("<p>").append(SvgChart.esc(Instant.ofEpochMilli(ctx.createdEpochMs()).toString())).append("</p>");
    sb.append("<p><b>Command:</b> <code>").append(SvgChart.esc(ctx.command())).append("</code></p>");
    sb.append("<p><b>Machine:</b> ").append(SvgChart.esc(ctx.machine().describe())).append("</p>");
    sb.append("<p><b>Settings:</b> ").append(SvgChart.esc(ctx.settings())).append("</p>");
    sb.append("<p>Every acknowledged write must survive; a checker that runs out of time says unknown, never valid. "
        + "Histories (<code>run-N/history.jsonl</code>, one operation per line) and node logs are next to this file; "
        + "<code>./tide lab check run-N/history.jsonl</code> checks one again.</p></div>");
    List<List<String>> rows = new ArrayList<>();
    for (ChaosRun.Result r : runs) {
      rows.add(row(r));
    }
    sb.append("<section><h2>Runs</h2>").append(HtmlReport.table(HEADERS, rows)).append("</section>");
    for (ChaosRun.Result r : runs) {
      run(sb, r);
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static void run(StringBuilder sb, ChaosRun.Result r) {
    sb.append("<section><h2>Run ").append(r.index() + 1).append(" (seed ").append(r.seed()).append(") — ");
    boolean valid = r.verdict() == dev.tide.lab.check.Verdict.VALID;
    sb.append("<span class=\"").append(valid ? "good" : "bad").append("\">")
        .append(r.verdict().name().toLowerCase(Locale.ROOT)).append("</span></h2>");
    if (r.failure() != null) {
      sb.append("<p class=\"bad\">The run failed: ").append(SvgChart.esc(r.failure())).append("</p>");
    }
    sb.append(String.format(Locale.ROOT, "<p class=\"meta\">%,d operations in %.0f s; recovery after the final heal: %s</p>",
        r.ops(), r.elapsedMs() / 1e3, r.recoveryMs() < 0 ? "not within the timeout" : r.recoveryMs() + " ms"));
    timeline(sb, r);
    List<List<String>> faults = new ArrayList<>();
    for (Fault f : r.faults()) {
      faults.add(List.of(f.kind().id(), String.format(Locale.ROOT, "%.1f", f.startNs() / 1e9),
          f.endNs() < 0 ? "" : String.format(Locale.ROOT, "%.1f", f.endNs() / 1e9), f.description()));
    }
    sb.append("<h3>Faults</h3>").append(HtmlReport.table(List.of("fault", "from s", "to s", "what"), faults));
    if (!r.skippedFaults().isEmpty() || !r.skippedWorkloads().isEmpty() || !r.notes().isEmpty()) {
      sb.append("<h3>Skipped and notes</h3><ul class=\"meta\">");
      for (Map.Entry<FaultKind, String> e : r.skippedFaults().entrySet()) {
        sb.append("<li>fault <b>").append(e.getKey().id()).append("</b>: ").append(SvgChart.esc(e.getValue()))
            .append("</li>");
      }
      r.skippedWorkloads().forEach((w, why) -> sb.append("<li>workload <b>").append(SvgChart.esc(w)).append("</b>: ")
          .append(SvgChart.esc(why)).append("</li>"));
      r.notes().forEach(n -> sb.append("<li>").append(SvgChart.esc(n)).append("</li>"));
      sb.append("</ul>");
    }
    List<List<String>> checks = new ArrayList<>();
    for (CheckResult c : r.checks().values()) {
      checks.add(List.of(c.workload(), c.verdict().name().toLowerCase(Locale.ROOT), String.format(Locale.ROOT, "%,d",
          c.ok()), String.format(Locale.ROOT, "%,d", c.fail()), String.format(Locale.ROOT, "%,d", c.unknown()),
          Long.toString(c.anomalyCount()), Long.toString(c.lostWriteCount()), String.join("; ", c.notes())));
    }
    sb.append("<h3>Checks</h3>").append(HtmlReport.table(List.of("workload", "verdict", "ok", "fail", "unknown",
        "anomalies", "lost writes", "notes"), checks));
    for (CheckResult c : r.checks().values()) {
      List<Anomaly> shown = c.anomalies().subList(0, Math.min(MAX_ANOMALIES_SHOWN, c.anomalies().size()));
      for (Anomaly a : shown) {
        sb.append("<p class=\"bad\">").append(SvgChart.esc(c.workload() + ": " + a.kind()
            + (a.key() == null ? "" : " " + a.key()) + (a.isLostWrite() ? " — lost value " + a.lostValue() : "")))
            .append("</p><p>").append(SvgChart.esc(a.message())).append("</p><pre>");
        for (Op op : a.around()) {
          sb.append(SvgChart.esc(op.describe())).append('\n');
        }
        sb.append("</pre>");
      }
    }
    sb.append("</section>");
  }

  private static void timeline(StringBuilder sb, ChaosRun.Result r) {
    Timeline t = r.timeline();
    int n = t.seconds().size();
    double[] xs = new double[n];
    double[] ok = new double[n];
    double[] bad = new double[n];
    double[] p50 = new double[n];
    double[] p99 = new double[n];
    for (int i = 0; i < n; i++) {
      Timeline.Second s = t.seconds().get(i);
      xs[i] = s.second();
      ok[i] = s.ok();
      bad[i] = s.fail() + s.unknown();
      p50[i] = s.p50Ms();
      p99[i] = s.p99Ms();
    }
    SvgChart throughput = new SvgChart("Operations per second (fault windows shaded)", "seconds", "ops/s", false)
        .add(new SvgChart.Series("ok", Palette.TIDE, xs, ok, false))
        .add(new SvgChart.Series("fail + unknown", Palette.REDIS, xs, bad, false));
    SvgChart latency = new SvgChart("Latency of ok operations: p99 (solid), p50 (dashed)", "seconds", "ms (log scale)",
        true).add(new SvgChart.Series("p99", Palette.TIDE, xs, p99, false))
        .add(new SvgChart.Series("p50", Palette.TIDE, xs, p50, true));
    for (Fault f : r.faults()) {
      double from = f.startNs() / 1e9;
      double to = f.endNs() < 0 ? from : f.endNs() / 1e9;
      SvgChart.Band b = new SvgChart.Band(from, to, f.kind().id(), bandColour(f.kind()));
      throughput.band(b);
      latency.band(b);
    }
    sb.append(throughput.render()).append(latency.render());
  }

  static String bandColour(FaultKind k) {
    if (k.isNetwork()) {
      return "#8250df";
    }
    if (k.isDisk()) {
      return "#bf8700";
    }
    return "#d1242f";
  }

  /** Writes {@code summary.txt} and {@code report.html} into {@code dir}. */
  public static void write(Path dir, Context ctx, List<ChaosRun.Result> runs) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("summary.txt"), text(ctx, runs), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("report.html"), html(ctx, runs), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the chaos report to " + dir, e);
    }
  }
}
