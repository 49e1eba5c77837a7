package dev.tide.lab.cluster;

import java.util.Arrays;
import java.util.List;

/**
 * The arithmetic of the failover benchmark, on a recorded timeline: acknowledgement times of a
 * writer (ascending, {@code System.nanoTime()}) and the instants at which leaders were killed.
 *
 * <p>The <b>gap</b> of a kill is the time between the last write acknowledged before the kill
 * and the first acknowledged after it: what a client writing continuously sees as "writes
 * stopped". It includes the failure detection (election timeout), the election, the client's
 * redirect-following and its retries, and up to one write's latency before the kill (the writer
 * is sequential, so an ack shortly before the kill bounds the start of the outage from below).
 * {@code resumeAfterKill} is the time from the kill to the first acknowledged write.
 */
public final class FailoverTimeline {

  /** Marks "no such acknowledgement" in a {@link Gap}. */
  public static final long NONE = Long.MIN_VALUE;

  private FailoverTimeline() {
  }

  /**
   * One kill seen on the timeline.
   *
   * @param killNs           when the kill signal was sent
   * @param lastAckBeforeNs  the last acknowledgement before writes resumed, or {@link #NONE}
   * @param firstAckAfterNs  the first acknowledgement after the kill, or {@link #NONE} (writes did not resume)
   */
  public record Gap(long killNs, long lastAckBeforeNs, long firstAckAfterNs) {

    public boolean resumed() {
      return firstAckAfterNs != NONE;
    }

    /** Last ack before → first ack after, in ms; NaN when either is missing. */
    public double gapMs() {
      return lastAckBeforeNs == NONE || firstAckAfterNs == NONE ? Double.NaN
          : (firstAckAfterNs - lastAckBeforeNs) / 1e6;
    }

    /** Kill → first ack after, in ms; NaN when writes did not resume. */
    public double resumeAfterKillMs() {
      return firstAckAfterNs == NONE ? Double.NaN : (firstAckAfterNs - killNs) / 1e6;
    }
  }

  /**
   * The gap around {@code killNs} in the first {@code count} entries of {@code acksNs}.
   *
   * @throws IllegalArgumentException when the acknowledgements are not in ascending order
   */
  public static Gap gap(long[] acksNs, int count, long killNs) {
    if (count < 0 || count > acksNs.length) {
      throw new IllegalArgumentException("count " + count + " outside 0.." + acksNs.length);
    }
    for (int i = 1; i < count; i++) {
      if (acksNs[i] < acksNs[i - 1]) {
        throw new IllegalArgumentException("acknowledgements out of order at " + i + ": " + acksNs[i - 1] + " then "
            + acksNs[i]);
      }
    }
    int lo = firstAfter(acksNs, count, killNs);
    long before = lo == 0 ? NONE : acksNs[lo - 1];
    long after = lo == count ? NONE : acksNs[lo];
    return new Gap(killNs, before, after);
  }

  /**
   * The gap around a kill when the writer records which node acknowledged each write: the first
   * acknowledgement after {@code killNs} that did <em>not</em> come from the killed node, and the
   * last acknowledgement before that one (which may come after the signal: a reply the victim
   * sent before it died). So the kill instant can be taken when the signal is sent, without
   * counting the victim's last in-flight replies as "writes resumed".
   *
   * @param ackNodes the node of each acknowledgement (same indexes as {@code acksNs})
   * @param victim   the killed node's index in {@code ackNodes}' numbering
   */
  public static Gap gap(long[] acksNs, byte[] ackNodes, int count, long killNs, int victim) {
    Gap plain = gap(acksNs, count, killNs); // checks the order
    if (!plain.resumed()) {
      return plain;
    }
    int i = firstAfter(acksNs, count, killNs);
    while (i < count && ackNodes[i] == victim) {
      i++;
    }
    if (i == count) {
      return new Gap(killNs, count == 0 ? NONE : acksNs[count - 1], NONE);
    }
    return new Gap(killNs, i == 0 ? NONE : acksNs[i - 1], acksNs[i]);
  }

  /** Index of the first acknowledgement strictly after {@code t}, or {@code count}. */
  private static int firstAfter(long[] acksNs, int count, long t) {
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (acksNs[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Summary of gap samples (ms).
   *
   * @param withinTarget samples at or below the target ({@link #TARGET_MS})
   */
  public record Distribution(int samples, double minMs, double p50Ms, double p90Ms, double maxMs, int withinTarget) {
  }

  /** The target: writes to the affected partitions resume within 1 s on loopback. */
  public static final double TARGET_MS = 1_000;

  /**
   * Min, nearest-rank p50 and p90, max, and how many samples met {@link #TARGET_MS}. NaN samples
   * (writes that never resumed) count as above every value: they make the high percentiles NaN
   * rather than disappear.
   */
  public static Distribution distribution(List<Double> gapsMs) {
    int n = gapsMs.size();
    if (n == 0) {
      return new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double[] sorted = new double[n];
    int within = 0;
    for (int i = 0; i < n; i++) {
      double v = gapsMs.get(i);
      sorted[i] = Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
      if (v <= TARGET_MS) {
        within++;
      }
    }
    Arrays.sort(sorted);
    return new Distribution(n, nan(sorted[0]), nan(percentile(sorted, 50)), nan(percentile(sorted, 90)),
        nan(sorted[n - 1]), within);
  }

  /** Nearest-rank percentile of ascending values: the smallest value with at least p% of the samples at or below it. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double nan(double v) {
    return Double.isInfinite(v) ? Double.NaN : v;
  }
}
