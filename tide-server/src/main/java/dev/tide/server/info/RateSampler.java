package dev.tide.server.info;

/**
 * An instantaneous rate as Redis's INFO shows it ({@code instantaneous_ops_per_sec}): a counter is
 * sampled about every {@value #SAMPLE_INTERVAL_MS} ms, each interval gives a per-second rate, and
 * the reported rate is the mean of the last {@value #SAMPLES} intervals (about 1.6 s).
 *
 * <p>Time is passed in; the caller samples from its periodic task. Thread-safe: one thread samples,
 * any thread reads.
 */
public final class RateSampler {

  /** Intervals averaged (Redis's {@code STATS_METRIC_SAMPLES}). */
  public static final int SAMPLES = 16;
  /** Redis samples its metrics every 100 ms. */
  public static final long SAMPLE_INTERVAL_MS = 100;
  /**
   * Ticks arrive at {@code hz} (10 a second by default) with some jitter; a tick up to 20% early
   * still takes a sample, so a 100 ms tick is not skipped every other time.
   */
  static final long MIN_SAMPLE_SPACING_MS = SAMPLE_INTERVAL_MS * 8 / 10;

  private final long[] ratesPerSec = new long[SAMPLES];
  private int next;
  private int filled;
  private long lastSampleMs = Long.MIN_VALUE;
  private long lastCount;

  /**
   * Offers a sample of the counter; taken when at least the sample spacing has passed since the
   * last one. A counter that went down (CONFIG RESETSTAT) restarts the baseline.
   */
  public synchronized void sample(long nowMs, long count) {
    if (lastSampleMs == Long.MIN_VALUE || count < lastCount || nowMs < lastSampleMs) {
      lastSampleMs = nowMs;
      lastCount = count;
      return;
    }
    long elapsedMs = nowMs - lastSampleMs;
    if (elapsedMs < MIN_SAMPLE_SPACING_MS) {
      return;
    }
    ratesPerSec[next] = (count - lastCount) * 1000 / elapsedMs;
    next = (next + 1) % SAMPLES;
    filled = Math.min(SAMPLES, filled + 1);
    lastSampleMs = nowMs;
    lastCount = count;
  }

  /** Mean of the sampled rates; 0 before the first interval. */
  public synchronized long ratePerSec() {
    if (filled == 0) {
      return 0;
    }
    long sum = 0;
    for (int i = 0; i < filled; i++) {
      sum += ratesPerSec[i];
    }
    return sum / filled;
  }

  /** Forgets all samples (CONFIG RESETSTAT). */
  public synchronized void reset() {
    java.util.Arrays.fill(ratesPerSec, 0);
    next = 0;
    filled = 0;
    lastSampleMs = Long.MIN_VALUE;
    lastCount = 0;
  }
}
