package dev.tide.engine.keyspace;

/**
 * Engine settings that can change at run time (CONFIG SET). Shared by all shards of a database;
 * fields are volatile so a change is seen by every shard's next command.
 */
public final class EngineConfig {

  /** Redis's default {@code maxmemory-samples}. */
  public static final int DEFAULT_MAXMEMORY_SAMPLES = 5;
  /** Redis's default {@code lfu-log-factor}. */
  public static final int DEFAULT_LFU_LOG_FACTOR = 10;
  /** Redis's default {@code lfu-decay-time}, in minutes. */
  public static final int DEFAULT_LFU_DECAY_TIME = 1;

  /** Largest string a command may build (APPEND, SETRANGE): Redis's {@code proto-max-bulk-len}, 512 MB. */
  public volatile long protoMaxBulkLen = 512L * 1024 * 1024;
  /** Bytes; 0 means no limit. */
  public volatile long maxmemoryBytes;
  public volatile EvictionPolicy maxmemoryPolicy = EvictionPolicy.NOEVICTION;
  public volatile int maxmemorySamples = DEFAULT_MAXMEMORY_SAMPLES;
  public volatile int lfuLogFactor = DEFAULT_LFU_LOG_FACTOR;
  public volatile int lfuDecayTime = DEFAULT_LFU_DECAY_TIME;
  /**
   * Hash encoding thresholds (hash-max-listpack-entries / -value). 512 is what Debian's
   * redis-server 7.0.15 reports with no config file (CONFIG GET), our differential reference.
   */
  public volatile int hashMaxListpackEntries = 512;
  public volatile int hashMaxListpackValue = 64;
  /** Set encoding threshold (set-max-intset-entries). */
  public volatile int setMaxIntsetEntries = 512;
  /** Sorted set encoding thresholds (zset-max-listpack-entries / -value). */
  public volatile int zsetMaxListpackEntries = 128;
  public volatile int zsetMaxListpackValue = 64;
}
