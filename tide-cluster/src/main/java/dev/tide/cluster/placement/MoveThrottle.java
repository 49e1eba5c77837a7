package dev.tide.cluster.placement;

import com.alipay.sofa.jraft.storage.SnapshotThrottle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The node's limit on snapshot bytes it receives for replica moves: one token bucket shared by
 * every group of the node, refilled at the cluster setting {@code move-bytes-per-sec} (changeable
 * at run time), so all moves into a node together stay under it. JRaft asks it before each chunk
 * it fetches ({@link SnapshotThrottle}; only on the receiving side, see
 * {@code ReceiveThrottledSnapshotStorage}). While the bucket holds any tokens it grants the chunk,
 * up to what it holds or 128 KiB, whichever is more (so it goes into debt by at most one chunk,
 * and chunks stay JRaft's full 128 KiB instead of slivers); when it is empty it grants 0, and
 * JRaft retries the chunk after its retry interval (1 s). The bucket holds up to one second of the
 * rate, so each such pause refills what it withheld: the average stays at the rate, in bursts of
 * about a second.
 *
 * <p>It also counts the bytes granted per group ({@link #forGroup}), which is how far a
 * destination's snapshot download has come ({@code TIDE.REBALANCE STATUS}).
 */
public final class MoveThrottle {

  /**
   * Burst the bucket may hold, in seconds of the rate: one second, JRaft's pause after a refused
   * chunk, so a pause refills exactly what it withheld and the average holds at the rate.
   */
  static final double BURST_SECONDS = 1.0;
  /** JRaft's snapshot chunk (RaftOptions.maxByteCountPerRpc, 128 KiB): the bucket holds at least one. */
  static final long CHUNK_BYTES = 128 << 10;

  private final LongSupplier nanoClock;
  private volatile long bytesPerSec;
  private double tokens;
  private long lastRefillNanos;
  private final AtomicLong granted = new AtomicLong();
  private final ConcurrentHashMap<String, AtomicLong> perGroup = new ConcurrentHashMap<>();

  public MoveThrottle(long bytesPerSec, LongSupplier nanoClock) {
    this.bytesPerSec = bytesPerSec;
    this.nanoClock = nanoClock;
    this.lastRefillNanos = nanoClock.getAsLong();
    this.tokens = burst(bytesPerSec);
  }

  public MoveThrottle(long bytesPerSec) {
    this(bytesPerSec, System::nanoTime);
  }

  private static double burst(long rate) {
    return Math.max(CHUNK_BYTES, rate * BURST_SECONDS);
  }

  /** Changes the rate (the cluster setting changed); takes effect with the next chunk. */
  public void setBytesPerSec(long rate) {
    this.bytesPerSec = rate;
  }

  public long bytesPerSec() {
    return bytesPerSec;
  }

  /** Bytes granted since the node started, over all groups. */
  public long grantedBytes() {
    return granted.get();
  }

  /** Bytes granted to one group's snapshot transfers since this node started it (or since {@link #resetGroup}). */
  public long groupBytes(String group) {
    AtomicLong c = perGroup.get(group);
    return c == null ? 0 : c.get();
  }

  public void resetGroup(String group) {
    perGroup.remove(group);
  }

  /** Grants up to a chunk (more if the bucket holds more) while it holds any tokens, else 0. Thread-safe. */
  public synchronized long acquire(long bytes) {
    long now = nanoClock.getAsLong();
    long rate = bytesPerSec;
    tokens = Math.min(burst(rate), tokens + (now - lastRefillNanos) / 1e9 * rate);
    lastRefillNanos = now;
    if (tokens <= 0 || bytes <= 0) {
      return 0;
    }
    // at most what the bucket holds or one chunk, whichever is more: JRaft asks for Integer.MAX_VALUE
    // when it reads a snapshot's small meta file, which must not put the bucket into hours of debt
    long grant = Math.min(bytes, Math.max((long) Math.ceil(tokens), CHUNK_BYTES));
    tokens -= grant;
    granted.addAndGet(grant);
    return grant;
  }

  /** JRaft's view for one group: the shared bucket, counting that group's bytes. */
  public SnapshotThrottle forGroup(String group) {
    return bytes -> {
      long grant = acquire(bytes);
      if (grant > 0) {
        perGroup.computeIfAbsent(group, g -> new AtomicLong()).addAndGet(grant);
      }
      return grant;
    };
  }
}
