package dev.tide.autoscaler.policy;

import dev.tide.autoscaler.signals.Signals;

/**
 * Predictive scaling: forecast the offered load with additive Holt-Winters (level + trend +
 * seasonal component) and scale out ahead of a predicted rise, by the lead time new capacity needs
 * (start-up plus data movement).
 *
 * <p>Load is averaged into buckets ({@code bucketMs}, default 5 min); a season is
 * {@code seasonBuckets} buckets (default one day). The first full season initialises the model
 * (level = its mean, trend = 0, seasonal = deviation from the mean); after that every closed bucket
 * updates it with the smoothing factors alpha (level), beta (trend), gamma (seasonal).
 *
 * <p>Forecast error is tracked: each forecast made for a bucket {@code h} buckets ahead is kept and
 * scored when that bucket closes, as an exponentially weighted mean absolute percentage error
 * (weight {@link #ERROR_WEIGHT}). While the error is above {@code maxError} the policy backs off
 * (abstains, saying why); otherwise it votes {@code ceil(peak forecast over the horizon × (1 + error)
 * / targetOpsPerNode)} when that is more than the current size. It never asks for scale-in: a wrong
 * low forecast must not take capacity away — the reactive policies do that.
 */
public final class Predictive implements Policy {

  /** Weight of the newest error in the error mean: about the last 10 scored forecasts. */
  static final double ERROR_WEIGHT = 0.1;
  /** Forecasts scored before the error is trusted (below this the policy abstains). */
  static final int MIN_SCORED = 6;
  /** Bound on the season length (288 five-minute buckets is a day; a week of them is 2016). */
  public static final int MAX_SEASON_BUCKETS = 10_080;

  private final String name;
  private final long bucketMs;
  private final int season;
  private final int horizon;
  private final double alpha;
  private final double beta;
  private final double gamma;
  private final double targetOpsPerNode;
  private final double maxError;

  private final double[] seasonal;
  private final double[] forecastFor; // forecast made for bucket b, at index b mod horizon+1
  private final long[] forecastBucket;
  private double level;
  private double trend;
  private int initialised; // buckets of the first season seen
  private boolean ready;
  private long bucket = Long.MIN_VALUE;
  private double bucketSum;
  private int bucketCount;
  private double error;
  private int scored;

  public Predictive(String name, long bucketMs, int seasonBuckets, long leadTimeMs, double alpha, double beta,
      double gamma, double targetOpsPerNode, double maxError) {
    if (bucketMs <= 0 || seasonBuckets < 2 || seasonBuckets > MAX_SEASON_BUCKETS || leadTimeMs < 0
        || !(targetOpsPerNode > 0) || !(maxError > 0)) {
      throw new IllegalArgumentException("bad predictive parameters");
    }
    this.name = name;
    this.bucketMs = bucketMs;
    this.season = seasonBuckets;
    this.horizon = (int) Math.max(1, Math.min(seasonBuckets, (leadTimeMs + bucketMs - 1) / bucketMs));
    this.alpha = alpha;
    this.beta = beta;
    this.gamma = gamma;
    this.targetOpsPerNode = targetOpsPerNode;
    this.maxError = maxError;
    this.seasonal = new double[seasonBuckets];
    this.forecastFor = new double[horizon + 1];
    this.forecastBucket = new long[horizon + 1];
    java.util.Arrays.fill(forecastBucket, Long.MIN_VALUE);
  }

  @Override
  public String name() {
    return name;
  }

  /** The tracked forecast error (mean absolute percentage error as a fraction), NaN before scoring. */
  public double error() {
    return scored == 0 ? Double.NaN : error;
  }

  public boolean ready() {
    return ready;
  }

  @Override
  public Vote evaluate(Signals s, int nodes) {
    observe(s.nowMs(), s.opsPerSec());
    if (!ready) {
      return Vote.abstain(name, "learning: " + initialised + " of " + season + " buckets of the first season");
    }
    if (scored < MIN_SCORED) {
      return Vote.abstain(name, "scoring forecasts: " + scored + " of " + MIN_SCORED);
    }
    if (error > maxError) {
      return Vote.abstain(name, "backing off: forecast error " + TargetTracking.pct(error) + " > "
          + TargetTracking.pct(maxError));
    }
    double peak = 0;
    for (int k = 1; k <= horizon; k++) {
      peak = Math.max(peak, forecast(k));
    }
    int desired = (int) Math.min(Integer.MAX_VALUE / 2, Math.ceil(peak * (1 + error) / targetOpsPerNode - 1e-9));
    String why = "forecast peak " + TargetTracking.fmt(peak) + " ops/s within " + horizon * bucketMs / 1000
        + " s (error " + TargetTracking.pct(error) + "): " + desired + " nodes";
    return desired > nodes ? new Vote(name, desired, why) : Vote.abstain(name, why + ", no rise ahead");
  }

  /** The forecast {@code k} buckets after the last closed one. */
  private double forecast(int k) {
    int idx = (int) Math.floorMod(bucket - 1 + k, (long) season);
    return Math.max(0, level + k * trend + seasonal[idx]);
  }

  private void observe(long nowMs, double ops) {
    long b = Math.floorDiv(nowMs, bucketMs);
    if (bucket == Long.MIN_VALUE) {
      bucket = b;
    }
    if (b != bucket) {
      if (bucketCount > 0) {
        close(bucket, bucketSum / bucketCount);
      }
      bucket = b;
      bucketSum = 0;
      bucketCount = 0;
    }
    if (Double.isFinite(ops)) {
      bucketSum += ops;
      bucketCount++;
    }
  }

  private void close(long b, double x) {
    int idx = (int) Math.floorMod(b, (long) season);
    if (!ready) {
      seasonal[idx] = x;
      level += x;
      if (++initialised == season) {
        level /= season;
        for (int i = 0; i < season; i++) {
          seasonal[i] -= level;
        }
        ready = true;
      }
      return;
    }
    int slot = (int) Math.floorMod(b, (long) forecastFor.length);
    if (forecastBucket[slot] == b) {
      double e = Math.abs(x - forecastFor[slot]) / Math.max(x, 1e-9);
      e = Math.min(e, 10); // one wild miss must not hide the policy for ever
      error = scored == 0 ? e : error + ERROR_WEIGHT * (e - error);
      scored++;
    }
    double prevLevel = level;
    double si = seasonal[idx];
    level = alpha * (x - si) + (1 - alpha) * (level + trend);
    trend = beta * (level - prevLevel) + (1 - beta) * trend;
    seasonal[idx] = gamma * (x - level) + (1 - gamma) * si;
    long target = b + horizon;
    int tslot = (int) Math.floorMod(target, (long) forecastFor.length);
    forecastBucket[tslot] = target;
    forecastFor[tslot] = Math.max(0, level + horizon * trend + seasonal[(int) Math.floorMod(target, (long) season)]);
  }
}
