package dev.tide.server.transactions;

import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions under real concurrency: clients on different event loops, keys in different
 * shards. EXEC must be atomic (nobody sees half of one) and WATCH must make check-and-set safe.
 */
class TransactionConcurrencyTest {

  /** Transactions per writer: enough interleavings on 2 cores, a few seconds at most. */
  private static final int WRITES = 2_000;
  /** Optimistic increments per client in the WATCH test. */
  private static final int INCREMENTS_PER_CLIENT = 300;
  /** Retries of one optimistic increment before the test gives up (contention is 2-4 clients). */
  private static final int MAX_RETRIES = 10_000;

  private static TideTestServer server;

  @BeforeAll
  static void start() {
    server = TideTestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String keyInAnotherShard(String base) {
    var db = server.server().db();
    for (int i = 0; i < 1000; i++) {
      String candidate = base + ":other" + i;
      if (db.shardIndex(candidate.getBytes(StandardCharsets.UTF_8))
          != db.shardIndex(base.getBytes(StandardCharsets.UTF_8))) {
        return candidate;
      }
    }
    throw new AssertionError("no key in another shard");
  }

  @Test
  void aConcurrentReaderNeverSeesHalfATransaction() throws Exception {
    String a = "atomic:a";
    String b = keyInAnotherShard(a);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (RespClient init = server.client()) {
      init.call("MULTI");
      init.call("SET", a, "0");
      init.call("SET", b, "0");
      init.call("EXEC");
      Future<?> writer = pool.submit(() -> {
        try (RespClient w = server.client()) {
          for (int i = 1; i <= WRITES; i++) {
            w.send("MULTI");
            w.send("SET", a, Integer.toString(i));
            w.send("SET", b, Integer.toString(i));
            w.send("EXEC");
            for (int r = 0; r < 3; r++) {
              w.read();
            }
            assertThat(w.read()).isEqualTo(List.of(new RespClient.Simple("OK"), new RespClient.Simple("OK")));
          }
        }
        return null;
      });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        readers.add(pool.submit(() -> {
          int observed = 0;
          try (RespClient r = server.client()) {
            while (!writer.isDone() && observed < WRITES * 4) { // bounded
              r.send("MULTI");
              r.send("GET", a);
              r.send("GET", b);
              r.send("EXEC");
              for (int i = 0; i < 3; i++) {
                r.read();
              }
              Object reply = r.read();
              assertThat(reply).asList().hasSize(2);
              List<?> values = (List<?>) reply;
              assertThat(values.get(0)).as("both keys of one transaction").isEqualTo(values.get(1));
              observed++;
            }
          }
          return observed;
        }));
      }
      writer.get(120, TimeUnit.SECONDS);
      for (Future<Integer> f : readers) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isPositive();
      }
      assertThat(init.call("GET", a)).isEqualTo(Integer.toString(WRITES));
      assertThat(init.call("GET", b)).isEqualTo(Integer.toString(WRITES));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void watchMakesReadModifyWriteSafeAcrossClients() throws Exception {
    String counter = "cas:counter";
    int clients = 3;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (RespClient init = server.client()) {
      init.call("SET", counter, "0");
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < clients; t++) {
        results.add(pool.submit(() -> {
          int aborted = 0;
          try (RespClient c = server.client()) {
            for (int i = 0; i < INCREMENTS_PER_CLIENT; i++) {
              for (int attempt = 0; ; attempt++) {
                assertThat(attempt).as("retries of one increment").isLessThan(MAX_RETRIES);
                c.call("WATCH", counter);
                long value = Long.parseLong((String) c.call("GET", counter));
                c.call("MULTI");
                c.call("SET", counter, Long.toString(value + 1));
                Object exec = c.call("EXEC");
                if (exec != null) {
                  break;
                }
                aborted++;
              }
            }
          }
          return aborted;
        }));
      }
      for (Future<Integer> f : results) {
        f.get(120, TimeUnit.SECONDS);
      }
      // Without WATCH aborting stale transactions, concurrent increments would be lost.
      assertThat(init.call("GET", counter)).isEqualTo(Integer.toString(clients * INCREMENTS_PER_CLIENT));
    } finally {
      pool.shutdownNow();
    }
  }
}
