package dev.tide.lab.report;

import dev.tide.lab.harness.Benchmark.TargetRun;
import dev.tide.lab.run.IntervalStats;
import dev.tide.lab.run.RunResult;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Writes {@code <resultsDir>/<UTC timestamp>-<name>/}: {@code result.json}, {@code summary.txt},
 * {@code report.html}, and per target {@code <target>.hlog} (HdrHistogram interval log, one
 * histogram per second, values in ns) and {@code <target>.hgrm} (percentile distribution in ms).
 */
public final class ReportWriter {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  /** Result directories with the same timestamp and name before giving up on numbering them. */
  static final int MAX_SAME_NAME = 1_000;

  private ReportWriter() {
  }

  public static Path write(Path resultsDir, Report report) {
    String safeName = report.name().replaceAll("[^A-Za-z0-9._-]", "_");
    String base = STAMP.format(Instant.ofEpochMilli(report.createdEpochMs())) + "-" + safeName;
    Path dir = resultsDir.resolve(base);
    // Two runs finishing in the same second with the same name: never overwrite, number them.
    for (int i = 2; Files.exists(dir) && i <= MAX_SAME_NAME; i++) {
      dir = resultsDir.resolve(base + "-" + i);
    }
    writeInto(dir, report);
    return dir;
  }

  /**
   * Writes the report's files into {@code dir} (created if needed; files of the same names are
   * replaced): for a benchmark that keeps several reports in one result directory.
   */
  public static void writeInto(Path dir, Report report) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("summary.txt"), SummaryTable.render(report), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("report.html"), HtmlReport.render(report), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("result.json"), json(report), StandardCharsets.UTF_8);
      for (TargetRun r : report.runs()) {
        if (r.result() != null) {
          String file = r.target().replaceAll("[^A-Za-z0-9._-]", "_");
          writeLog(dir.resolve(file + ".hlog"), r.result());
          try (PrintStream out = new PrintStream(dir.resolve(file + ".hgrm").toFile(), StandardCharsets.UTF_8)) {
            r.result().latency().outputPercentileDistribution(out, 1e6);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report to " + dir, e);
    }
  }

  private static void writeLog(Path file, RunResult res) throws IOException {
    try (PrintStream out = new PrintStream(file.toFile(), StandardCharsets.UTF_8)) {
      HistogramLogWriter w = new HistogramLogWriter(out);
      w.outputComment("Tide lab latency log for " + res.label() + ": one interval histogram per second, values in ns "
          + "(max column in ms), latency from intended start");
      w.outputLogFormatVersion();
      w.outputBaseTime(res.startEpochMs());
      w.setBaseTime(res.startEpochMs());
      w.outputLegend();
      for (Histogram h : res.intervalHistograms()) {
        w.outputIntervalHistogram((h.getStartTimeStamp() - res.startEpochMs()) / 1000.0,
            (h.getEndTimeStamp() - res.startEpochMs()) / 1000.0, h, 1e6);
      }
    }
  }

  static String json(Report report) {
    Json j = new Json().begin();
    j.key("name").str(report.name());
    j.key("command").str(report.command());
    j.key("created").str(Instant.ofEpochMilli(report.createdEpochMs()).toString());
    MachineInfo m = report.machine();
    j.key("machine").begin().key("cores").num(m.cores()).key("cpu").str(m.cpu()).key("memoryGiB").num(m.memoryGiB())
        .key("jdk").str(m.jdk()).key("os").str(m.os()).key("loadAverageAtStart").str(m.loadAverage()).end();
    j.key("workload").str(report.workload());
    j.key("load").str(report.runMode());
    j.key("connectionsPerNode").num(report.connections());
    j.key("warmupSec").num(report.warmupNs() / 1e9);
    j.key("baseline").str(report.baseline());
    j.key("targets").beginArray();
    for (TargetRun r : report.runs()) {
      j.begin().key("target").str(r.target()).key("description").str(r.description());
      RunResult res = r.result();
      if (res == null) {
        j.key("failure").str(r.failure()).end();
        continue;
      }
      j.key("driver").str(res.driverKind());
      j.key("elapsedSec").num(res.elapsedSec());
      j.key("throughputOpsPerSec").num(res.throughputOpsPerSec());
      j.key("scheduled").num(res.scheduled()).key("issued").num(res.issued()).key("issuedOnTime").num(res.issuedOnTime());
      j.key("ok").num(res.ok()).key("errors").num(res.errors()).key("retries").num(res.retries())
          .key("unfinished").num(res.unfinished());
      j.key("latencyMs").begin();
      String[] names = {"p50", "p90", "p99", "p99.9", "p99.99"};
      double[] ps = {50, 90, 99, 99.9, 99.99};
      for (int i = 0; i < ps.length; i++) {
        j.key(names[i]).num(res.percentileMs(ps[i]));
      }
      j.key("max").num(res.maxMs()).key("mean").num(res.latency().getTotalCount() == 0 ? Double.NaN
          : res.latency().getMean() / 1e6).end();
      j.key("serviceTimeP99Ms").num(res.serviceTime().getTotalCount() == 0 ? Double.NaN
          : res.serviceTime().getValueAtPercentile(99) / 1e6);
      j.key("issueLagP99Ms").num(res.issueLag().getTotalCount() == 0 ? Double.NaN
          : res.issueLag().getValueAtPercentile(99) / 1e6);
      if (res.delivered() > 0) {
        j.key("pubsub").begin().key("delivered").num(res.delivered())
            .key("deliveryP50Ms").num(res.delivery().getValueAtPercentile(50) / 1e6)
            .key("deliveryP99Ms").num(res.delivery().getValueAtPercentile(99) / 1e6).end();
      }
      j.key("errorKinds").begin();
      for (Map.Entry<String, Long> e : res.errorCounts().entrySet()) {
        j.key(e.getKey()).num(e.getValue());
      }
      j.end();
      j.key("perSecond").beginArray();
      for (IntervalStats s : res.intervals()) {
        j.begin().key("second").num(s.second()).key("scheduled").num(s.scheduled()).key("issued").num(s.issued())
            .key("completed").num(s.completed()).key("errors").num(s.errors()).key("retries").num(s.retries())
            .key("p50Ms").num(s.p50Us() / 1000).key("p90Ms").num(s.p90Us() / 1000).key("p99Ms").num(s.p99Us() / 1000)
            .key("p999Ms").num(s.p999Us() / 1000).key("maxMs").num(s.maxUs() / 1000).end();
      }
      j.endArray();
      j.end();
    }
    j.endArray();
    j.end();
    return j + "\n";
  }
}
