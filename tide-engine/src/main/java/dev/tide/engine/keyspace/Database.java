package dev.tide.engine.keyspace;

import dev.tide.engine.slots.Slots;

/**
 * The whole keyspace of a node: shards routed by hash slot, and the settings they share.
 *
 * <p>Keys are routed by their Redis Cluster hash slot ({@code slot % shards}), so keys with the
 * same hash tag always share a shard, as they will share a partition in a cluster. The default
 * shard count is a power of two several times the core count: enough that two connections
 * rarely wait for the same shard, few enough that commands touching every shard stay cheap.
 */
public final class Database {

  /** Default number of shards on a single node. */
  public static final int DEFAULT_SHARDS = 16;

  private final EngineConfig config;
  private final AccessTracker access;
  private final Keyspace[] shards;

  public Database(EngineConfig config, int shardCount) {
    if (shardCount < 1 || shardCount > Slots.COUNT) {
      throw new IllegalArgumentException("shard count must be in 1.." + Slots.COUNT + ", got " + shardCount);
    }
    this.config = config;
    this.access = new AccessTracker(config);
    this.shards = new Keyspace[shardCount];
    for (int i = 0; i < shardCount; i++) {
      shards[i] = new Keyspace(i, config, access);
    }
  }

  public Database(EngineConfig config) {
    this(config, DEFAULT_SHARDS);
  }

  public EngineConfig config() {
    return config;
  }

  public AccessTracker access() {
    return access;
  }

  public int shardCount() {
    return shards.length;
  }

  public Keyspace shard(int index) {
    return shards[index];
  }

  public int shardIndex(byte[] key) {
    return Slots.slot(key) % shards.length;
  }

  /** The shard that owns a key. Its lock must be held to use it. */
  public Keyspace shardFor(byte[] key) {
    return shards[shardIndex(key)];
  }

  /**
   * Estimated heap bytes held by the keys, values and expiry entries of all shards (INFO's
   * {@code used_memory_dataset}). Read without locks, so a moment old.
   */
  public long usedBytes() {
    long sum = 0;
    for (Keyspace k : shards) {
      sum += k.usedBytes();
    }
    return sum;
  }

  /** Estimated heap bytes of the shards' dict tables (INFO's {@code used_memory_overhead}); lock-free. */
  public long tableBytes() {
    long sum = 0;
    for (Keyspace k : shards) {
      sum += k.tableBytes();
    }
    return sum;
  }

  /**
   * {@code used_memory}: the data ({@link #usedBytes()}) plus the dict tables ({@link #tableBytes()}),
   * what {@code maxmemory} limits and eviction brings down. Read without locks, so a moment old.
   * Connection buffers and the JVM's own memory are not included; docs/memory.md relates this to
   * the process's RSS.
   */
  public long usedMemoryBytes() {
    long sum = 0;
    for (Keyspace k : shards) {
      sum += k.usedBytes() + k.tableBytes();
    }
    return sum;
  }

  /** Keys in all shards (read without locks). */
  public long keyCount() {
    long sum = 0;
    for (Keyspace k : shards) {
      sum += k.size();
    }
    return sum;
  }

  /** Keys with an expiry in all shards (read without locks). */
  public long expiringKeyCount() {
    long sum = 0;
    for (Keyspace k : shards) {
      sum += k.expiresSize();
    }
    return sum;
  }

  /** Locks every shard in index order (the global order all lockers use). */
  public void lockAll() {
    for (Keyspace k : shards) {
      k.lock().lock();
    }
  }

  public void unlockAll() {
    for (int i = shards.length - 1; i >= 0; i--) {
      shards[i].lock().unlock();
    }
  }
}
