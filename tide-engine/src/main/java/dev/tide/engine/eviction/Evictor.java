package dev.tide.engine.eviction;

import dev.tide.engine.dict.ByteDict;
import dev.tide.engine.keyspace.AccessTracker;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.engine.keyspace.Keyspace;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Keeps the data under {@code maxmemory} by evicting keys as {@code maxmemory-policy} says
 * (Redis's {@code performEvictions}); the server calls {@link #makeRoom} before every command that
 * may grow memory and refuses the command with OOM when it returns false.
 *
 * <p><b>Choosing a victim.</b> Like Redis, Tide approximates LRU, LFU and TTL order by sampling:
 * each round takes {@code maxmemory-samples} random keys (all keys, or only keys with an expiry
 * for the {@code volatile-*} policies), scores them (idle time; 255 minus the decayed LFU
 * counter; time to expiry, reversed) and merges them into a small {@link Pool} of the
 * {@value #POOL_SIZE} best candidates seen so far. The best pooled candidate is evicted if it
 * still exists; pooled candidates that vanished meanwhile are dropped. The pool carries good
 * candidates over from earlier calls, which is what makes 5 samples behave close to true LRU.
 * The random policies evict a random key directly.
 *
 * <p><b>Shards.</b> The keyspace is split into shards with one lock each. A round samples one
 * shard, chosen at random with probability proportional to its key count (its expiring-key count
 * for {@code volatile-*}), so every key is equally likely to be sampled, as in one Redis dict.
 * One shard lock is held at a time, never two, and only for the sampling or the eviction itself;
 * callers must hold no shard lock (the executor calls this before taking a command's locks).
 *
 * <p><b>Concurrency.</b> Several event loops may call {@link #makeRoom} at once. Each thread has
 * its own pool, so they do not contend on it; two threads may pick the same key, and the second
 * finds it gone and moves on. Used memory is re-read after every eviction, so a thread stops as
 * soon as the total is under the limit, whoever freed the memory.
 *
 * <p><b>Bounded work.</b> One call evicts for at most {@value #TIME_LIMIT_NS} ns (Redis's default
 * {@code maxmemory-eviction-tenacity} of 10 gives 500 µs) and at most {@value #MAX_KEYS_PER_CALL}
 * keys. When it stops on a bound after freeing something, the command is let through (Redis's
 * {@code EVICT_RUNNING}) and the housekeeping tick continues the work. It returns false only when
 * memory is over the limit and the policy has nothing left to evict: {@code noeviction}, or a
 * {@code volatile-*} policy with no key that has an expiry.
 */
public final class Evictor {

  /** Candidates kept between calls (Redis's {@code EVPOOL_SIZE}). */
  public static final int POOL_SIZE = 16;
  /** Time one call may spend evicting (Redis: 500 µs at the default tenacity of 10). */
  public static final long TIME_LIMIT_NS = 500_000;
  /** Evictions between two reads of the clock (Redis checks its time limit every 16 keys). */
  static final int TIME_CHECK_INTERVAL = 16;
  /** Keys one call may evict whatever the clock says, so a stalled clock cannot make it unbounded. */
  public static final int MAX_KEYS_PER_CALL = 4096;
  /**
   * Sampling rounds in a row that may find no usable candidate (keys deleted or changed by other
   * threads between sampling and eviction) before one call gives up on this attempt.
   */
  static final int MAX_FRUITLESS_ROUNDS = 64;

  private final Database db;
  private final EngineConfig config;
  private final AccessTracker access;
  private final LongSupplier nanoClock;
  private final ThreadLocal<Pool> pools = ThreadLocal.withInitial(Pool::new);
  private final ThreadLocal<SplittableRandom> randoms = ThreadLocal.withInitial(SplittableRandom::new);

  /**
   * @param nanoClock monotonic nanoseconds, used only to bound the time of one call
   */
  public Evictor(Database db, LongSupplier nanoClock) {
    this.db = db;
    this.config = db.config();
    this.access = db.access();
    this.nanoClock = nanoClock;
  }

  public Evictor(Database db) {
    this(db, System::nanoTime);
  }

  /** Result of one {@link #makeRoom} call, for callers that want more than a boolean. */
  public enum Outcome {
    /** Used memory is at or under the limit (or there is no limit). */
    UNDER_LIMIT,
    /** A work bound was reached after evicting; the command may run, housekeeping continues. */
    IN_PROGRESS,
    /** Over the limit and the policy allows nothing more to be evicted: refuse with OOM. */
    FAILED
  }

  /**
   * Evicts keys until used memory is at or under {@code maxmemory}, within the bounds above.
   *
   * @param nowMs the command's time, for idle times and LFU decay
   * @return false when the command must be refused with OOM
   */
  public boolean makeRoom(long nowMs) {
    return evict(nowMs) != Outcome.FAILED;
  }

  public Outcome evict(long nowMs) {
    long max = config.maxmemoryBytes;
    if (max <= 0 || db.usedMemoryBytes() <= max) {
      return Outcome.UNDER_LIMIT;
    }
    EvictionPolicy policy = config.maxmemoryPolicy;
    if (policy == EvictionPolicy.NOEVICTION) {
      return Outcome.FAILED;
    }
    Pool pool = pools.get();
    if (pool.policy != policy) {
      pool.clear();
      pool.policy = policy;
    }
    long started = nanoClock.getAsLong();
    int evicted = 0;
    while (db.usedMemoryBytes() > max) {
      boolean done = switch (policy) {
        case ALLKEYS_RANDOM, VOLATILE_RANDOM -> evictRandom(policy.volatileOnly());
        default -> evictFromPool(pool, policy, nowMs);
      };
      if (!done) {
        return Outcome.FAILED;
      }
      evicted++;
      if (evicted >= MAX_KEYS_PER_CALL) {
        return Outcome.IN_PROGRESS;
      }
      if (evicted % TIME_CHECK_INTERVAL == 0 && nanoClock.getAsLong() - started > TIME_LIMIT_NS) {
        return Outcome.IN_PROGRESS;
      }
    }
    return Outcome.UNDER_LIMIT;
  }

  // ---- random policies -------------------------------------------------------------------------

  /** Evicts one random key (with an expiry, if {@code volatileOnly}); false when there is none. */
  private boolean evictRandom(boolean volatileOnly) {
    SplittableRandom random = randoms.get();
    for (int round = 0; round < MAX_FRUITLESS_ROUNDS; round++) {
      Keyspace ks = pickShard(volatileOnly, random);
      if (ks == null) {
        return false;
      }
      ks.lock().lock();
      try {
        byte[] key;
        if (volatileOnly) {
          ByteDict.Node<Long> n = ks.randomExpiringNode();
          key = n == null ? null : n.key();
        } else {
          ByteDict.Node<Object> n = ks.randomNode();
          key = n == null ? null : n.key();
        }
        if (key != null) {
          ks.evict(key);
          return true;
        }
      } finally {
        ks.lock().unlock();
      }
    }
    return false;
  }

  // ---- LRU, LFU and TTL policies ---------------------------------------------------------------

  /** Samples into the pool and evicts its best valid candidate; false when nothing can be evicted. */
  private boolean evictFromPool(Pool pool, EvictionPolicy policy, long nowMs) {
    SplittableRandom random = randoms.get();
    boolean volatileOnly = policy.volatileOnly();
    for (int round = 0; round < MAX_FRUITLESS_ROUNDS; round++) {
      Keyspace sampled = pickShard(volatileOnly, random);
      if (sampled == null) {
        pool.clear();
        return false;
      }
      sample(sampled, pool, policy, nowMs);
      while (pool.size > 0) {
        int shard = pool.shards[pool.size - 1];
        byte[] key = pool.keys[pool.size - 1];
        pool.removeLast();
        Keyspace ks = db.shard(shard);
        ks.lock().lock();
        try {
          ByteDict.Node<Object> node = ks.node(key);
          // Same entry as sampled (not deleted and re-created), and still eligible.
          if (node != null && node.key() == key && (!volatileOnly || ks.expireAt(key) >= 0)) {
            ks.evict(key);
            return true;
          }
        } finally {
          ks.lock().unlock();
        }
      }
    }
    return false;
  }

  /** Adds {@code maxmemory-samples} scored keys of one shard to the pool. */
  private void sample(Keyspace ks, Pool pool, EvictionPolicy policy, long nowMs) {
    int samples = Math.max(1, config.maxmemorySamples);
    boolean volatileOnly = policy.volatileOnly();
    ks.lock().lock();
    try {
      for (int i = 0; i < samples; i++) {
        byte[] key;
        long score;
        if (volatileOnly) {
          ByteDict.Node<Long> e = ks.randomExpiringNode();
          if (e == null) {
            return;
          }
          key = e.key();
          if (policy == EvictionPolicy.VOLATILE_TTL) {
            score = Long.MAX_VALUE - e.value(); // sooner expiry = better candidate
          } else {
            ByteDict.Node<Object> node = ks.node(key);
            if (node == null) {
              continue;
            }
            score = accessScore(node.meta, policy, nowMs);
          }
        } else {
          ByteDict.Node<Object> node = ks.randomNode();
          if (node == null) {
            return;
          }
          key = node.key();
          score = accessScore(node.meta, policy, nowMs);
        }
        pool.offer(score, ks.id(), key);
      }
    } finally {
      ks.lock().unlock();
    }
  }

  /** Higher is a better victim: idle milliseconds for LRU, 255 minus the decayed counter for LFU. */
  private long accessScore(int meta, EvictionPolicy policy, long nowMs) {
    if (policy.isLfu()) {
      return 255 - access.frequency(meta, nowMs);
    }
    return AccessTracker.idleMs(meta, nowMs);
  }

  /**
   * A shard chosen with probability proportional to its key count (expiring keys when
   * {@code volatileOnly}), so keys are sampled uniformly across shards; null when all are empty.
   * Counts are read without locks: a moment old, which only skews the odds slightly.
   */
  private Keyspace pickShard(boolean volatileOnly, SplittableRandom random) {
    int n = db.shardCount();
    long total = 0;
    for (int i = 0; i < n; i++) {
      Keyspace ks = db.shard(i);
      total += volatileOnly ? ks.expiresSize() : ks.size();
    }
    if (total <= 0) {
      return null;
    }
    long pick = random.nextLong(total);
    for (int i = 0; i < n; i++) {
      Keyspace ks = db.shard(i);
      pick -= volatileOnly ? ks.expiresSize() : ks.size();
      if (pick < 0) {
        return ks;
      }
    }
    return db.shard(n - 1); // counts moved while we read them
  }

  /**
   * The eviction pool of one thread: up to {@link #POOL_SIZE} candidates in ascending score
   * order (best last), as parallel arrays so that offering a sample allocates nothing.
   */
  static final class Pool {
    final long[] scores = new long[POOL_SIZE];
    final int[] shards = new int[POOL_SIZE];
    final byte[][] keys = new byte[POOL_SIZE][];
    int size;
    EvictionPolicy policy;

    /** Adds a candidate if the pool has room or it beats the worst one; ignores duplicates. */
    void offer(long score, int shard, byte[] key) {
      for (int i = 0; i < size; i++) {
        if (keys[i] == key && shards[i] == shard) {
          return; // the same entry sampled twice
        }
      }
      if (size == POOL_SIZE) {
        if (score <= scores[0]) {
          return;
        }
        System.arraycopy(scores, 1, scores, 0, size - 1);
        System.arraycopy(shards, 1, shards, 0, size - 1);
        System.arraycopy(keys, 1, keys, 0, size - 1);
        size--;
      }
      int at = size;
      while (at > 0 && scores[at - 1] > score) {
        at--;
      }
      System.arraycopy(scores, at, scores, at + 1, size - at);
      System.arraycopy(shards, at, shards, at + 1, size - at);
      System.arraycopy(keys, at, keys, at + 1, size - at);
      scores[at] = score;
      shards[at] = shard;
      keys[at] = key;
      size++;
    }

    void removeLast() {
      size--;
      keys[size] = null; // do not keep an evicted key's bytes alive
    }

    void clear() {
      for (int i = 0; i < size; i++) {
        keys[i] = null;
      }
      size = 0;
    }
  }
}
