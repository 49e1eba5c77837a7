package dev.tide.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The node's HTTP endpoint for operators: {@code GET /metrics} (Prometheus text) and
 * {@code GET /health} (200 "ok" while serving clients, 503 while starting or shutting down).
 *
 * <p><b>Why the JDK's {@code com.sun.net.httpserver} and not Netty's HTTP codec:</b> scrapes come
 * every few seconds at most, so throughput does not matter, but isolation does. Rendering a
 * scrape allocates and takes milliseconds; on its own thread it can never delay a command on a
 * Netty event loop, which a handler in the RESP server's pipeline would (or it would need its own
 * event loop group and an executor hand-off to avoid it). The JDK server is part of every JDK
 * ({@code jdk.httpserver}), needs no extra dependency, and is a few lines for two fixed routes.
 */
public final class MetricsHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MetricsHttpServer.class);

  /** Requests are served one at a time: Prometheus scrapes every 15 s or so; a flood gets one core at most. */
  static final int THREADS = 1;
  /** Pending connections the kernel queues for us (scrapers and probes: a handful). */
  static final int BACKLOG = 16;
  /** Seconds {@link #close()} lets an exchange in progress finish. */
  static final int STOP_GRACE_SECONDS = 1;

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

  private final HttpServer http;
  private final ExecutorService executor;

  private MetricsHttpServer(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  /**
   * Binds {@code bind:port} and starts serving.
   *
   * @param metrics renders the Prometheus text
   * @param ready whether the node serves clients now (for /health)
   */
  public static MetricsHttpServer start(String bind, int port, Supplier<String> metrics, BooleanSupplier ready) {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(bind, port), BACKLOG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for metrics on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "tide-metrics-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.createContext("/", exchange -> handle(exchange, metrics, ready));
    http.start();
    return new MetricsHttpServer(http, executor);
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, Supplier<String> metrics, BooleanSupplier ready) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        respond(exchange, 405, PLAIN_TEXT, "method not allowed\n");
        return;
      }
      switch (path) {
        case "/metrics" -> respond(exchange, 200, PROMETHEUS_TEXT, metrics.get());
        case "/health" -> {
          if (ready.getAsBoolean()) {
            respond(exchange, 200, PLAIN_TEXT, "ok\n");
          } else {
            respond(exchange, 503, PLAIN_TEXT, "unavailable\n");
          }
        }
        default -> respond(exchange, 404, PLAIN_TEXT, "not found; try /metrics or /health\n");
      }
    } catch (IOException | RuntimeException e) {
      log.warn("metrics request failed", e); // the client sees the connection close
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    http.stop(STOP_GRACE_SECONDS);
    executor.shutdownNow();
    try {
      executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
