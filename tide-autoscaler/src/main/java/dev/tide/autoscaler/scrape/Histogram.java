package dev.tide.autoscaler.scrape;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cumulative Prometheus histogram: counts of observations {@code <= le} per bucket bound,
 * summed over series (every command's latency histogram has the same bounds). Two scrapes give the
 * histogram of the interval between them ({@link #minus}); {@link #quantile} and {@link #countAbove}
 * read it as Prometheus's {@code histogram_quantile} does: linear interpolation inside a bucket,
 * the lowest bucket starting at 0, a rank in the {@code +Inf} bucket answered with the largest
 * finite bound.
 */
public final class Histogram {

  /** An empty histogram. */
  public static final Histogram EMPTY = new Histogram(new double[] {Double.POSITIVE_INFINITY}, new double[] {0});

  private final double[] bounds;
  private final double[] cumulative;

  private Histogram(double[] bounds, double[] cumulative) {
    this.bounds = bounds;
    this.cumulative = cumulative;
  }

  /** Builds one from {@code le -> cumulative count}; adds an empty {@code +Inf} bucket if missing. */
  public static Histogram of(Map<Double, Double> buckets) {
    TreeMap<Double, Double> sorted = new TreeMap<>(buckets);
    if (!sorted.containsKey(Double.POSITIVE_INFINITY)) {
      sorted.put(Double.POSITIVE_INFINITY, sorted.isEmpty() ? 0 : sorted.lastEntry().getValue());
    }
    double[] b = new double[sorted.size()];
    double[] c = new double[sorted.size()];
    int i = 0;
    for (var e : sorted.entrySet()) {
      b[i] = e.getKey();
      c[i] = e.getValue();
      i++;
    }
    return new Histogram(b, c);
  }

  /** Observations in all. */
  public double count() {
    return cumulative[cumulative.length - 1];
  }

  /**
   * The histogram of the observations since {@code earlier}. A bucket that went down means the node
   * restarted (counters reset): then this histogram is the whole interval's, as Prometheus's
   * {@code rate} treats a reset.
   */
  public Histogram minus(Histogram earlier) {
    if (earlier == null || !Arrays.equals(bounds, earlier.bounds)) {
      return this;
    }
    double[] d = new double[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      d[i] = cumulative[i] - earlier.cumulative[i];
      if (d[i] < 0) {
        return this;
      }
    }
    return new Histogram(bounds, d);
  }

  /** The {@code q}-quantile (0..1) in the histogram's unit; 0 when empty. */
  public double quantile(double q) {
    double total = count();
    if (total <= 0) {
      return 0;
    }
    double rank = q * total;
    for (int i = 0; i < bounds.length; i++) {
      if (cumulative[i] >= rank) {
        if (Double.isInfinite(bounds[i])) {
          return i == 0 ? 0 : bounds[i - 1];
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        double below = i == 0 ? 0 : cumulative[i - 1];
        double inBucket = cumulative[i] - below;
        return inBucket <= 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / inBucket;
      }
    }
    return bounds.length > 1 ? bounds[bounds.length - 2] : 0;
  }

  /** Observations above {@code threshold}, interpolating linearly inside the bucket that holds it. */
  public double countAbove(double threshold) {
    double total = count();
    for (int i = 0; i < bounds.length; i++) {
      if (threshold <= bounds[i]) {
        double lower = i == 0 ? 0 : bounds[i - 1];
        double below = i == 0 ? 0 : cumulative[i - 1];
        if (Double.isInfinite(bounds[i])) {
          return total - below; // beyond the largest bound nothing can be split
        }
        double atThreshold = below + (cumulative[i] - below) * Math.max(0, threshold - lower) / (bounds[i] - lower);
        return Math.max(0, total - atThreshold);
      }
    }
    return 0;
  }
}
