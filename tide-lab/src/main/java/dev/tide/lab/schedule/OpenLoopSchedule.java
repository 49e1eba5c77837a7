package dev.tide.lab.schedule;

/**
 * The intended start times of an open-loop run. Request {@code i+1} is due {@code 1/rate(t_i)}
 * seconds after request {@code i}, whatever happened to request {@code i}: the schedule never
 * waits for replies, so a stalled server cannot slow the offered load down (no coordinated
 * omission). Times are nanoseconds on the caller's clock, starting at {@code startNs}.
 * Work per call is bounded by {@code 1 / (rate · STEP_SEC)} steps for slow rates, one step above
 * 1,000 ops/s.
 *
 * <p>Not thread-safe: one scheduler thread owns it. Pure arithmetic, no clock reads.
 */
public final class OpenLoopSchedule {

  /**
   * Integration step: the rate is integrated in steps of at most 1 ms, so that slow or changing
   * rates (a ramp from 0, a quiet second in a trace) are followed closely; above 1,000 ops/s
   * every request is one step.
   */
  static final double STEP_SEC = 0.001;

  private final RateProfile profile;
  private final long startNs;
  private final long endNs;
  /** Seconds since start of the last request issued (or of the integration point). */
  private double nowSec;
  /** Fraction of the next request accumulated so far; starts full, so a request is due at the start. */
  private double credit = 1;

  /** @param durationNs no request is scheduled at or after {@code startNs + durationNs} */
  public OpenLoopSchedule(RateProfile profile, long startNs, long durationNs) {
    if (durationNs <= 0) {
      throw new IllegalArgumentException("duration must be > 0");
    }
    this.profile = profile;
    this.startNs = startNs;
    this.endNs = startNs + durationNs;
  }

  /**
   * The intended start time of the next request, advancing the schedule, or {@code Long.MAX_VALUE}
   * when the run's duration is over. The n-th request is due when the integral of the rate from
   * the start reaches n - 1.
   */
  public long next() {
    // Less one nanosecond: summing 1/rate in floating point may land a hair below the end.
    double limitSec = (endNs - startNs) / 1e9 - 1e-9;
    while (nowSec < limitSec) {
      double rate = profile.rateAt(nowSec);
      if (rate > 0) {
        double dt = (1 - credit) / rate;
        if (dt <= STEP_SEC) {
          double at = nowSec + dt;
          if (at >= limitSec) {
            break;
          }
          nowSec = at;
          credit = 0;
          return startNs + (long) (at * 1e9);
        }
      }
      credit += rate * STEP_SEC;
      nowSec += STEP_SEC;
    }
    nowSec = limitSec;
    return Long.MAX_VALUE;
  }

  /** How many requests the profile asks for in {@code [0, tSec)}: the reference for accuracy checks. */
  public static long intendedCount(RateProfile profile, double tSec) {
    OpenLoopSchedule s = new OpenLoopSchedule(profile, 0, (long) (tSec * 1e9));
    long n = 0;
    while (s.next() != Long.MAX_VALUE) {
      n++;
    }
    return n;
  }

  public long startNs() {
    return startNs;
  }

  public long endNs() {
    return endNs;
  }
}
