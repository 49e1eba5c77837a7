package dev.tide.engine.keyspace;

import dev.tide.engine.dict.ByteDict;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps per-key access data in a dict node's spare int, as Redis keeps it in an object's 24 LRU
 * bits: under an LRU (or no) policy, the LRU clock in seconds; under an LFU policy, the minute of
 * the last decrement in the high 16 bits and an 8-bit logarithmic access counter in the low 8.
 */
public final class AccessTracker {

  /** Redis's {@code LRU_CLOCK_MAX}: the LRU clock has 24 bits. */
  static final int LRU_CLOCK_MAX = (1 << 24) - 1;
  /** Counter a new key starts with under LFU, so new keys are not evicted at once (Redis: 5). */
  public static final int LFU_INIT_VAL = 5;
  /**
   * The low 24 bits of a node's meta hold access data (LRU clock, or LFU minute and counter);
   * the high 8 bits are value flags owned by the command families (e.g. how a string was
   * produced, for OBJECT ENCODING). Access updates keep the flags; {@code Keyspace.set} clears
   * them when a value is replaced.
   */
  public static final int ACCESS_BITS = 0x00ffffff;
  /** Shift of the 8 value-flag bits in a node's meta (see {@link #ACCESS_BITS}). */
  public static final int VALUE_FLAGS_SHIFT = 24;

  private final EngineConfig config;

  public AccessTracker(EngineConfig config) {
    this.config = config;
  }

  public static int lruClock(long nowMs) {
    return (int) ((nowMs / 1000) & LRU_CLOCK_MAX);
  }

  private static int minutes(long nowMs) {
    return (int) ((nowMs / 1000 / 60) & 0xffff);
  }

  public void init(ByteDict.Node<?> node, long nowMs) {
    int flags = node.meta & ~ACCESS_BITS;
    if (config.maxmemoryPolicy.isLfu()) {
      node.meta = flags | (minutes(nowMs) << 8) | LFU_INIT_VAL;
    } else {
      node.meta = flags | lruClock(nowMs);
    }
  }

  public void touch(ByteDict.Node<?> node, long nowMs) {
    int flags = node.meta & ~ACCESS_BITS;
    if (config.maxmemoryPolicy.isLfu()) {
      int counter = decayedCounter(node.meta, nowMs);
      counter = logIncrement(counter);
      node.meta = flags | (minutes(nowMs) << 8) | counter;
    } else {
      node.meta = flags | lruClock(nowMs);
    }
  }

  /** Milliseconds since the key was last accessed (OBJECT IDLETIME), from the LRU clock. */
  public static long idleMs(int meta, long nowMs) {
    int clock = lruClock(nowMs);
    int lru = meta & LRU_CLOCK_MAX;
    long idleSeconds = clock >= lru ? clock - lru : (LRU_CLOCK_MAX - lru) + clock;
    return idleSeconds * 1000;
  }

  /** The access counter after decay (OBJECT FREQ). */
  public int frequency(int meta, long nowMs) {
    return decayedCounter(meta, nowMs);
  }

  private int decayedCounter(int meta, long nowMs) {
    int lastMinute = (meta >>> 8) & 0xffff;
    int counter = meta & 0xff;
    int now = minutes(nowMs);
    int elapsed = now >= lastMinute ? now - lastMinute : 65535 - lastMinute + now;
    int decayTime = config.lfuDecayTime;
    int periods = decayTime > 0 ? elapsed / decayTime : 0;
    return periods > counter ? 0 : counter - periods;
  }

  private int logIncrement(int counter) {
    if (counter == 255) {
      return 255;
    }
    double r = ThreadLocalRandom.current().nextDouble();
    double base = Math.max(0, counter - LFU_INIT_VAL);
    double p = 1.0 / (base * config.lfuLogFactor + 1);
    return r < p ? counter + 1 : counter;
  }
}
