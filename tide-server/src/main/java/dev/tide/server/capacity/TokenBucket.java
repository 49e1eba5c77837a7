package dev.tide.server.capacity;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket of {@code ratePerSec} tokens a second holding at most {@code burst},
 * kept as one number: the theoretical arrival time of the next token (the GCRA form of a token
 * bucket). Taking a token moves that time forward by one interval ({@code 1 s / rate}); the bucket is
 * full when it lies {@code burst} intervals or more in the past. Any thread may call it (one CAS per
 * token); time is always an argument ({@code nowNs}, from {@link System#nanoTime} or a test clock).
 *
 * <p>Two ways to take a token: {@link #tryAcquire} takes one only if it is there now;
 * {@link #reserve} always takes the next one and says how long to wait for it. A caller holding a
 * reservation must not ask again until it has used it, so that waiting callers are served in the
 * order they reserved — one token each, round robin — however much work each has queued.
 */
public final class TokenBucket {

  private final long intervalNs;
  private final long toleranceNs;
  private final AtomicLong nextTokenNs;

  /**
   * @param ratePerSec tokens per second, at least 1
   * @param burst      tokens the bucket holds when full, at least 1
   * @param nowNs      now: the bucket starts full
   */
  public TokenBucket(long ratePerSec, int burst, long nowNs) {
    if (ratePerSec < 1 || ratePerSec > 1_000_000_000L || burst < 1) {
      throw new IllegalArgumentException("need 1 <= ratePerSec <= 1e9 and burst >= 1");
    }
    this.intervalNs = 1_000_000_000L / ratePerSec;
    this.toleranceNs = (burst - 1) * intervalNs;
    this.nextTokenNs = new AtomicLong(nowNs - toleranceNs);
  }

  /** Nanoseconds between two tokens. */
  public long intervalNs() {
    return intervalNs;
  }

  /** Takes a token if one is there at {@code nowNs}. */
  public boolean tryAcquire(long nowNs) {
    while (true) {
      long next = nextTokenNs.get();
      long start = later(next, nowNs - toleranceNs);
      if (start - nowNs > 0) {
        return false;
      }
      if (nextTokenNs.compareAndSet(next, start + intervalNs)) {
        return true;
      }
    }
  }

  /**
   * Takes the next token, now or in the future.
   *
   * @return nanoseconds from {@code nowNs} until the token is there (0: now)
   */
  public long reserve(long nowNs) {
    while (true) {
      long next = nextTokenNs.get();
      long start = later(next, nowNs - toleranceNs);
      if (nextTokenNs.compareAndSet(next, start + intervalNs)) {
        return Math.max(0, start - nowNs);
      }
    }
  }

  /** The later of two nanoTime values (compared by difference: nanoTime may wrap). */
  private static long later(long a, long b) {
    return a - b >= 0 ? a : b;
  }
}
