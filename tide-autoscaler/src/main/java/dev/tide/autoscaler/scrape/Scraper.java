package dev.tide.autoscaler.scrape;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads every node's {@code /metrics} at once (one virtual thread per node, JDK HTTP client) and
 * parses each into a {@link NodeSnapshot}. A node that does not answer within the timeout, answers
 * with an error status, sends more than {@link #MAX_BODY_BYTES}, or sends something that is not a
 * Tide node's metrics gets an error instead of a snapshot; one bad node never delays the others
 * past the timeout.
 */
public final class Scraper implements SnapshotSource, AutoCloseable {

  /** A busy node's exposition is a few hundred KB (a few thousand lines); 16 MB means something is wrong. */
  public static final int MAX_BODY_BYTES = 16 << 20;

  /** One node's result: a snapshot, or why there is none. */
  public record Result(NodeSnapshot snapshot, String error) {
    public boolean ok() {
      return snapshot != null;
    }
  }

  private final HttpClient http;
  private final Duration timeout;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  public Scraper(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(threads).build();
  }

  /** Scrapes every target; returns when all answered or the timeout passed. Keys keep the targets' order. */
  @Override
  public Map<ScrapeTarget, Result> scrape(List<ScrapeTarget> targets) {
    List<Future<Result>> futures = new ArrayList<>(targets.size());
    for (ScrapeTarget t : targets) {
      futures.add(threads.submit(() -> scrapeOne(t)));
    }
    long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(100);
    Map<ScrapeTarget, Result> out = new LinkedHashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      Future<Result> f = futures.get(i);
      Result r;
      try {
        r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        r = new Result(null, "no answer within " + timeout.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        f.cancel(true);
        r = new Result(null, "interrupted");
      } catch (java.util.concurrent.ExecutionException e) {
        r = new Result(null, String.valueOf(e.getCause()));
      }
      out.put(targets.get(i), r);
    }
    return out;
  }

  private Result scrapeOne(ScrapeTarget t) {
    try {
      HttpRequest req = HttpRequest.newBuilder(t.metricsUri()).timeout(timeout).GET().build();
      HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = resp.body()) {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (resp.statusCode() != 200) {
          return new Result(null, "HTTP " + resp.statusCode());
        }
        if (body.length > MAX_BODY_BYTES) {
          return new Result(null, "metrics larger than " + MAX_BODY_BYTES + " bytes");
        }
        return new Result(NodeSnapshot.of(PrometheusParser.parse(new String(body, StandardCharsets.UTF_8))), null);
      }
    } catch (IOException e) {
      return new Result(null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, "interrupted");
    } catch (IllegalArgumentException e) {
      return new Result(null, "unreadable metrics: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
    http.close();
  }
}
