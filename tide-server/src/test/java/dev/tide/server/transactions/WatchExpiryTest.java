package dev.tide.server.transactions;

import dev.tide.engine.keyspace.Keyspace;
import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WATCH and key expiry, Redis 7.0 rules: a key live at WATCH that has expired by EXEC aborts the
 * transaction even if nobody touched it; a key already expired at WATCH is logically absent, so
 * its removal by expiry is no change but a write is.
 *
 * <p>Two tests: one against redis-server in real time (expiry set with SET PX there and through
 * the keyspace on Tide, whose SET has no PX yet), comparing EXEC's replies; and one on Tide alone
 * with a manual clock, so each case is exact and does not depend on active expiry's timing.
 */
class WatchExpiryTest {

  private static final RespClient.Simple OK = new RespClient.Simple("OK");

  /** Expected EXEC outcomes, as redis-server 7.0.15 gives them (the real-time test checks these). */
  private static final List<Object> RAN = List.of(OK);

  // ---- against redis-server, real time ----------------------------------------------------------

  /** One server under test: its clients and how to give a key a time to live. */
  private interface Side {
    RespClient client();

    RespClient other();

    void setWithTtl(String key, long ttlMs);
  }

  @Test
  void execOutcomesWithExpiringWatchedKeysMatchRedis() throws Exception {
    try (RedisReference redis = RedisReference.start();
         TideTestServer tide = TideTestServer.start();
         RespClient rc = new RespClient(redis.port()); RespClient ro = new RespClient(redis.port());
         RespClient tc = tide.client(); RespClient to = tide.client()) {
      Side redisSide = new Side() {
        public RespClient client() {
          return rc;
        }

        public RespClient other() {
          return ro;
        }

        public void setWithTtl(String key, long ttlMs) {
          assertThat(rc.call("SET", key, "v", "PX", Long.toString(ttlMs))).isEqualTo(OK);
        }
      };
      Side tideSide = new Side() {
        public RespClient client() {
          return tc;
        }

        public RespClient other() {
          return to;
        }

        public void setWithTtl(String key, long ttlMs) {
          assertThat(tc.call("SET", key, "v")).isEqualTo(OK);
          expireAt(tide.server(), key, System.currentTimeMillis() + ttlMs);
        }
      };
      for (Side side : List.of(redisSide, tideSide)) {
        side.client().call("FLUSHALL"); // Tide may not have FLUSHALL yet: keys are unique anyway
      }
      assertThat(liveAtWatchThenExpired(tideSide, "a", false)).isEqualTo(liveAtWatchThenExpired(redisSide, "a", false));
      assertThat(liveAtWatchThenExpired(tideSide, "b", true)).isEqualTo(liveAtWatchThenExpired(redisSide, "b", true));
      assertThat(expiredAtWatch(tideSide, "c", null)).isEqualTo(expiredAtWatch(redisSide, "c", null));
      assertThat(expiredAtWatch(tideSide, "d", "GET")).isEqualTo(expiredAtWatch(redisSide, "d", "GET"));
      assertThat(expiredAtWatch(tideSide, "e", "SET")).isEqualTo(expiredAtWatch(redisSide, "e", "SET"));
    }
  }

  /**
   * A key with a TTL is WATCHed while live, then left to expire; optionally another client reads
   * it (which removes it). Returns EXEC's reply. Retries with a longer TTL when this machine was
   * too slow to WATCH before the TTL ran out (bounded), so the case really is "live at WATCH".
   */
  private static Object liveAtWatchThenExpired(Side side, String name, boolean otherReads) throws Exception {
    long ttlMs = 300;
    for (int attempt = 0; attempt < 5; attempt++, ttlMs *= 2) {
      String key = "wx:live:" + name + ":" + attempt;
      // The key expires at some moment in [setStart + ttl, setDone + ttl].
      long setStart = System.currentTimeMillis();
      side.setWithTtl(key, ttlMs);
      long setDone = System.currentTimeMillis();
      assertThat(side.client().call("WATCH", key)).isEqualTo(OK);
      if (System.currentTimeMillis() - setStart >= ttlMs / 2) {
        side.client().call("UNWATCH");
        continue; // too slow to be sure the key was live at WATCH: try a longer TTL
      }
      sleepUntil(setDone + ttlMs + 50);
      if (otherReads) {
        assertThat(side.other().call("GET", key)).isNull();
      }
      assertThat(side.client().call("MULTI")).isEqualTo(OK);
      side.client().call("SET", "wx:side:" + name, "x");
      return side.client().call("EXEC");
    }
    throw new AssertionError("could not WATCH a key before its TTL ran out, even with " + ttlMs + " ms");
  }

