package dev.tide.autoscaler.scrape;

import dev.tide.autoscaler.signals.LiveSignals;
import dev.tide.autoscaler.signals.NodeSample;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live signals from real Tide nodes started in-process with metrics on: the figures computed from
 * two scrapes match the commands actually sent. Scrape times are passed in (a fake clock), so rates
 * are exact.
 */
class LiveSignalsTest {

  static final int SETS = 200;
  static final int GETS = 100;
  static final long T0 = 1_700_000_000_000L;

  private static TideTestServer node(int capacityOps) {
    int metricsPort = RedisReference.freePort();
    return TideTestServer.start(c -> {
      c.metricsPort = metricsPort;
      c.capacityOps = capacityOps;
    });
  }

  private static ScrapeTarget target(TideTestServer s) {
    return ScrapeTarget.parse("127.0.0.1:" + s.server().metricsPort());
  }

  @Test
  void readingsMatchTheCommandsSentAndAUnreachableNodeIsReported() throws Exception {
    try (TideTestServer fast = node(0); TideTestServer limited = node(300); Scraper scraper = new Scraper(
        Duration.ofSeconds(5)); RespClient a = fast.client(); RespClient b = limited.client()) {
      ScrapeTarget dead = ScrapeTarget.parse("127.0.0.1:" + RedisReference.freePort());
      List<ScrapeTarget> targets = List.of(target(fast), target(limited), dead);
      LiveSignals live = new LiveSignals(() -> targets, scraper, 1.0, 0.999, 6_000);

      assertThat(live.read(T0)).as("first read: nothing to compare with").isEmpty();
      assertThat(live.lastReport().unreachable()).containsOnlyKeys(dead.nodeId());

      for (int i = 0; i < SETS; i++) {
        a.call("SET", "k" + i, "v");
      }
      for (int i = 0; i < GETS; i++) { // sequential at 300 ops/s: most wait ~3 ms for a token
        b.call("GET", "k" + i);
      }
      List<NodeSample> samples = live.read(T0 + 2_000);
      Map<String, NodeSample> byNode = samples.stream().collect(Collectors.toMap(NodeSample::nodeId,
          Function.identity()));
      assertThat(byNode).containsOnlyKeys(target(fast).nodeId(), target(limited).nodeId());
      NodeSample f = byNode.get(target(fast).nodeId());
      NodeSample l = byNode.get(target(limited).nodeId());
      assertThat(f.requests()).isEqualTo(SETS);
      assertThat(f.opsPerSec()).isEqualTo(SETS / 2.0);
      assertThat(l.requests()).isEqualTo(GETS);
      assertThat(l.opsPerSec()).isEqualTo(GETS / 2.0);
      assertThat(f.connections()).isEqualTo(1);
      assertThat(f.memoryBytes()).isEqualTo(fast.server().db().usedMemoryBytes());
      assertThat(f.p99Ms()).isPositive();
      assertThat(f.startedAtMs()).isLessThanOrEqualTo(T0 + 2_000);
      // The limited node's latency includes waiting for tokens: a saturated node's p99 and SLO misses.
      assertThat(l.p99Ms()).isGreaterThan(1.0).isGreaterThan(f.p99Ms());
      assertThat(l.slowRequests()).isGreaterThan(GETS / 2).isGreaterThan(f.slowRequests());
      LiveSignals.Report report = live.lastReport();
      assertThat(report.requests()).isEqualTo(SETS + GETS);
      assertThat(report.burnRate()).isCloseTo(
          (double) (f.slowRequests() + l.slowRequests()) / (SETS + GETS) / 0.001, org.assertj.core.api.Assertions.within(1e-6));
      assertThat(report.burnRate()).isGreaterThan(100);
      assertThat(report.unreachable()).containsOnlyKeys(dead.nodeId());
      assertThat(report.nodes()).hasSize(2);
    }
  }

  @Test
  void aNodeThatStopsIsReportedAndLeftOutOfTheSamples() throws Exception {
    TideTestServer n = node(0);
    boolean stopped = false;
    ScrapeTarget t = target(n);
    try (Scraper scraper = new Scraper(Duration.ofSeconds(2))) {
      LiveSignals live = new LiveSignals(() -> List.of(t), scraper, 10, 0.999, 6_000);
      live.read(T0);
      assertThat(live.read(T0 + 1_000)).hasSize(1);
      n.close();
      stopped = true;
      assertThat(live.read(T0 + 2_000)).isEmpty();
      assertThat(live.lastReport().unreachable()).containsKey(t.nodeId());
    } finally {
      if (!stopped) {
        n.close();
      }
    }
  }
}
