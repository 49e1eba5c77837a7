package dev.tide.autoscaler.policy;

/**
 * SLO burn-rate scaling (the multi-window alerts of Google's SRE workbook, used as triggers).
 *
 * <p>The SLO says what fraction of requests must be fast (e.g. 99.9% under 10 ms); the error budget
 * is the rest. The burn rate over a window is (slow requests / requests) / (1 - objective): 1 spends
 * the budget exactly over the SLO period. A fast burn (default 14.4× over both 1 h and 5 min)
 * scales out by {@code fastStepPercent}; a slow burn (6× over 6 h and 30 min) by
 * {@code slowStepPercent}. The short window makes the alert stop soon after the burn stops; as a
 * scaling trigger it also requires the latest bucket (10 s) to burn above the factor, since adding
 * capacity for a burn that has already stopped is waste.
 * Scale-in is allowed only while the budget is healthy: some of the SLO period's budget is left and
 * it is not being spent faster than it accrues now (burn below 1 over the fast alert's short
 * window). Otherwise the policy votes to hold the current size. The budget spent is estimated from
 * exponentially decayed request counts (time constant: the SLO period, default 30 days):
 * {@code spent = burn(decayed) × min(elapsed, period) / period}. (A stricter rule — burn below 1
 * over 6 h — held a spike's capacity for six hours in the simulator, at 5× the node-hours.)
 *
 * <p>Counts are kept in a ring of cumulative counters, one slot per {@code bucketMs} (10 s by
 * default; 6 h is 2,160 slots), so each window's sum is one subtraction. After a step fires the
 * policy repeats that target for {@code stepIntervalMs} before it may step again, since the nodes
 * it ordered need time to serve.
 */
public final class SloBurnRate implements Policy {

  /** One alert: burn above {@code factor} over both windows. */
  public record Window(long longMs, long shortMs, double factor, double stepPercent) {
  }

  /** Ring slots at most: 7 days of 10 s buckets. */
  public static final int MAX_SLOTS = 60_480;

  private final String name;
  private final double objective;
  private final long bucketMs;
  private final Window fast;
  private final Window slow;
  private final long stepIntervalMs;
  private final long periodMs;
  private double decayedTotal;
  private double decayedBad;
  private long startMs = Long.MIN_VALUE;
  private long lastMs;
  private final long[] ringTotal;
  private final long[] ringBad;
  private long cumTotal;
  private long cumBad;
  private long bucket = Long.MIN_VALUE;
  private long firstBucket;
  private long firedAtMs = Long.MIN_VALUE;
  private int firedTarget;
  private String firedReason;