  /** A key already expired when WATCHed; then {@code then} by another client (GET, SET or nothing). */
  private static Object expiredAtWatch(Side side, String name, String then) throws Exception {
    String key = "wx:expired:" + name;
    side.setWithTtl(key, 1);
    sleepUntil(System.currentTimeMillis() + 30); // the key expired at most 1 ms after SET returned
    assertThat(side.client().call("WATCH", key)).isEqualTo(OK);
    if ("GET".equals(then)) {
      assertThat(side.other().call("GET", key)).isNull();
    } else if ("SET".equals(then)) {
      assertThat(side.other().call("SET", key, "new")).isEqualTo(OK);
    }
    assertThat(side.client().call("MULTI")).isEqualTo(OK);
    side.client().call("SET", "wx:side:" + name, "x");
    return side.client().call("EXEC");
  }

  private static void sleepUntil(long wallMs) throws InterruptedException {
    long wait = wallMs - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait); // a lower bound: a slower machine only makes the key more expired
    }
  }

  // ---- Tide alone, manual clock ---------------------------------------------------------------

  @Test
  void eachExpiryCaseWithAManualClock() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    ServerConfig config = new ServerConfig();
    config.port = 0;
    TideServer server = new TideServer(config, now::get).start();
    try (RespClient c = new RespClient(server.port()); RespClient other = new RespClient(server.port())) {
      // live at WATCH, expires before EXEC, nobody touches it: aborted
      c.call("SET", "k1", "v");
      expireAt(server, "k1", now.get() + 100);
      c.call("WATCH", "k1");
      now.addAndGet(200);
      assertThat(transaction(c)).isNull();

      // live at WATCH, expiry still ahead at EXEC: runs
      c.call("SET", "k2", "v");
      expireAt(server, "k2", now.get() + 100);
      c.call("WATCH", "k2");
      now.addAndGet(50);
      assertThat(transaction(c)).isEqualTo(RAN);

      // expired (but still stored) at WATCH, untouched: runs
      c.call("SET", "k3", "v");
      expireAt(server, "k3", now.get() + 10);
      now.addAndGet(20);
      c.call("WATCH", "k3");
      assertThat(transaction(c)).isEqualTo(RAN);

      // expired at WATCH, then removed by another client's read: no logical change, runs
      c.call("SET", "k4", "v");
      expireAt(server, "k4", now.get() + 10);
      now.addAndGet(20);
      c.call("WATCH", "k4");
      assertThat(other.call("GET", "k4")).isNull();
      assertThat(transaction(c)).isEqualTo(RAN);

      // expired at WATCH, then removed and written again: aborted
      c.call("SET", "k5", "v");
      expireAt(server, "k5", now.get() + 10);
      now.addAndGet(20);
      c.call("WATCH", "k5");
      assertThat(other.call("GET", "k5")).isNull();
      assertThat(other.call("SET", "k5", "new")).isEqualTo(OK);
      assertThat(transaction(c)).isNull();

      // live at WATCH, expired and removed by another client's read before EXEC: aborted
      c.call("SET", "k6", "v");
      expireAt(server, "k6", now.get() + 10);
      c.call("WATCH", "k6");
      now.addAndGet(20);
      assertThat(other.call("GET", "k6")).isNull();
      assertThat(transaction(c)).isNull();
    } finally {
      server.close();
    }
  }

  private static Object transaction(RespClient c) {
    assertThat(c.call("MULTI")).isEqualTo(OK);
    assertThat(c.call("SET", "side", "effect")).isEqualTo(new RespClient.Simple("QUEUED"));
    return c.call("EXEC");
  }

  /** Sets an absolute expiry time through the keyspace (Tide's EXPIRE family may not exist yet). */
  static void expireAt(TideServer server, String key, long atMs) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    Keyspace ks = server.db().shardFor(k);
    ks.lock().lock();
    try {
      ks.setExpireAt(k, atMs);
    } finally {
      ks.lock().unlock();
    }
  }
}
