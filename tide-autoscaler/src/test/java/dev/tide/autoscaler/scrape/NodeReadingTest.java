package dev.tide.autoscaler.scrape;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Reading expositions and turning two into one interval's figures (fixed texts, time passed in). */
class NodeReadingTest {

  /** An exposition as a Tide node renders it (names from docs/metrics.md, Micrometer's number format). */
  static String exposition(long sets, long fastSets, long gets, long errorsErr, long errorsOom, int clients,
      double cpu, long uptimeSeconds) {
    long slowSets = sets - fastSets;
    return String.join("\n",
        "# HELP tide_commands_total Commands run",
        "# TYPE tide_commands_total counter",
        "tide_commands_total{command=\"set\"} " + sets + ".0",
        "tide_commands_total{command=\"get\"} " + gets + ".0",
        "# TYPE tide_command_duration_seconds histogram",
        // set: fastSets within 1 ms, the rest between 10 ms and 25 ms
        "tide_command_duration_seconds_bucket{command=\"set\",le=\"5.0E-4\"} 0.0",
        "tide_command_duration_seconds_bucket{command=\"set\",le=\"0.001\"} " + fastSets + ".0",
        "tide_command_duration_seconds_bucket{command=\"set\",le=\"0.01\"} " + fastSets + ".0",
        "tide_command_duration_seconds_bucket{command=\"set\",le=\"0.025\"} " + (fastSets + slowSets) + ".0",
        "tide_command_duration_seconds_bucket{command=\"set\",le=\"+Inf\"} " + sets + ".0",
        "tide_command_duration_seconds_count{command=\"set\"} " + sets + ".0",
        // get: all within 1 ms
        "tide_command_duration_seconds_bucket{command=\"get\",le=\"5.0E-4\"} 0.0",
        "tide_command_duration_seconds_bucket{command=\"get\",le=\"0.001\"} " + gets + ".0",
        "tide_command_duration_seconds_bucket{command=\"get\",le=\"0.01\"} " + gets + ".0",
        "tide_command_duration_seconds_bucket{command=\"get\",le=\"0.025\"} " + gets + ".0",
        "tide_command_duration_seconds_bucket{command=\"get\",le=\"+Inf\"} " + gets + ".0",
        "tide_errors_total{error=\"ERR\"} " + errorsErr + ".0",
        "tide_errors_total{error=\"OOM\"} " + errorsOom + ".0",
        "tide_connected_clients " + clients + ".0",
        "tide_used_memory_bytes 123456.0",
        "process_cpu_usage " + cpu,
        "process_uptime_seconds " + uptimeSeconds + ".0",
        "tide_capacity_ops_per_second 0.0",
        "") ;
  }

  static NodeSnapshot snap(String text) {
    return NodeSnapshot.of(PrometheusParser.parse(text));
  }

  @Test
  void twoSnapshotsGiveTheIntervalsRatesLatencyAndSlowRequests() {
    NodeSnapshot a = snap(exposition(1_000, 1_000, 500, 1, 0, 3, 0.1, 100));
    // 2 s later: +2,000 sets of which 100 took 10-25 ms, +1,000 gets, +4 ERR, +5 OOM.
    NodeSnapshot b = snap(exposition(3_000, 2_900, 1_500, 5, 5, 4, 0.4, 102));
    NodeReading r = NodeReading.between("n1", a, b, 1_000_000, 2_000, 10);
    assertThat(r.opsPerSec()).isEqualTo((2_000 + 1_000) / 2.0);
    assertThat(r.requests()).isEqualTo(3_000);
    // 100 requests over 10 ms plus 5 OOM replies are bad for the SLO; ERR (client mistakes) are not.
    assertThat(r.slowRequests()).isEqualTo(105);
    assertThat(r.errorsPerSec()).isEqualTo((4 + 5) / 2.0);
    assertThat(r.connections()).isEqualTo(4);
    assertThat(r.cpu()).isEqualTo(0.4);
    assertThat(r.memoryBytes()).isEqualTo(123_456);
    assertThat(r.startedAtMs()).isEqualTo(1_000_000 - 102_000);
    // p99 rank 2,970 of 3,000: 2,900 are under 1 ms, so it lies in the 10-25 ms bucket, 70% of the way.
    assertThat(r.p99Ms()).isCloseTo(10 + 15 * 0.7, within(1e-9));
    assertThat(r.queueDepth()).isZero();
  }

  @Test
  void aCounterThatWentDownMeansTheNodeRestarted() {
    NodeSnapshot before = snap(exposition(50_000, 50_000, 0, 0, 0, 1, 0.1, 5_000));
    NodeSnapshot after = snap(exposition(300, 300, 0, 0, 0, 1, 0.1, 2));
    NodeReading r = NodeReading.between("n1", before, after, 10_000, 1_000, 10);
    assertThat(r.requests()).isEqualTo(300);
    assertThat(r.opsPerSec()).isEqualTo(300);
  }

  @Test
  void histogramQuantilesAndCountsAboveFollowPrometheus() {
    Histogram h = Histogram.of(Map.of(0.001, 90.0, 0.01, 99.0, 0.1, 100.0, Double.POSITIVE_INFINITY, 100.0));
    assertThat(h.quantile(0.5)).isCloseTo(0.001 * 50 / 90, within(1e-12));
    assertThat(h.quantile(0.99)).isCloseTo(0.01, within(1e-12));
    assertThat(h.countAbove(0.01)).isCloseTo(1, within(1e-9));
    assertThat(h.countAbove(0.0055)).isCloseTo(100 - (90 + 9 * 0.5), within(1e-9));
    Histogram tail = Histogram.of(Map.of(0.001, 1.0, Double.POSITIVE_INFINITY, 10.0));
    assertThat(tail.quantile(0.99)).as("rank in +Inf: the largest finite bound").isEqualTo(0.001);
    assertThat(Histogram.EMPTY.quantile(0.99)).isZero();
  }

  @Test
  void labelsWithEscapesAndSpecialValuesParse() {
    var samples = PrometheusParser.parse("m{a=\"x\\\"y\",b=\"\\\\\"} +Inf 1700000000\nn NaN\n# comment\n\nk -1.5e3\n");
    assertThat(samples).hasSize(3);
    assertThat(samples.get(0).labels()).containsEntry("a", "x\"y").containsEntry("b", "\\");
    assertThat(samples.get(0).value()).isInfinite();
    assertThat(samples.get(1).value()).isNaN();
    assertThat(samples.get(2).value()).isEqualTo(-1500);
  }

  @Test
  void brokenOrForeignExpositionsAreRefusedWithTheLine() {
    assertThatThrownBy(() -> PrometheusParser.parse("ok 1\nbad{x=1} 2\n"))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> PrometheusParser.parse("m{a=\"b\"} twelve\n")).hasMessageContaining("twelve");
    assertThatThrownBy(() -> NodeSnapshot.of(PrometheusParser.parse("node_cpu_seconds_total 5\n")))
        .hasMessageContaining("not a Tide node");
  }

  @Test
  void targetsParseHostAndPort() {
    assertThat(ScrapeTarget.parse("10.0.0.7:9121").metricsUri().toString()).isEqualTo("http://10.0.0.7:9121/metrics");
    assertThatThrownBy(() -> ScrapeTarget.parse("host")).hasMessageContaining("HOST:METRICSPORT");
    assertThatThrownBy(() -> ScrapeTarget.parse("host:0")).hasMessageContaining("1..65535");
  }
}