  public SloBurnRate(String name, double objective, long periodMs, long bucketMs, Window fast, Window slow,
      long stepIntervalMs) {
    if (!(objective > 0 && objective < 1) || bucketMs <= 0 || periodMs <= 0) {
      throw new IllegalArgumentException("need 0 < objective < 1 and bucketMs > 0");
    }
    long longest = Math.max(fast.longMs, slow.longMs);
    int slots = (int) Math.min(MAX_SLOTS, longest / bucketMs + 2);
    if (longest / bucketMs + 2 > MAX_SLOTS) {
      throw new IllegalArgumentException("longest window / bucketMs exceeds " + MAX_SLOTS + " slots");
    }
    this.name = name;
    this.objective = objective;
    this.bucketMs = bucketMs;
    this.fast = fast;
    this.slow = slow;
    this.stepIntervalMs = stepIntervalMs;
    this.periodMs = periodMs;
    this.ringTotal = new long[slots];
    this.ringBad = new long[slots];
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Vote evaluate(dev.tide.autoscaler.signals.Signals s, int nodes) {
    record(s.nowMs(), s.requests(), s.slowRequests());
    long now = s.nowMs();
    double fastLong = burn(fast.longMs);
    double fastShort = burn(fast.shortMs);
    double slowLong = burn(slow.longMs);
    double slowShort = burn(slow.shortMs);
    String rates = "burn " + TargetTracking.fmt(fastLong) + "x/" + fast.longMs / 60_000 + "m, "
        + TargetTracking.fmt(fastShort) + "x/" + fast.shortMs / 60_000 + "m, " + TargetTracking.fmt(slowLong) + "x/"
        + slow.longMs / 60_000 + "m, " + TargetTracking.fmt(slowShort) + "x/" + slow.shortMs / 60_000 + "m";
    if (firedAtMs != Long.MIN_VALUE && now - firedAtMs < stepIntervalMs) {
      return new Vote(name, Math.max(firedTarget, 0), firedReason + " (holding while new capacity arrives)");
    }
    firedAtMs = Long.MIN_VALUE;
    // Paging alerts use two windows; a scaling trigger also needs the burn to be happening now (the
    // last full bucket), or it would add capacity for up to one short window after the cause was fixed.
    double current = burn(bucketMs);
    Window hit = fastLong >= fast.factor && fastShort >= fast.factor && current >= fast.factor ? fast
        : slowLong >= slow.factor && slowShort >= slow.factor && current >= slow.factor ? slow : null;
    if (hit != null) {
      firedAtMs = now;
      int base = s.warmNodes(); // the nodes whose latency burned the budget; pending ones are not counted twice
      firedTarget = base + Math.max(1, (int) Math.ceil(base * hit.stepPercent / 100));
      firedReason = (hit == fast ? "fast" : "slow") + " burn over " + TargetTracking.fmt(hit.factor) + "x (" + rates
          + "): +" + TargetTracking.fmt(hit.stepPercent) + "%";
      return new Vote(name, firedTarget, firedReason);
    }
    double spent = budgetSpent();
    String budget = TargetTracking.pct(Math.max(0, 1 - spent)) + " of the budget left";
    if (fastShort < 1 && spent < 1) {
      return Vote.abstain(name, "budget healthy: " + budget + " (" + rates + ")");
    }
    return new Vote(name, nodes, (spent >= 1 ? "budget spent" : "budget burning") + ": " + budget + " (" + rates
        + "): no scale-in");
  }

  /** The burn rate over the last {@code windowMs} (over what history there is, when shorter). */
  public double burn(long windowMs) {
    if (bucket == Long.MIN_VALUE) {
      return 0;
    }
    long buckets = Math.max(1, windowMs / bucketMs);
    long from = Math.max(firstBucket, bucket - buckets + 1);
    int slot = (int) Math.floorMod(from, (long) ringTotal.length);
    long total = cumTotal - ringTotal[slot];
    long bad = cumBad - ringBad[slot];
    if (total <= 0) {
      return 0;
    }
    return ((double) bad / total) / (1 - objective);
  }

  /** Fraction of the SLO period's error budget spent (decayed counts; may exceed 1). */
  public double budgetSpent() {
    if (decayedTotal <= 0) {
      return 0;
    }
    double burn = decayedBad / decayedTotal / (1 - objective);
    return burn * Math.min(lastMs - startMs, periodMs) / (double) periodMs;
  }

  private void record(long nowMs, long requests, long bad) {
    if (startMs == Long.MIN_VALUE) {
      startMs = nowMs;
      lastMs = nowMs;
    }
    double decay = Math.exp(-Math.max(0, nowMs - lastMs) / (double) periodMs);
    decayedTotal = decayedTotal * decay + requests;
    decayedBad = decayedBad * decay + bad;
    lastMs = Math.max(lastMs, nowMs);
    long b = Math.floorDiv(nowMs, bucketMs);
    if (bucket == Long.MIN_VALUE) {
      bucket = b;
      firstBucket = b;
      int slot = (int) Math.floorMod(b, (long) ringTotal.length);
      ringTotal[slot] = 0;
      ringBad[slot] = 0;
    }
    if (b > bucket) {
      // Slots of the buckets we moved into hold the cumulative counts at their start (bounded loop).
      long steps = Math.min(b - bucket, ringTotal.length);
      for (long k = b - steps + 1; k <= b; k++) {
        int slot = (int) Math.floorMod(k, (long) ringTotal.length);
        ringTotal[slot] = cumTotal;
        ringBad[slot] = cumBad;
      }
      if (b - bucket >= ringTotal.length) {
        firstBucket = b - ringTotal.length + 1;
      }
      bucket = b;
      firstBucket = Math.max(firstBucket, b - ringTotal.length + 2);
    }
    cumTotal += requests;
    cumBad += bad;
  }
}
