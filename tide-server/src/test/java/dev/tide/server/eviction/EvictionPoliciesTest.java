package dev.tide.server.eviction;

import dev.tide.engine.command.Errors;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each of the eight {@code maxmemory-policy} values on a real server with a small
 * {@code maxmemory}, filled with SET over a socket to about three times what fits.
 *
 * <p>The server's clock is a test clock that moves one second per round of writes, so idle times
 * (second resolution, as Redis's LRU clock) differ between rounds without the test sleeping.
 * Expiry times are set through the keyspace API (under the shard lock, as a command would)
 * rather than with EXPIRE, so these tests depend only on SET and GET.
 *
 * <p>Policy assertions are statistical, with wide margins: the policies sample (5 keys and a
 * pool of 16, as Redis), so they are approximate by design; each margin is far from what a wrong
 * policy (e.g. random instead of LRU) would give, which is noted next to it.
 */
class EvictionPoliciesTest {

  static final long MAXMEMORY_BYTES = 4L * 1024 * 1024;
  static final int VALUE_BYTES = 1000;
  /** Roughly 1.1 KB per key with its overhead, so about 3 700 keys fit in 4 MB. */
  static final int FITTING_KEYS = 3700;
  static final int ROUNDS = 30;
  /** Cold keys written per round: 30 rounds write ~3× what fits. */
  static final int KEYS_PER_ROUND = 400;
  /** Commands sent before reading their replies. */
  static final int PIPELINE = 200;
  /**
   * How far over maxmemory used memory may be between commands: eviction runs before a write, so
   * the write itself (one key and value) lands on top, plus a dict table doubling in one shard.
   */
  static final long SLACK_BYTES = 64 * 1024;
  static final int HOT_KEYS = 300;
  static final int PERSISTENT_KEYS = 500;
  static final long HOUR_MS = 3_600_000L;

  private static final String VALUE = "v".repeat(VALUE_BYTES);

  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private TideTestServer server;
  private RespClient client;

  private void start(EvictionPolicy policy) {
    server = TideTestServer.start(c -> {
      c.maxmemoryBytes = MAXMEMORY_BYTES;
      c.maxmemoryPolicy = policy;
    }, clock::get);
    client = server.client();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  // ---- the policies ------------------------------------------------------------------------------

  @Test
  void noevictionRefusesWritesWithRedisErrorButServesReads() {
    start(EvictionPolicy.NOEVICTION);
    Object reply = null;
    int written = 0;
    for (int i = 0; i < FITTING_KEYS * 2; i++) {
      reply = client.call("SET", "k" + i, VALUE);
      if (reply instanceof RespClient.Err) {
        break;
      }
      written++;
    }
    assertThat(reply).isEqualTo(new RespClient.Err("OOM command not allowed when used memory > 'maxmemory'."));
    assertThat(written).isBetween(FITTING_KEYS / 2, FITTING_KEYS * 3 / 2);
    assertThat(client.call("GET", "k0")).isEqualTo(VALUE);
    assertThat(client.call("GET", "k" + (written - 1))).isEqualTo(VALUE);
    assertThat(client.call("SET", "another", "x")).isEqualTo(new RespClient.Err(Errors.OOM));
    assertThat(db().keyCount()).isEqualTo(written);
    assertThat(evictedKeys()).isZero();
    assertThat(server.server().stats().of("set").rejected.sum()).isEqualTo(2);
    assertThat(server.server().stats().errorCounts()).containsEntry("OOM", 2L);
    assertThat(db().usedMemoryBytes()).isBetween(MAXMEMORY_BYTES - 2 * (long) VALUE_BYTES, MAXMEMORY_BYTES + SLACK_BYTES);
  }

  @Test
  void allkeysLruKeepsAHotSetAndEvictsTheOldest() {
    start(EvictionPolicy.ALLKEYS_LRU);
    List<String> hot = keys("hot:", HOT_KEYS);
    setAll(hot, null);
    churn(hot, 1, false);
    // Random eviction would keep about a third of the hot keys (as of all keys).
    assertThat(survivors(hot)).as("hot keys kept").isGreaterThanOrEqualTo(HOT_KEYS * 8 / 10);
    // The first round's cold keys are the longest idle: LRU evicts (nearly) all of them.
    assertThat(survivors(roundKeys(0))).as("oldest cold keys kept").isLessThan(KEYS_PER_ROUND / 10);
    assertNearLimitAndEvicted();
  }

  @Test
  void allkeysLfuKeepsFrequentlyReadKeys() {
    start(EvictionPolicy.ALLKEYS_LFU);
    List<String> hot = keys("hot:", HOT_KEYS);
    setAll(hot, null);
    churn(hot, 5, false);
    assertThat(survivors(hot)).as("hot keys kept (random: about a third)").isGreaterThanOrEqualTo(HOT_KEYS * 8 / 10);
    assertNearLimitAndEvicted();
  }

  @Test
  void allkeysRandomEvictsOldAndNewKeysAlike() {
    start(EvictionPolicy.ALLKEYS_RANDOM);
    churn(List.of(), 0, false);
    // Random eviction: a key written first survives the ~2.3 capacities written after it with
    // probability e^-2.3 ≈ 10% (LRU would leave none), and keys written last survive more.
    int early = survivors(roundKeys(0)) + survivors(roundKeys(1)) + survivors(roundKeys(2));
    int late = survivors(roundKeys(ROUNDS - 1)) + survivors(roundKeys(ROUNDS - 2)) + survivors(roundKeys(ROUNDS - 3));
    assertThat(early).as("survivors of the first three rounds").isGreaterThanOrEqualTo(3 * KEYS_PER_ROUND / 40);
    assertThat(late).as("survivors of the last three rounds").isGreaterThan(early * 3);
    assertNearLimitAndEvicted();
  }

  @Test
  void volatileLruEvictsOnlyKeysWithAnExpiryAndKeepsTheHotOnes() {
    start(EvictionPolicy.VOLATILE_LRU);
    List<String> persistent = keys("p:", PERSISTENT_KEYS);
    setAll(persistent, null);
    List<String> hot = keys("hot:", HOT_KEYS);
    setAll(hot, HOUR_MS);
    churn(hot, 1, true);
    assertThat(survivors(persistent)).isEqualTo(PERSISTENT_KEYS);
    assertThat(survivors(hot)).as("hot keys kept (random: about a third)").isGreaterThanOrEqualTo(HOT_KEYS * 8 / 10);
    assertThat(survivors(roundKeys(0))).as("oldest cold keys kept").isLessThan(KEYS_PER_ROUND / 10);
    assertNearLimitAndEvicted();
    assertRefusesWritesOnceNoKeyCanExpire();
  }

  @Test
  void volatileLfuEvictsOnlyKeysWithAnExpiryAndKeepsTheFrequentOnes() {
    start(EvictionPolicy.VOLATILE_LFU);
    List<String> persistent = keys("p:", PERSISTENT_KEYS);
    setAll(persistent, null);
    List<String> hot = keys("hot:", HOT_KEYS);
    setAll(hot, HOUR_MS);
    churn(hot, 5, true);
    assertThat(survivors(persistent)).isEqualTo(PERSISTENT_KEYS);
    assertThat(survivors(hot)).as("hot keys kept (random: about a third)").isGreaterThanOrEqualTo(HOT_KEYS * 8 / 10);
    assertNearLimitAndEvicted();
    assertRefusesWritesOnceNoKeyCanExpire();
  }

  @Test
  void volatileRandomEvictsOnlyKeysWithAnExpiry() {
    start(EvictionPolicy.VOLATILE_RANDOM);
    List<String> persistent = keys("p:", PERSISTENT_KEYS);
    setAll(persistent, null);
    churn(List.of(), 0, true);
    assertThat(survivors(persistent)).isEqualTo(PERSISTENT_KEYS);
    assertNearLimitAndEvicted();
    assertRefusesWritesOnceNoKeyCanExpire();
  }

  @Test
  void volatileTtlEvictsTheKeysClosestToExpiring() {
    start(EvictionPolicy.VOLATILE_TTL);
    List<String> persistent = keys("p:", PERSISTENT_KEYS);
    setAll(persistent, null);
    SplittableRandom random = new SplittableRandom(42);
    Map<String, Long> ttlOf = new HashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      List<String> batch = roundKeys(round);
      setAll(batch, null);
      for (String k : batch) {
        long ttl = HOUR_MS + random.nextLong(HOUR_MS); // uniform in [1 h, 2 h), unrelated to write order
        if (expire(k, clock.get() + ttl)) {
          ttlOf.put(k, ttl);
        }
      }
      assertThat(db().usedMemoryBytes()).isLessThanOrEqualTo(MAXMEMORY_BYTES + SLACK_BYTES);
    }
    double keptSum = 0;
    double evictedSum = 0;
    int kept = 0;
    for (Map.Entry<String, Long> e : ttlOf.entrySet()) {
      if (exists(e.getKey())) {
        keptSum += e.getValue();
        kept++;
      } else {
        evictedSum += e.getValue();
      }
    }
    int evicted = ttlOf.size() - kept;
    assertThat(kept).isPositive();
    assertThat(evicted).isPositive();
    double gapMinutes = (keptSum / kept - evictedSum / evicted) / 60_000;
    // Evicting the soonest to expire leaves the long TTLs: the means differ by tens of minutes
    // (a policy blind to TTL would give about 0 ± 1).
    assertThat(gapMinutes).as("mean TTL of kept minus evicted keys, minutes").isGreaterThan(15);
    assertThat(survivors(persistent)).isEqualTo(PERSISTENT_KEYS);
    assertNearLimitAndEvicted();
    assertRefusesWritesOnceNoKeyCanExpire();
  }

  // ---- scenario helpers ---------------------------------------------------------------------------

  /**
   * {@value #ROUNDS} rounds; each moves the clock one second, reads every hot key
   * {@code hotReads} times, and writes {@value #KEYS_PER_ROUND} new keys (with a one-hour expiry
   * when {@code volatileKeys}). Checks after each round that used memory stays under the limit.
   */
  private void churn(List<String> hot, int hotReads, boolean volatileKeys) {
    for (int round = 0; round < ROUNDS; round++) {
      clock.addAndGet(1000);
      for (int r = 0; r < hotReads; r++) {
        List<String[]> gets = new ArrayList<>();
        for (String k : hot) {
          gets.add(new String[] {"GET", k});
        }
        pipeline(gets);
      }
      setAll(roundKeys(round), volatileKeys ? HOUR_MS : null);
      assertThat(db().usedMemoryBytes()).as("used memory after round %d", round)
          .isLessThanOrEqualTo(MAXMEMORY_BYTES + SLACK_BYTES);
    }
  }

  /** Once only keys without an expiry are left, a volatile policy can free nothing: OOM. */
  private void assertRefusesWritesOnceNoKeyCanExpire() {
    Object reply = null;
    for (int i = 0; i < FITTING_KEYS * 2 && !(reply instanceof RespClient.Err); i++) {
      reply = client.call("SET", "persistent-fill:" + i, VALUE);
    }
    assertThat(reply).isEqualTo(new RespClient.Err(Errors.OOM));
    assertThat(db().expiringKeyCount()).isZero();
    assertThat(client.call("GET", "persistent-fill:0")).isEqualTo(VALUE);
  }

  private void assertNearLimitAndEvicted() {
    long used = db().usedMemoryBytes();
    assertThat(used).as("used memory").isBetween(MAXMEMORY_BYTES * 3 / 4, MAXMEMORY_BYTES + SLACK_BYTES);
    assertThat(evictedKeys()).as("evicted_keys").isGreaterThan(ROUNDS * KEYS_PER_ROUND / 2);
    // INFO reports the same counter (nothing writes between the two reads).
    assertThat((String) client.call("INFO", "stats")).contains("evicted_keys:" + evictedKeys() + "\r\n");
  }

  private static List<String> keys(String prefix, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  private static List<String> roundKeys(int round) {
    return keys("cold:" + round + ":", KEYS_PER_ROUND);
  }

  /** SETs every key (pipelined), all must succeed; then gives each an expiry {@code ttlMs} from now, if set. */
  private void setAll(List<String> keys, Long ttlMs) {
    List<String[]> sets = new ArrayList<>();
    for (String k : keys) {
      sets.add(new String[] {"SET", k, VALUE});
    }
    for (Object reply : pipeline(sets)) {
      assertThat(reply).isEqualTo(new RespClient.Simple("OK"));
    }
    if (ttlMs != null) {
      for (String k : keys) {
        expire(k, clock.get() + ttlMs);
      }
    }
  }

  private List<Object> pipeline(List<String[]> commands) {
    List<Object> replies = new ArrayList<>(commands.size());
    for (int from = 0; from < commands.size(); from += PIPELINE) {
      int to = Math.min(commands.size(), from + PIPELINE);
      for (int i = from; i < to; i++) {
        client.send(commands.get(i));
      }
      for (int i = from; i < to; i++) {
        replies.add(client.read());
      }
    }
    return replies;
  }

  private Database db() {
    return server.server().db();
  }

  /** Sets an expiry as EXPIRE would; false if the key was evicted meanwhile. */
  private boolean expire(String k, long whenMs) {
    byte[] key = k.getBytes(StandardCharsets.UTF_8);
    Keyspace ks = db().shardFor(key);
    ks.lock().lock();
    try {
      if (ks.peek(key, clock.get()) == null) {
        return false;
      }
      ks.setExpireAt(key, whenMs);
      return true;
    } finally {
      ks.lock().unlock();
    }
  }

  /** Whether a key exists, without touching its LRU/LFU data (as a GET would). */
  private boolean exists(String k) {
    byte[] key = k.getBytes(StandardCharsets.UTF_8);
    Keyspace ks = db().shardFor(key);
    ks.lock().lock();
    try {
      return ks.peek(key, clock.get()) != null;
    } finally {
      ks.lock().unlock();
    }
  }

  private int survivors(List<String> keys) {
    int n = 0;
    for (String k : keys) {
      n += exists(k) ? 1 : 0;
    }
    return n;
  }

  private long evictedKeys() {
    long n = 0;
    for (int i = 0; i < db().shardCount(); i++) {
      n += db().shard(i).evictedKeys();
    }
    return n;
  }
}
