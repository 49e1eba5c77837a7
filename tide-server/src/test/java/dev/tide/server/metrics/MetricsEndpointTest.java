package dev.tide.server.metrics;

import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The /metrics and /health endpoint over real HTTP, against a server that ran real commands.
 * The exposition is validated twice: by {@link PrometheusText} (always) and by Prometheus's own
 * {@code promtool check metrics} (when installed; {@code ./tide test} installs it).
 */
class MetricsEndpointTest {

  static final int SETS = 50;
  static final int GETS = 30;
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
  static final long PROMTOOL_TIMEOUT_SECONDS = 60;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(HTTP_TIMEOUT).GET()
        .build());
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static TideTestServer startWithMetrics() {
    int metricsPort = RedisReference.freePort();
    return TideTestServer.start(c -> c.metricsPort = metricsPort);
  }

  @Test
  void countersMoveWithCommandsAndTheExpositionIsValid() throws Exception {
    try (TideTestServer server = startWithMetrics(); RespClient c = server.client()) {
      int port = server.server().metricsPort();
      assertThat(port).isPositive();
      for (int i = 0; i < SETS; i++) {
        c.call("SET", "k" + i, "v");
      }
      for (int i = 0; i < GETS; i++) {
        c.call("GET", "k" + i);
      }
      c.call("GET", "missing");
      c.call("NOSUCH");
      c.call("GET");
      System.gc(); // so that GC pause metrics have a sample

      HttpResponse<String> first = get(port, "/metrics");
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("Content-Type")).hasValue(MetricsHttpServer.PROMETHEUS_TEXT);
      PrometheusText m = PrometheusText.parse(first.body());

      assertThat(m.value("tide_commands_total", "command", "set")).isEqualTo(SETS);
      assertThat(m.value("tide_commands_total", "command", "get")).isEqualTo(GETS + 1);
      assertThat(m.value("tide_commands_rejected_total", "command", "get")).isEqualTo(1);
      assertThat(m.types).containsEntry("tide_command_duration_seconds", "histogram");
      assertThat(m.value("tide_command_duration_seconds_count", "command", "set")).isEqualTo(SETS);
      assertThat(m.value("tide_command_duration_seconds_bucket", "command", "set", "le", "+Inf")).isEqualTo(SETS);
      assertThat(m.all("tide_command_duration_seconds_bucket").stream()
          .filter(s -> s.labels().get("command").equals("set")))
          .hasSize(TideMetrics.LATENCY_BUCKETS.length + 1);
      assertThat(m.value("tide_command_duration_seconds_sum", "command", "set")).isPositive();
      assertThat(m.value("tide_errors_total", "error", "ERR")).isEqualTo(2);
      assertThat(m.value("tide_connected_clients")).isEqualTo(1);
      assertThat(m.value("tide_connections_received_total")).isEqualTo(1);
      assertThat(m.value("tide_connections_rejected_total")).isZero();
      assertThat(m.value("tide_blocked_clients")).isZero();
      assertThat(m.value("tide_keys", "db", "0")).isEqualTo(SETS);
      assertThat(m.value("tide_expiring_keys", "db", "0")).isZero();
      assertThat(m.value("tide_used_memory_bytes")).isEqualTo((double) server.server().db().usedMemoryBytes());
      assertThat(m.value("tide_maxmemory_bytes")).isZero();
      assertThat(m.value("tide_keyspace_hits_total")).isEqualTo(GETS);
      assertThat(m.value("tide_keyspace_misses_total")).isEqualTo(1);
      assertThat(m.value("tide_evicted_keys_total")).isZero();
      assertThat(m.value("tide_expired_keys_total")).isZero();
      assertThat(m.all("jvm_gc_pause_seconds_count")).isNotEmpty();
      assertThat(m.all("jvm_memory_used_bytes")).isNotEmpty();
      assertThat(m.value("process_resident_memory_bytes")).isGreaterThan(1024 * 1024);

      // A second client and more commands: the counters move by exactly that much.
      try (RespClient c2 = server.client()) {
        for (int i = 0; i < GETS; i++) {
          c2.call("GET", "k0");
        }
        PrometheusText m2 = PrometheusText.parse(get(port, "/metrics").body());
        assertThat(m2.value("tide_commands_total", "command", "get")).isEqualTo(2 * GETS + 1);
        assertThat(m2.value("tide_command_duration_seconds_count", "command", "get")).isEqualTo(2 * GETS + 1);
        assertThat(m2.value("tide_keyspace_hits_total")).isEqualTo(2 * GETS);
        assertThat(m2.value("tide_connected_clients")).isEqualTo(2);
        assertThat(m2.value("tide_connections_received_total")).isEqualTo(2);
        promtoolCheck(get(port, "/metrics").body());
      }
    }
  }

  @Test
  void healthIsOkWhileServingAndOtherRequestsGetClearErrors() throws Exception {
    TideTestServer server = startWithMetrics();
    try {
      int port = server.server().metricsPort();
      HttpResponse<String> health = get(port, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
      assertThat(server.server().isReady()).isTrue();
      assertThat(get(port, "/nosuch").statusCode()).isEqualTo(404);
      assertThat(get(port, "/metricsx").statusCode()).isEqualTo(404);
      HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(HTTP_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("x")).build());
      assertThat(post.statusCode()).isEqualTo(405);
    } finally {
      server.close();
    }
    assertThat(server.server().isReady()).as("ready after close").isFalse();
  }

  @Test
  void healthReportsUnavailableWhileNotReady() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (MetricsHttpServer endpoint = MetricsHttpServer.start("127.0.0.1", RedisReference.freePort(), () -> "",
        ready::get)) {
      HttpResponse<String> starting = get(endpoint.port(), "/health");
      assertThat(starting.statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(endpoint.port(), "/health").statusCode()).isEqualTo(200);
      ready.set(false); // shutting down
      assertThat(get(endpoint.port(), "/health").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void noEndpointUnlessAMetricsPortIsConfigured() {
    try (TideTestServer server = TideTestServer.start()) {
      assertThat(server.server().metricsPort()).isZero();
      assertThat(server.server().metrics()).isNull();
    }
  }

  /** Runs {@code promtool check metrics} on the text; skipped with a message when promtool is missing. */
  private static void promtoolCheck(String exposition) throws IOException, InterruptedException {
    Path promtool = findOnPath("promtool");
    Assumptions.assumeTrue(promtool != null,
        "promtool is not installed, so only the built-in strict parser checked the exposition; install it with "
            + "'apt-get install -y prometheus' (./tide test does this when run as root)");
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean exited = p.waitFor(PROMTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    p.destroyForcibly();
    assertThat(exited).isTrue();
    assertThat(p.exitValue()).as("promtool check metrics said:%n%s", out).isZero();
  }

  private static Path findOnPath(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
