package dev.tide.lab.report;

import dev.tide.lab.cluster.ClusterBench;
import dev.tide.lab.cluster.ClusterBenchPlan;
import dev.tide.lab.cluster.ClusterFigures;
import dev.tide.lab.cluster.ClusterTable;
import dev.tide.lab.cluster.FailoverBench;
import dev.tide.lab.cluster.FailoverTimeline;
import dev.tide.lab.harness.Benchmark.TargetRun;
import dev.tide.lab.run.RunResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The report of {@code ./tide bench cluster} (and of {@code ./tide bench failover}) in its result
 * directory: {@code summary.txt} (the tables), {@code result.json} (every figure),
 * {@code report.html} (the tables, the failover distribution and, per phase, the lab's usual
 * summary and charts) and one ordinary lab report per phase in a subdirectory
 * ({@code set-peak/}, {@code get-peak/}, {@code set-half/}: HdrHistogram logs per target).
 */
public final class ClusterReportWriter {

  /** Phases: subdirectory, title, and where each target's result of that phase is. */
  private record Phase(String dir, String title, String mode, Function<ClusterBench.TargetOutcome, RunResult> result) {
  }

  private static final List<Phase> PHASES = List.of(
      new Phase("set-peak", ClusterBenchPlan.SET_PEAK, "closed loop, SET only", ClusterBench.TargetOutcome::setPeak),
      new Phase("get-peak", ClusterBenchPlan.GET_PEAK, "closed loop, GET only", ClusterBench.TargetOutcome::getPeak),
      new Phase("set-half", ClusterBenchPlan.SET_HALF, "open loop at half of each target's SET peak, SET only",
          ClusterBench.TargetOutcome::setHalf));

  /** Error texts listed per phase in the summary (most frequent first); the phase's JSON has them all. */
  static final int ERROR_KINDS_SHOWN = 3;

  private ClusterReportWriter() {
  }

