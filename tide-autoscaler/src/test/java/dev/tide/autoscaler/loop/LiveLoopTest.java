package dev.tide.autoscaler.loop;

import dev.tide.autoscaler.Autoscaler;
import dev.tide.autoscaler.actuator.Actuator;
import dev.tide.autoscaler.config.ConfigLoader;
import dev.tide.autoscaler.decision.Action;
import dev.tide.autoscaler.decision.Decision;
import dev.tide.autoscaler.scrape.ScrapeTarget;
import dev.tide.autoscaler.scrape.Scraper;
import dev.tide.autoscaler.signals.LiveSignals;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live loop on real nodes' metrics: two in-process nodes with an emulated capacity of 400 ops/s
 * each, saturated by closed-loop clients, against a policy that wants 200 ops/s per node. The loop
 * must read the load from the nodes and ask the actuator for more nodes.
 */
class LiveLoopTest {

  static final int CAPACITY_OPS = 400;
  static final int CLIENTS_PER_NODE = 2;
  /** Bounds of the run: the load stops after this, or when the loop has asked for nodes. */
  static final long MAX_RUN_MS = 30_000;
  static final String CONFIG = """
      evaluationInterval: 500ms
      signals:
        warmUp: 0s
        stableWindow: 5s
        panicWindow: 1s
      nodes:
        min: 1
        max: 10
      policies:
        targetTracking:
          metric: opsPerNode
          target: 200
      guards:
        panic:
          enabled: false
      """;

  @Test
  void saturatedNodesMakeTheLoopAskForMoreNodes() throws Exception {
    List<TideTestServer> nodes = new ArrayList<>();
    List<Thread> load = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (Scraper scraper = new Scraper(Duration.ofSeconds(2))) {
      for (int i = 0; i < 2; i++) {
        int metricsPort = RedisReference.freePort();
        nodes.add(TideTestServer.start(c -> {
          c.capacityOps = CAPACITY_OPS;
          c.metricsPort = metricsPort;
        }));
      }
      List<ScrapeTarget> targets = nodes.stream()
          .map(n -> ScrapeTarget.parse("127.0.0.1:" + n.server().metricsPort())).toList();
      List<Integer> asked = new CopyOnWriteArrayList<>();
      Actuator actuator = new Actuator() {
        @Override
        public int currentSize() {
          return targets.size();
        }

        @Override
        public void scaleTo(int n, String reason) {
          asked.add(n);
        }

        @Override
        public boolean inProgress() {
          return false;
        }

        @Override
        public List<ScrapeTarget> nodes() {
          return targets;
        }

        @Override
        public String describe() {
          return "recording";
        }
      };
      var config = ConfigLoader.parse(CONFIG, "test.yaml");
      List<Decision> decisions = new CopyOnWriteArrayList<>();
      Autoscaler autoscaler = new Autoscaler(config, decisions::add);
      LiveSignals live = new LiveSignals(actuator::nodes, scraper, 10, 0.999, 6_000);
      ControlLoop loop = new ControlLoop(autoscaler, live, actuator, decisions::add, 0, false);

      long deadline = System.currentTimeMillis() + MAX_RUN_MS;
      for (TideTestServer n : nodes) {
        for (int c = 0; c < CLIENTS_PER_NODE; c++) {
          load.add(Thread.ofPlatform().start(() -> {
            try (RespClient client = n.client()) {
              for (int i = 0; !stop.get() && System.currentTimeMillis() < deadline; i++) {
                client.call("SET", "k" + (i % 1_000), "v");
              }
            }
          }));
        }
      }
      // The loop starts on saturated nodes (its first reading primes the smoothing).
      org.awaitility.Awaitility.await().atMost(Duration.ofMillis(MAX_RUN_MS)).until(() ->
          nodes.stream().allMatch(n -> n.server().capacity().waits() > 0));
      Decision scaled = null;
      while (scaled == null && System.currentTimeMillis() < deadline) {
        Decision d = loop.step(System.currentTimeMillis());
        if (d != null && d.action() == Action.SCALE_OUT) {
          scaled = d;
        }
        Thread.sleep(config.evaluationIntervalMs());
      }
      decisions.stream().skip(Math.max(0, decisions.size() - 3)).forEach(d -> System.out.println(d.toJson()));
      assertThat(scaled).as("a scale-out within %d ms", MAX_RUN_MS).isNotNull();
      assertThat(asked).isNotEmpty();
      assertThat(asked.get(0)).isGreaterThan(2);
      assertThat(scaled.raw().warmNodes()).isEqualTo(2);
      // The reading is the nodes' real throughput: above the 200 ops/s target, not above their capacity (+ burst slack).
      assertThat(scaled.raw().opsPerSec() / 2).isGreaterThan(200 * 1.1).isLessThan(CAPACITY_OPS * 1.5);
      assertThat(scaled.raw().requests()).isPositive();
    } finally {
      stop.set(true);
      for (Thread t : load) {
        t.join(10_000);
      }
      for (TideTestServer n : nodes) {
        n.close();
      }
    }
  }
}
