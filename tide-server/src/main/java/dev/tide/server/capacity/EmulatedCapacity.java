package dev.tide.server.capacity;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A lab feature: the node serves at most {@code capacityOps} commands a second, as if it were a
 * node of that size, so that scaling can be watched on one small machine ({@code --capacity-ops N},
 * config {@code capacity-ops}; 0 = unlimited and nothing of this class exists).
 *
 * <p>One {@link TokenBucket} for the whole node sits in front of the command path; each connection
 * has a {@link CapacityGate} in its pipeline that takes a token per command. A command that finds
 * the bucket empty is not refused: its connection stops reading (backpressure, as a saturated node
 * whose event loops are busy) and resumes when its reserved token is due, so clients see latency
 * rise and throughput flatten at {@code capacityOps}. Counters here are exported by the metrics
 * endpoint ({@code tide_capacity_*}, docs/metrics.md).
 */
public final class EmulatedCapacity {

  /**
   * Burst: 10 ms of capacity (at least 1 command). Event-loop timers fire up to about a millisecond
   * late; a burst of a few intervals lets the late wake-up catch up, so the node still serves
   * {@code capacityOps} on average, without letting a burst hide saturation.
   */
  static final long BURST_MS = 10;
  /** Largest emulated capacity: beyond this the node's own speed is the limit anyway. */
  public static final int MAX_CAPACITY_OPS = 10_000_000;

  private final int capacityOps;
  private final TokenBucket bucket;
  private final LongSupplier nanoClock;
  private final LongAdder waits = new LongAdder();
  private final LongAdder delayedCommands = new LongAdder();
  private final LongAdder admittedCommands = new LongAdder();
  private final LongAdder delayNanos = new LongAdder();
  private final AtomicLong queued = new AtomicLong();
  private volatile LongConsumer delayListener;

  public EmulatedCapacity(int capacityOps, LongSupplier nanoClock) {
    if (capacityOps < 1 || capacityOps > MAX_CAPACITY_OPS) {
      throw new IllegalArgumentException("capacityOps must be in 1.." + MAX_CAPACITY_OPS);
    }
    this.capacityOps = capacityOps;
    this.nanoClock = nanoClock;
    int burst = (int) Math.max(1, capacityOps * BURST_MS / 1000);
    this.bucket = new TokenBucket(capacityOps, burst, nanoClock.getAsLong());
  }

  public int capacityOps() {
    return capacityOps;
  }

  TokenBucket bucket() {
    return bucket;
  }

  long nowNs() {
    return nanoClock.getAsLong();
  }

  /** Receives the queueing delay of every command that passed a gate, in nanoseconds (0: no wait). */
  public void setDelayListener(LongConsumer listener) {
    this.delayListener = listener;
  }

  /** A command passed a gate after waiting {@code delayNs} (0: a token was there). */
  void admitted(long delayNs) {
    admittedCommands.increment();
    if (delayNs > 0) {
      delayedCommands.increment();
      delayNanos.add(delayNs);
    }
    LongConsumer l = delayListener;
    if (l != null) {
      l.accept(delayNs);
    }
  }

  /** A connection found the bucket empty and paused (a token was refused). */
  void waited() {
    waits.increment();
  }

  void queuedChanged(long delta) {
    queued.addAndGet(delta);
  }

  /** Times a connection found no token and paused its reads. */
  public long waits() {
    return waits.sum();
  }

  /** Commands that passed the gates, waited or not. */
  public long admittedCommands() {
    return admittedCommands.sum();
  }

  /** Commands that waited for a token. */
  public long delayedCommands() {
    return delayedCommands.sum();
  }

  /** Total time commands waited for tokens. */
  public long delayNanos() {
    return delayNanos.sum();
  }

  /** Commands held by the gates now, waiting for tokens. */
  public long queuedCommands() {
    return queued.get();
  }

  /** A gate for one new connection. */
  public CapacityGate newGate() {
    return new CapacityGate(this);
  }
}