  /** Writes everything into {@code outcome.directory()}. */
  public static void write(ClusterBench.Outcome outcome) {
    Path dir = outcome.directory();
    List<Report> phases = phaseReports(outcome);
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < PHASES.size(); i++) {
        if (!phases.get(i).runs().isEmpty()) {
          ReportWriter.writeInto(dir.resolve(PHASES.get(i).dir()), phases.get(i));
        }
      }
      Files.writeString(dir.resolve("summary.txt"), text(outcome), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("report.html"), html(outcome, phases), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("result.json"), json(outcome), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report to " + dir, e);
    }
  }

  /** One ordinary lab report per phase, with every target that has a result for it. */
  static List<Report> phaseReports(ClusterBench.Outcome o) {
    List<Report> out = new ArrayList<>();
    ClusterBenchPlan p = o.plan();
    for (Phase ph : PHASES) {
      List<TargetRun> runs = new ArrayList<>();
      for (ClusterBench.TargetOutcome t : o.targets()) {
        RunResult r = ph.result().apply(t);
        if (r != null) {
          runs.add(new TargetRun(t.figures().target(), t.figures().description(), r, null));
        } else if (t.figures().failure() != null) {
          runs.add(new TargetRun(t.figures().target(), t.figures().description(), null, t.figures().failure()));
        }
      }
      String baseline = runs.stream().anyMatch(r -> r.target().equals(ClusterTable.REDIS_CLUSTER) && r.result() != null)
          ? ClusterTable.REDIS_CLUSTER : null;
      out.add(new Report("cluster " + ph.title(), p.command(), o.machine(), p.workload(ph.dir().startsWith("get")
          ? 1 : 0).describe(), ph.mode(), p.clients(), p.warmupNs(), baseline, runs, o.endedEpochMs()));
    }
    return out;
  }

  // ---- text --------------------------------------------------------------------------------------

  static String text(ClusterBench.Outcome o) {
    StringBuilder sb = new StringBuilder();
    ClusterBenchPlan p = o.plan();
    sb.append("benchmark: cluster (Tide cluster vs Redis Cluster vs etcd, same run)\n");
    sb.append("command:   ").append(p.command()).append('\n');
    sb.append("machine:   ").append(o.machine().describe()).append("; load average at end ")
        .append(o.loadAverageAtEnd()).append('\n');
    sb.append("plan:      ").append(p.describe().strip().replace("\n", "\n           ")).append('\n');
    sb.append("latency:   closed loop from send; open loop (half peak) from the intended start\n");
    if (o.fsync() != null && o.fsync().count() > 0) {
      sb.append(String.format(Locale.ROOT, "fsync:     p50 %.0f µs, p99 %.0f µs, max %.0f µs (%d small appends + "
          + "fdatasync in the temp directory)%n", o.fsync().p50Us(), o.fsync().p99Us(), o.fsync().maxUs(),
          o.fsync().count()));
    }
    sb.append('\n');
    List<ClusterFigures> figures = o.targets().stream().map(ClusterBench.TargetOutcome::figures).toList();
    if (!figures.isEmpty()) {
      sb.append(ClusterTable.render(figures)).append('\n');
      for (ClusterBench.TargetOutcome t : o.targets()) {
        sb.append(t.figures().target()).append(": ").append(t.figures().description()).append('\n');
        if (t.consensus() != null) {
          sb.append(String.format(Locale.ROOT, "  Raft in the SET peak: %,d writes in %,d log entries (%.1f writes per "
              + "entry); leaders per node %s%n", t.consensus().writes(), t.consensus().entries(),
              t.consensus().writesPerEntry(), t.consensus().leadersPerNode()));
        }
        if (!Double.isNaN(t.clientCpuUsPerSet())) {
          sb.append(String.format(Locale.ROOT, "  CPU per SET in the SET peak: servers %s µs, load generator %.1f µs%n",
              ClusterTable.num(t.figures().serverCpuUsPerSet()), t.clientCpuUsPerSet()));
        }
        if (t.machineCpu() != null) {
          sb.append("  machine CPU in the SET peak: ").append(t.machineCpu().describe()).append('\n');
        }
        if (!t.cpuGroups().isEmpty()) {
          sb.append("  server CPU by thread in the SET peak (µs per SET, share):");
          for (ClusterBench.CpuGroup g : t.cpuGroups()) {
            sb.append(String.format(Locale.ROOT, " %s %.1f (%.0f%%);", g.group(), g.usPerSet(), g.share() * 100));
          }
          sb.append('\n');
        }
        for (Phase ph : PHASES) {
          RunResult r = ph.result().apply(t);
          if (r != null && (r.errors() > 0 || r.retries() > 0)) {
            sb.append(String.format(Locale.ROOT, "  %s: %,d errors, %,d retries", ph.title(), r.errors(), r.retries()));
            List<java.util.Map.Entry<String, Long>> kinds = new ArrayList<>(r.errorCounts().entrySet());
            kinds.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
            for (java.util.Map.Entry<String, Long> k : kinds.subList(0, Math.min(ERROR_KINDS_SHOWN, kinds.size()))) {
              sb.append(String.format(Locale.ROOT, "; %,d x %s", k.getValue(), k.getKey()));
            }
            if (kinds.size() > ERROR_KINDS_SHOWN) {
              sb.append("; ").append(kinds.size() - ERROR_KINDS_SHOWN).append(" more kinds in result.json of the phase");
            }
            sb.append('\n');
          }
        }
      }
      sb.append('\n');
    }
    if (o.failover() != null) {
      sb.append(failoverText(o.failover()));
    }
    for (ClusterBench.TargetOutcome t : o.targets()) {
      if (t.profile() != null) {
        sb.append("\nprofile of ").append(t.figures().target()).append(" (stack samples of every node):\n")
            .append(t.profile());
      }
    }
    return sb.toString();
  }

  /** The failover section: distribution, every sample, the client's counters and the verification. */
  public static String failoverText(FailoverBench.Result f) {
    StringBuilder sb = new StringBuilder();
    sb.append("failover: kill -9 of the leader of the partition of slot ").append(f.slot())
        .append(" under a sequential writer (timeout ").append(f.writeTimeoutMs()).append(" ms per attempt)\n");
    if (!f.description().isEmpty()) {
      sb.append("  ").append(f.description()).append('\n');
    }
    FailoverTimeline.Distribution d = f.distribution();
    sb.append(String.format(Locale.ROOT, "  write gap (last ack before the kill -> first ack after), %d kills: "
        + "min %s ms, p50 %s ms, p90 %s ms, max %s ms; within %.0f ms: %d of %d%n", d.samples(), ms(d.minMs()),
        ms(d.p50Ms()), ms(d.p90Ms()), ms(d.maxMs()), FailoverTimeline.TARGET_MS, d.withinTarget(), d.samples()));
    List<List<String>> rows = new ArrayList<>();
    rows.add(FAILOVER_HEADERS);
    rows.addAll(failoverRows(f));
    sb.append(indent(table(rows)));
    sb.append(failoverDetails(f));
    return sb.toString();
  }

  /** The writer's story per kill, its counters, the verification and any early stop. */
  static String failoverDetails(FailoverBench.Result f) {
    StringBuilder sb = new StringBuilder();
    sb.append("  what the writer saw from its last ack before each kill to its first after (ms after the kill):\n");
    for (FailoverBench.Sample s : f.samples()) {
      sb.append("    ").append(s.kill()).append(": ").append(s.story()).append('\n');
    }
    sb.append(String.format(Locale.ROOT, "  writer: %,d acknowledged, %,d attempts, %,d MOVED, %,d TRYAGAIN/CLUSTERDOWN, "
        + "%,d timeouts, %,d connection errors, %,d other errors, %,d given up%s%n", f.acked(), f.attempts(),
        f.moved(), f.tryAgain(), f.timeouts(), f.connectionErrors(), f.otherErrors(), f.givenUp(),
        f.lastOtherError() == null ? "" : " (last other error: " + f.lastOtherError() + ")"));
    sb.append(f.missing() < 0 ? "  verification: did not complete (below)\n"
        : f.missing() == 0 ? String.format(Locale.ROOT, "  verification: all %,d acknowledged writes present with "
        + "their values%n", f.verified())
        : String.format(Locale.ROOT, "  verification: %,d of %,d acknowledged writes MISSING or different, e.g. %s%n",
            f.missing(), f.verified(), f.firstMissing()));
    if (f.failure() != null) {
      sb.append("  run stopped early: ").append(f.failure()).append('\n');
    }
    return sb.toString();
  }

  static final List<String> FAILOVER_HEADERS = List.of("kill", "node", "partition", "term", "gap ms",
      "kill->first ack ms", "new leader", "restart->caught up s");

  static List<List<String>> failoverRows(FailoverBench.Result f) {
    List<List<String>> rows = new ArrayList<>();
    for (FailoverBench.Sample s : f.samples()) {
      rows.add(List.of(Integer.toString(s.kill()), s.killedNode(), Integer.toString(s.partition()),
          Long.toString(s.termBefore()), ms(s.gapMs()), ms(s.resumeAfterKillMs()), s.newLeader(),
          String.format(Locale.ROOT, "%.1f", s.catchUpMs() / 1e3)));
    }
    return rows;
  }

  private static String table(List<List<String>> rows) {
    StringBuilder sb = new StringBuilder();
    int[] w = new int[rows.get(0).size()];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < rows.get(r).size(); i++) {
        line.append(i == 0 ? String.format("%-" + w[i] + "s", rows.get(r).get(i))
            : String.format("  %" + w[i] + "s", rows.get(r).get(i)));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        sb.append("-".repeat(line.length())).append('\n');
      }
    }
    return sb.toString();
  }

  private static String indent(String s) {
    return s.isEmpty() ? "" : "  " + s.strip().replace("\n", "\n  ") + "\n";
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
  }

  // ---- HTML --------------------------------------------------------------------------------------

  static String html(ClusterBench.Outcome o, List<Report> phases) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tide lab: cluster</title>");
    sb.append(HtmlReport.STYLE).append("</head><body>");
    sb.append("<h1>Tide lab: cluster benchmark</h1>");
    sb.append(header(o.plan().command(), o.machine(), o.loadAverageAtEnd(), o.endedEpochMs()));
    sb.append("<p class=\"meta\">").append(SvgChart.esc(o.plan().describe()).replace("\n", "<br>")).append("</p>");
    if (o.fsync() != null && o.fsync().count() > 0) {
      sb.append(String.format(Locale.ROOT, "<p class=\"meta\"><b>fsync</b> on this disk: p50 %.0f µs, p99 %.0f µs.</p>",
          o.fsync().p50Us(), o.fsync().p99Us()));
    }
    List<ClusterFigures> figures = o.targets().stream().map(ClusterBench.TargetOutcome::figures).toList();
    if (!figures.isEmpty()) {
      sb.append("<section><h2>Figures</h2>").append(htmlTable(ClusterTable.HEADERS, ClusterTable.rows(figures), true));
      List<List<String>> ratios = ClusterTable.ratios(figures);
      if (!ratios.isEmpty()) {
        sb.append(htmlTable(ClusterTable.RATIO_HEADERS, ratios, false));
      }
      List<List<String>> goals = new ArrayList<>();
      for (ClusterTable.Goal g : ClusterTable.goals(figures)) {
        goals.add(List.of(g.goal(), g.measured(), g.verdict()));
      }
      sb.append(htmlTable(List.of("goal (issue 4)", "measured", "verdict"), goals, false));
      sb.append("<ul class=\"meta\">");
      for (ClusterBench.TargetOutcome t : o.targets()) {
        sb.append("<li><b>").append(SvgChart.esc(t.figures().target())).append("</b>: ")
            .append(SvgChart.esc(t.figures().description()));
        if (t.figures().failure() != null) {
          sb.append("<br><b>failed:</b> ").append(SvgChart.esc(t.figures().failure()));
        }
        if (t.consensus() != null) {
          sb.append(SvgChart.esc(String.format(Locale.ROOT, ". Raft in the SET peak: %,d writes in %,d log entries "
              + "(%.1f per entry); leaders per node %s", t.consensus().writes(), t.consensus().entries(),
              t.consensus().writesPerEntry(), t.consensus().leadersPerNode())));
        }
        if (t.machineCpu() != null) {
          sb.append("<br>machine CPU in the SET peak: ").append(SvgChart.esc(t.machineCpu().describe()));
        }
        if (!t.cpuGroups().isEmpty()) {
          sb.append("<br>server CPU by thread in the SET peak (µs per SET): ");
          for (ClusterBench.CpuGroup g : t.cpuGroups()) {
            sb.append(SvgChart.esc(String.format(Locale.ROOT, "%s %.1f (%.0f%%); ", g.group(), g.usPerSet(),
                g.share() * 100)));
          }
        }
        sb.append("</li>");
      }
      sb.append("</ul></section>");
    }
    if (o.failover() != null) {
      sb.append(failoverHtml(o.failover()));
    }
    for (int i = 0; i < PHASES.size(); i++) {
      if (phases.get(i).runs().isEmpty()) {
        continue;
      }
      Phase ph = PHASES.get(i);
      sb.append("<h2>Phase: ").append(SvgChart.esc(ph.title())).append(" (").append(SvgChart.esc(ph.mode()))
          .append(")</h2><p class=\"meta\">Full report: <code>").append(ph.dir()).append("/report.html</code></p>");
      sb.append(HtmlReport.sections(phases.get(i)));
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static String header(String command, MachineInfo machine, String loadAtEnd, long epochMs) {
    return "<div class=\"meta\"><p>" + SvgChart.esc(Instant.ofEpochMilli(epochMs).toString()) + "</p><p><b>Command:</b> "
        + "<code>" + SvgChart.esc(command) + "</code></p><p><b>Machine:</b> " + SvgChart.esc(machine.describe())
        + "; load average at end " + SvgChart.esc(loadAtEnd) + "</p></div>";
  }

  static String failoverHtml(FailoverBench.Result f) {
    StringBuilder sb = new StringBuilder("<section><h2>Failover: kill -9 of a partition leader</h2>");
    FailoverTimeline.Distribution d = f.distribution();
    sb.append("<p>").append(SvgChart.esc(String.format(Locale.ROOT, "Write gap (last acknowledged write before the kill "
        + "to the first after it) over %d kills: min %s ms, p50 %s ms, p90 %s ms, max %s ms; %d of %d within %.0f ms.",
        d.samples(), ms(d.minMs()), ms(d.p50Ms()), ms(d.p90Ms()), ms(d.maxMs()), d.withinTarget(), d.samples(),
        FailoverTimeline.TARGET_MS))).append("</p>");
    double[] xs = new double[f.samples().size()];
    double[] ys = new double[xs.length];
    double[] resume = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = f.samples().get(i).kill();
      ys[i] = f.samples().get(i).gapMs();
      resume[i] = f.samples().get(i).resumeAfterKillMs();
    }
    if (xs.length > 0) {
      SvgChart chart = new SvgChart("Write gap per kill (solid); kill to first acknowledged write (dashed)", "kill",
          "ms", false);
      chart.add(new SvgChart.Series("gap", Palette.TIDE, xs, ys, false));
      chart.add(new SvgChart.Series("kill to first ack", Palette.TIDE, xs, resume, true));
      sb.append(chart.render());
    }
    sb.append(htmlTable(FAILOVER_HEADERS, failoverRows(f), false));
    sb.append("<pre class=\"meta\">").append(SvgChart.esc(failoverDetails(f))).append("</pre></section>");
    return sb.toString();
  }

  private static String htmlTable(List<String> headers, List<List<String>> rows, boolean swatches) {
    StringBuilder sb = new StringBuilder("<table><tr>");
    for (String h : headers) {
      sb.append("<th>").append(SvgChart.esc(h)).append("</th>");
    }
    sb.append("</tr>");
    for (int i = 0; i < rows.size(); i++) {
      sb.append("<tr>");
      List<String> row = rows.get(i);
      for (int c = 0; c < row.size(); c++) {
        sb.append("<td>");
        if (c == 0 && swatches) {
          sb.append("<span class=\"swatch\" style=\"background:").append(Palette.colour(row.get(0), i))
              .append("\"></span>");
        }
        sb.append(SvgChart.esc(row.get(c))).append("</td>");
      }
      sb.append("</tr>");
    }
    return sb.append("</table>").toString();
  }

  // ---- JSON --------------------------------------------------------------------------------------

  static String json(ClusterBench.Outcome o) {
    Json j = new Json().begin();
    j.key("benchmark").str("cluster");
    j.key("command").str(o.plan().command());
    j.key("started").str(Instant.ofEpochMilli(o.startedEpochMs()).toString());
    j.key("ended").str(Instant.ofEpochMilli(o.endedEpochMs()).toString());
    machine(j, o.machine(), o.loadAverageAtEnd());
    ClusterBenchPlan p = o.plan();
    j.key("plan").begin().key("clients").num(p.clients()).key("keys").num(p.keys()).key("valueBytes").num(p.valueBytes())
        .key("phaseSec").num(p.measureSec()).key("warmupSec").num(p.warmupSec()).key("nodes").num(p.nodes())
        .key("partitions").num(p.partitions()).end();
    if (o.fsync() != null) {
      j.key("fsync").begin().key("count").num(o.fsync().count()).key("p50Us").num(o.fsync().p50Us())
          .key("p99Us").num(o.fsync().p99Us()).key("maxUs").num(o.fsync().maxUs()).end();
    }
    j.key("targets").beginArray();
    for (ClusterBench.TargetOutcome t : o.targets()) {
      ClusterFigures f = t.figures();
      j.begin().key("target").str(f.target()).key("description").str(f.description()).key("failure").str(f.failure());
      j.key("setOpsPerSec").num(f.setOps()).key("setP50Ms").num(f.setP50Ms()).key("setP99Ms").num(f.setP99Ms());
      j.key("getOpsPerSec").num(f.getOps()).key("getP50Ms").num(f.getP50Ms()).key("getP99Ms").num(f.getP99Ms());
      j.key("halfRateOpsPerSec").num(f.halfRateOps()).key("halfOpsPerSec").num(f.halfOps())
          .key("halfP50Ms").num(f.halfP50Ms()).key("halfP99Ms").num(f.halfP99Ms()).key("halfP999Ms").num(f.halfP999Ms());
      j.key("errors").num(f.errors()).key("retries").num(f.retries());
      j.key("serverCpuUsPerSet").num(f.serverCpuUsPerSet()).key("clientCpuUsPerSet").num(t.clientCpuUsPerSet());
      if (t.consensus() != null) {
        j.key("raft").begin().key("entries").num(t.consensus().entries()).key("writes").num(t.consensus().writes())
            .key("writesPerEntry").num(t.consensus().writesPerEntry())
            .key("leadersPerNode").str(t.consensus().leadersPerNode()).end();
      }
      if (t.machineCpu() != null) {
        MachineCpuJson.write(j, t.machineCpu());
      }
      j.key("cpuByThread").beginArray();
      for (ClusterBench.CpuGroup g : t.cpuGroups()) {
        j.begin().key("group").str(g.group()).key("usPerSet").num(g.usPerSet()).key("share").num(g.share()).end();
      }
      j.endArray();
      j.end();
    }
    j.endArray();
    List<ClusterFigures> figures = o.targets().stream().map(ClusterBench.TargetOutcome::figures).toList();
    j.key("goals").beginArray();
    for (ClusterTable.Goal g : ClusterTable.goals(figures)) {
      j.begin().key("goal").str(g.goal()).key("measured").str(g.measured()).key("verdict").str(g.verdict()).end();
    }
    j.endArray();
    if (o.failover() != null) {
      j.key("failover");
      failoverJson(j, o.failover());
    }
    j.end();
    return j + "\n";
  }

  /** The machine's CPU shares as JSON fields. */
  private static final class MachineCpuJson {
    static void write(Json j, dev.tide.lab.cluster.MachineCpu c) {
      j.key("machineCpuInSetPeak").begin().key("user").num(c.user()).key("system").num(c.system())
          .key("iowait").num(c.iowait()).key("idle").num(c.idle()).key("steal").num(c.steal()).end();
    }
  }

  private static void machine(Json j, MachineInfo m, String loadAtEnd) {
    j.key("machine").begin().key("cores").num(m.cores()).key("cpu").str(m.cpu()).key("memoryGiB").num(m.memoryGiB())
        .key("jdk").str(m.jdk()).key("os").str(m.os()).key("loadAverageAtStart").str(m.loadAverage())
        .key("loadAverageAtEnd").str(loadAtEnd).end();
  }

  private static void failoverJson(Json j, FailoverBench.Result f) {
    FailoverTimeline.Distribution d = f.distribution();
    j.begin().key("description").str(f.description()).key("slot").num(f.slot()).key("partition").num(f.partition())
        .key("writeTimeoutMs").num(f.writeTimeoutMs());
    j.key("gapMs").begin().key("samples").num(d.samples()).key("min").num(d.minMs()).key("p50").num(d.p50Ms())
        .key("p90").num(d.p90Ms()).key("max").num(d.maxMs()).key("withinTarget").num(d.withinTarget())
        .key("targetMs").num(FailoverTimeline.TARGET_MS).end();
    j.key("kills").beginArray();
    for (FailoverBench.Sample s : f.samples()) {
      j.begin().key("kill").num(s.kill()).key("node").str(s.killedNode()).key("partition").num(s.partition())
          .key("termBefore").num(s.termBefore()).key("gapMs").num(s.gapMs())
          .key("killToFirstAckMs").num(s.resumeAfterKillMs()).key("newLeader").str(s.newLeader())
          .key("restartToCaughtUpMs").num(s.catchUpMs()).key("writer").str(s.story()).end();
    }
    j.endArray();
    j.key("writer").begin().key("acked").num(f.acked()).key("attempts").num(f.attempts()).key("moved").num(f.moved())
        .key("tryAgain").num(f.tryAgain()).key("timeouts").num(f.timeouts())
        .key("connectionErrors").num(f.connectionErrors()).key("otherErrors").num(f.otherErrors())
        .key("givenUp").num(f.givenUp()).end();
    j.key("verified").num(f.verified()).key("missing").num(f.missing()).key("failure").str(f.failure());
    j.end();
  }

  /** The report of {@code ./tide bench failover} alone, written into {@code dir}. */
  public static void writeFailover(Path dir, String command, MachineInfo machine, String loadAtEnd, long epochMs,
                                   FailoverBench.Result f) {
    try {
      Files.createDirectories(dir);
      String text = "benchmark: failover\ncommand:   " + command + "\nmachine:   " + machine.describe()
          + "; load average at end " + loadAtEnd + "\n\n" + failoverText(f);
      Files.writeString(dir.resolve("summary.txt"), text, StandardCharsets.UTF_8);
      String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tide lab: failover</title>"
          + HtmlReport.STYLE + "</head><body><h1>Tide lab: failover benchmark</h1>"
          + header(command, machine, loadAtEnd, epochMs) + failoverHtml(f) + "</body></html>\n";
      Files.writeString(dir.resolve("report.html"), html, StandardCharsets.UTF_8);
      Json j = new Json().begin();
      j.key("benchmark").str("failover").key("command").str(command);
      machine(j, machine, loadAtEnd);
      j.key("failover");
      failoverJson(j, f);
      j.end();
      Files.writeString(dir.resolve("result.json"), j + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report to " + dir, e);
    }
  }
}
