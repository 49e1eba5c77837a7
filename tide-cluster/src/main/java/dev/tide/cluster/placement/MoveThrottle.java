package dev.tide.cluster.placement;

import com.alipay.sofa.jraft.storage.SnapshotThrottle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The node's limit on snapshot bytes for replica moves: one token bucket shared by every group of
 * the node, refilled at the cluster setting {@code move-bytes-per-sec} (changeable at run time), so
 * all moves into (or out of) a node together stay under it. JRaft asks it before each chunk it
 * reads for a peer or fetches from a peer ({@link SnapshotThrottle}); it grants what the bucket
 * holds, at most the chunk, and 0 makes JRaft retry the chunk a moment later.
 *
 * <p>It also counts the bytes granted per group ({@link #forGroup}), which is how far a
 * destination's snapshot download has come ({@code TIDE.REBALANCE STATUS}).
 */
public final class MoveThrottle {

  /**
   * Burst the bucket may hold, in seconds of the rate: a tenth of a second keeps the stream
   * smooth (JRaft's chunks are 128 KiB; at 32 MiB/s a tenth holds ~25 of them) without letting
   * an idle node send a full second's worth at once.
   */
  static final double BURST_SECONDS = 0.1;

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
    return Math.max(1, rate * BURST_SECONDS);
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

  /** Grants up to {@code bytes} now; 0 when the bucket is empty. Thread-safe. */
  public synchronized long acquire(long bytes) {
    long now = nanoClock.getAsLong();
    long rate = bytesPerSec;
    tokens = Math.min(burst(rate), tokens + (now - lastRefillNanos) / 1e9 * rate);
    lastRefillNanos = now;
    long grant = (long) Math.min(bytes, Math.floor(tokens));
    if (grant <= 0) {
      return 0;
    }
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
