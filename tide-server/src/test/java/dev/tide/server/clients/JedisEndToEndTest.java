package dev.tide.server.clients;

import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tide driven end to end by Jedis, the most used Java Redis client, as an application would. */
class JedisEndToEndTest {

  private static TideTestServer server;
  private static JedisPool pool;

  @BeforeAll
  static void start() {
    server = TideTestServer.start();
    pool = new JedisPool("127.0.0.1", server.port());
  }

  @AfterAll
  static void stop() {
    pool.close();
    server.close();
  }

  @BeforeEach
  void flush() {
    try (Jedis j = pool.getResource()) {
      j.flushAll();
    }
  }

  @Test
  void stringsWithOptionsAndCounters() {
    try (Jedis j = pool.getResource()) {
      assertThat(j.set("user:1", "ada", SetParams.setParams().nx().ex(100))).isEqualTo("OK");
      assertThat(j.set("user:1", "bob", SetParams.setParams().nx())).isNull();
      assertThat(j.get("user:1")).isEqualTo("ada");
      assertThat(j.ttl("user:1")).isBetween(1L, 100L);
      assertThat(j.incrBy("hits", 5)).isEqualTo(5);
      assertThat(j.incrByFloat("ratio", 0.5)).isEqualTo(0.5);
      assertThat(j.mget("user:1", "missing", "hits")).containsExactly("ada", null, "5");
      assertThat(j.append("user:1", "!")).isEqualTo(4);
      assertThatThrownBy(() -> j.incr("user:1")).isInstanceOf(JedisDataException.class)
          .hasMessageContaining("not an integer");
    }
  }

  @Test
  void collections() {
    try (Jedis j = pool.getResource()) {
      j.hset("h", Map.of("a", "1", "b", "2"));
      assertThat(j.hgetAll("h")).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
      assertThat(j.hincrBy("h", "a", 10)).isEqualTo(11);
      j.rpush("l", "x", "y", "z");
      assertThat(j.lrange("l", 0, -1)).containsExactly("x", "y", "z");
      assertThat(j.lpop("l")).isEqualTo("x");
      j.sadd("s", "a", "b", "c");
      assertThat(j.smembers("s")).containsExactlyInAnyOrder("a", "b", "c");
      j.zadd("z", Map.of("one", 1.0, "two", 2.0, "three", 3.0));
      List<Tuple> top = j.zrevrangeWithScores("z", 0, 1);
      assertThat(top).extracting(Tuple::getElement).containsExactly("three", "two");
      assertThat(j.zscore("z", "two")).isEqualTo(2.0);
      assertThatThrownBy(() -> j.lpush("h", "x")).isInstanceOf(JedisDataException.class)
          .hasMessageStartingWith("WRONGTYPE");
    }
  }

  @Test
  void pipelineOfManyCommands() {
    try (Jedis j = pool.getResource()) {
      Pipeline p = j.pipelined();
      for (int i = 0; i < 1000; i++) {
        p.set("p" + i, Integer.toString(i));
      }
      Response<String> last = p.get("p999");
      p.sync();
      assertThat(last.get()).isEqualTo("999");
      assertThat(j.dbSize()).isEqualTo(1000);
    }
  }

  @Test
  void scanVisitsEveryKeyOnce() {
    try (Jedis j = pool.getResource()) {
      for (int i = 0; i < 500; i++) {
        j.set("scan:" + i, "v");
      }
      Set<String> seen = new HashSet<>();
      String cursor = ScanParams.SCAN_POINTER_START;
      int rounds = 0;
      do {
        ScanResult<String> r = j.scan(cursor, new ScanParams().match("scan:*").count(50));
        seen.addAll(r.getResult());
        cursor = r.getCursor();
      } while (!cursor.equals("0") && ++rounds < 10_000);
      assertThat(seen).hasSize(500);
    }
  }

  @Test
  void transactionAndWatch() {
    try (Jedis j = pool.getResource(); Jedis other = pool.getResource()) {
      j.set("balance", "10");
      j.watch("balance");
      Transaction t = j.multi();
      t.incrBy("balance", 5);
      t.get("balance");
      assertThat(t.exec()).containsExactly(15L, "15");

      j.watch("balance");
      other.set("balance", "0"); // a concurrent change aborts the transaction
      Transaction t2 = j.multi();
      t2.incrBy("balance", 5);
      assertThat(t2.exec()).isNull();
      assertThat(j.get("balance")).isEqualTo("0");
    }
  }

  @Test
  void blockingPopIsWokenByAnotherClient() throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor();
    try (Jedis pusher = pool.getResource()) {
      Future<List<String>> popped = exec.submit(() -> {
        try (Jedis j = pool.getResource()) {
          return j.blpop(10, "jobs");
        }
      });
      // wait until the popper is really blocked, then push
      org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
          .until(() -> pusher.clientList().contains("cmd=blpop"));
      pusher.rpush("jobs", "job-1");
      assertThat(popped.get(10, TimeUnit.SECONDS)).containsExactly("jobs", "job-1");
    } finally {
      exec.shutdownNow();
    }
  }

  @Test
  void concurrentClientsIncrementWithoutLosingUpdates() throws Exception {
    int threads = 8;
    int perThread = 500;
    ExecutorService exec = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(exec.submit(() -> {
          try (Jedis j = pool.getResource()) {
            for (int i = 0; i < perThread; i++) {
              j.incr("counter");
              j.hincrBy("h", "f", 1);
            }
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      try (Jedis j = pool.getResource()) {
        assertThat(j.get("counter")).isEqualTo(Integer.toString(threads * perThread));
        assertThat(j.hget("h", "f")).isEqualTo(Integer.toString(threads * perThread));
      }
    } finally {
      exec.shutdownNow();
    }
  }
}
