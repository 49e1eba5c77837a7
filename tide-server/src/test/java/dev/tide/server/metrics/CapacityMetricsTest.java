package dev.tide.server.metrics;

import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Emulated capacity end to end: a closed-loop client is held to about the configured rate, and the metrics say so. */
class CapacityMetricsTest {

  static final int CAPACITY_OPS = 2_000;
  static final int CLIENTS = 4;
  /** Bounded run: this long, and at most MAX_OPS_PER_CLIENT commands per client. */
  static final long RUN_MS = 3_000;
  static final int MAX_OPS_PER_CLIENT = 50_000;

  private static PrometheusText scrape(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return PrometheusText.parse(r.body());
  }

  @Test
  void closedLoopClientsAreServedAtAboutTheCapacity() throws Exception {
    int metricsPort = RedisReference.freePort();
    try (TideTestServer server = TideTestServer.start(c -> {
      c.capacityOps = CAPACITY_OPS;
      c.metricsPort = metricsPort;
    })) {
      AtomicLong ops = new AtomicLong();
      List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      long start = System.nanoTime();
      long deadline = start + RUN_MS * 1_000_000;
      for (int t = 0; t < CLIENTS; t++) {
        int id = t;
        threads.add(Thread.ofPlatform().start(() -> {
          try (RespClient c = server.client()) {
            c.setTimeoutMs(30_000);
            for (int i = 0; i < MAX_OPS_PER_CLIENT && System.nanoTime() < deadline; i++) {
              Object r = c.call("SET", "k" + id + ":" + i, "v");
              if (!new RespClient.Simple("OK").equals(r)) {
                errors.add(String.valueOf(r));
              }
              ops.incrementAndGet();
            }
          }
        }));
      }
      for (Thread t : threads) {
        t.join(60_000);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = ops.get() / seconds;
      System.out.printf("capacity %d ops/s: %d clients served %d commands in %.2f s = %.0f ops/s%n", CAPACITY_OPS,
          CLIENTS, ops.get(), seconds, rate);
      assertThat(errors).isEmpty();
      assertThat(rate).as("ops/s with capacity %d", CAPACITY_OPS)
          .isBetween(0.5 * CAPACITY_OPS, 1.5 * CAPACITY_OPS);

      PrometheusText m = scrape(server.server().metricsPort());
      assertThat(m.value("tide_capacity_ops_per_second")).isEqualTo((double) CAPACITY_OPS);
      assertThat(m.value("tide_capacity_waits_total")).isPositive();
      assertThat(m.value("tide_capacity_delayed_commands_total")).isPositive();
      assertThat(m.value("tide_capacity_queued_commands")).isZero();
      assertThat(m.types).containsEntry("tide_capacity_queue_delay_seconds", "histogram");
      // Every command passed the bucket (the SETs, and nothing else was sent).
      assertThat(m.value("tide_capacity_queue_delay_seconds_count")).isEqualTo((double) ops.get());
      assertThat(m.value("tide_commands_total", "command", "set")).isEqualTo((double) ops.get());
      assertThat(m.value("tide_capacity_queue_delay_seconds_sum")).isPositive();
    }
  }

  @Test
  void unlimitedNodeReportsZeroCapacityAndNoCapacityMeters() throws Exception {
    int metricsPort = RedisReference.freePort();
    try (TideTestServer server = TideTestServer.start(c -> c.metricsPort = metricsPort); RespClient c = server.client()) {
      c.call("PING");
      PrometheusText m = scrape(server.server().metricsPort());
      assertThat(m.value("tide_capacity_ops_per_second")).isZero();
      assertThat(m.all("tide_capacity_waits_total")).isEmpty();
      assertThat(m.all("tide_capacity_queue_delay_seconds_count")).isEmpty();
    }
  }
}
