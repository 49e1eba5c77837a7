package dev.tide.engine.eviction;

import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.engine.keyspace.Keyspace;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The evictor against a bare database (no server): pool order, bounds and failure cases. */
class EvictorTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final int VALUE_BYTES = 1000;

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void set(Database db, String k, long nowMs) {
    byte[] key = key(k);
    Keyspace ks = db.shardFor(key);
    ks.lock().lock();
    try {
      ks.set(key, new byte[VALUE_BYTES], false, nowMs);
    } finally {
      ks.lock().unlock();
    }
  }

  private static void expire(Database db, String k, long whenMs) {
    byte[] key = key(k);
    Keyspace ks = db.shardFor(key);
    ks.lock().lock();
    try {
      ks.setExpireAt(key, whenMs);
    } finally {
      ks.lock().unlock();
    }
  }

  private static boolean exists(Database db, String k) {
    byte[] key = key(k);
    Keyspace ks = db.shardFor(key);
    ks.lock().lock();
    try {
      return ks.peek(key, NOW) != null;
    } finally {
      ks.lock().unlock();
    }
  }

  private static long evicted(Database db) {
    long n = 0;
    for (int i = 0; i < db.shardCount(); i++) {
      n += db.shard(i).evictedKeys();
    }
    return n;
  }

  /**
   * Calls the evictor until it is under the limit, as commands and the housekeeping tick would
   * (one call stops at its time bound); bounded.
   */
  private static Evictor.Outcome evictFully(Evictor evictor, long nowMs) {
    Evictor.Outcome outcome = evictor.evict(nowMs);
    for (int i = 0; i < 10_000 && outcome == Evictor.Outcome.IN_PROGRESS; i++) {
      outcome = evictor.evict(nowMs);
    }
    return outcome;
  }

  private static Database db(EvictionPolicy policy) {
    EngineConfig config = new EngineConfig();
    config.maxmemoryPolicy = policy;
    return new Database(config, 4);
  }

  @Test
  void poolKeepsTheBestCandidatesInOrderAndIgnoresDuplicates() {
    Evictor.Pool pool = new Evictor.Pool();
    byte[][] keys = new byte[40][];
    for (int i = 0; i < 40; i++) {
      keys[i] = key("k" + i);
      pool.offer((i * 7919L) % 40, 0, keys[i]); // scores 0..39 in scrambled order
    }
    pool.offer(39, 0, keys[1]); // 1*7919 % 40 = 39: the same entry again
    assertThat(pool.size).isEqualTo(Evictor.POOL_SIZE);
    for (int i = 0; i < Evictor.POOL_SIZE; i++) {
      assertThat(pool.scores[i]).isEqualTo(40 - Evictor.POOL_SIZE + i);
    }
    pool.removeLast();
    assertThat(pool.keys[Evictor.POOL_SIZE - 1]).isNull();
  }

  @Test
  void noLimitOrUnderTheLimitEvictsNothing() {
    Database db = db(EvictionPolicy.ALLKEYS_LRU);
    for (int i = 0; i < 100; i++) {
      set(db, "k" + i, NOW);
    }
    Evictor evictor = new Evictor(db);
    assertThat(evictor.evict(NOW)).isEqualTo(Evictor.Outcome.UNDER_LIMIT); // maxmemory 0 = no limit
    db.config().maxmemoryBytes = db.usedMemoryBytes() + 1;
    assertThat(evictor.evict(NOW)).isEqualTo(Evictor.Outcome.UNDER_LIMIT);
    assertThat(db.keyCount()).isEqualTo(100);
  }

  @Test
  void noevictionFailsWhenOverTheLimit() {
    Database db = db(EvictionPolicy.NOEVICTION);
    for (int i = 0; i < 100; i++) {
      set(db, "k" + i, NOW);
    }
    db.config().maxmemoryBytes = db.usedMemoryBytes() / 2;
    assertThat(new Evictor(db).makeRoom(NOW)).isFalse();
    assertThat(db.keyCount()).isEqualTo(100);
  }

  @Test
  void volatilePoliciesFailWithoutKeysThatExpireAndLeaveOtherKeysAlone() {
    for (EvictionPolicy p : new EvictionPolicy[] {EvictionPolicy.VOLATILE_LRU, EvictionPolicy.VOLATILE_LFU,
        EvictionPolicy.VOLATILE_RANDOM, EvictionPolicy.VOLATILE_TTL}) {
      Database db = db(p);
      for (int i = 0; i < 100; i++) {
        set(db, "k" + i, NOW);
      }
      for (int i = 0; i < 10; i++) {
        expire(db, "k" + i, NOW + 60_000);
      }
      db.config().maxmemoryBytes = db.usedMemoryBytes() / 2;
      assertThat(evictFully(new Evictor(db), NOW)).as(p.configName()).isEqualTo(Evictor.Outcome.FAILED);
      assertThat(db.keyCount()).as(p.configName()).isEqualTo(90);
      assertThat(db.expiringKeyCount()).isZero();
      assertThat(evicted(db)).isEqualTo(10);
      for (int i = 10; i < 100; i++) {
        assertThat(exists(db, "k" + i)).isTrue();
      }
    }
  }

  @Test
  void allkeysLruEvictsTheLongestIdleKeysFirst() {
    Database db = db(EvictionPolicy.ALLKEYS_LRU);
    // 1000 keys, key i last touched i seconds after the first.
    for (int i = 0; i < 1000; i++) {
      set(db, "k" + i, NOW + i * 1000L);
    }
    long now = NOW + 1000 * 1000L;
    db.config().maxmemoryBytes = db.usedMemoryBytes() / 2;
    assertThat(evictFully(new Evictor(db), now)).isEqualTo(Evictor.Outcome.UNDER_LIMIT);
    assertThat(db.usedMemoryBytes()).isLessThanOrEqualTo(db.config().maxmemoryBytes);
    int oldSurvivors = 0;
    int newSurvivors = 0;
    for (int i = 0; i < 250; i++) {
      oldSurvivors += exists(db, "k" + i) ? 1 : 0;
      newSurvivors += exists(db, "k" + (999 - i)) ? 1 : 0;
    }
    // Sampled LRU is approximate; random eviction would leave about half of each quarter.
    assertThat(oldSurvivors).as("oldest quarter kept").isLessThan(50);
    assertThat(newSurvivors).as("newest quarter kept").isGreaterThan(200);
  }

  @Test
  void volatileTtlEvictsTheSoonestToExpireFirst() {
    Database db = db(EvictionPolicy.VOLATILE_TTL);
    for (int i = 0; i < 1000; i++) {
      set(db, "k" + i, NOW);
      expire(db, "k" + i, NOW + 3_600_000L + i * 1000L);
    }
    db.config().maxmemoryBytes = db.usedMemoryBytes() / 2;
    assertThat(evictFully(new Evictor(db), NOW)).isEqualTo(Evictor.Outcome.UNDER_LIMIT);
    int soonSurvivors = 0;
    int lateSurvivors = 0;
    for (int i = 0; i < 250; i++) {
      soonSurvivors += exists(db, "k" + i) ? 1 : 0;
      lateSurvivors += exists(db, "k" + (999 - i)) ? 1 : 0;
    }
    assertThat(soonSurvivors).isLessThan(50);
    assertThat(lateSurvivors).isGreaterThan(200);
  }

  @Test
  void oneCallStopsAtItsTimeBoundAndReportsWorkInProgress() {
    Database db = db(EvictionPolicy.ALLKEYS_RANDOM);
    for (int i = 0; i < 1000; i++) {
      set(db, "k" + i, NOW);
    }
    db.config().maxmemoryBytes = db.usedMemoryBytes() / 2;
    AtomicLong nanos = new AtomicLong();
    // Every clock reading is one millisecond later: the first time check (after 16 keys) is over the limit.
    Evictor evictor = new Evictor(db, () -> nanos.getAndAdd(1_000_000));
    assertThat(evictor.evict(NOW)).isEqualTo(Evictor.Outcome.IN_PROGRESS);
    assertThat(evicted(db)).isEqualTo(Evictor.TIME_CHECK_INTERVAL);
    assertThat(evictor.makeRoom(NOW)).as("in progress lets the command run").isTrue();
  }

  @Test
  void oneCallStopsAtItsKeyBoundEvenWithAStalledClock() {
    Database db = db(EvictionPolicy.ALLKEYS_RANDOM);
    int keys = Evictor.MAX_KEYS_PER_CALL * 3;
    for (int i = 0; i < keys; i++) {
      set(db, "k" + i, NOW);
    }
    db.config().maxmemoryBytes = 1;
    Evictor evictor = new Evictor(db, () -> 0L);
    assertThat(evictor.evict(NOW)).isEqualTo(Evictor.Outcome.IN_PROGRESS);
    assertThat(evicted(db)).isEqualTo(Evictor.MAX_KEYS_PER_CALL);
  }

  @Test
  void lfuKeepsFrequentlyReadKeys() {
    Database db = db(EvictionPolicy.ALLKEYS_LFU);
    for (int i = 0; i < 1000; i++) {
      set(db, "k" + i, NOW);
    }
    for (int i = 0; i < 100; i++) { // k0..k99 are hot: read 50 times each
      byte[] key = key("k" + i);
      Keyspace ks = db.shardFor(key);
      ks.lock().lock();
      try {
        for (int r = 0; r < 50; r++) {
          ks.read(key, NOW);
        }
      } finally {
        ks.lock().unlock();
      }
    }
    db.config().maxmemoryBytes = db.usedMemoryBytes() / 3;
    assertThat(evictFully(new Evictor(db), NOW)).isEqualTo(Evictor.Outcome.UNDER_LIMIT);
    int hotSurvivors = 0;
    for (int i = 0; i < 100; i++) {
      hotSurvivors += exists(db, "k" + i) ? 1 : 0;
    }
    assertThat(hotSurvivors).as("hot keys kept (random eviction would keep about a third)").isGreaterThan(90);
  }
}
