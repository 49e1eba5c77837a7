package dev.tide.lab.schedule;

/**
 * The intended start times of an open-loop run. Request {@code i+1} is due {@code 1/rate(t_i)}
 * seconds after request {@code i}, whatever happened to request {@code i}: the schedule never
 * waits for replies, so a stalled server cannot slow the offered load down (no coordinated
 * omission). Times are nanoseconds on the caller's clock, starting at {@code startNs}.
 *
 * <p>Not thread-safe: one scheduler thread owns it. Pure arithmetic, no clock reads.
 */
public final class OpenLoopSchedule {

  /** When the rate is 0 (a quiet second of a trace), look again this much later. */
  static final double IDLE_PROBE_SEC = 0.001;

  private final RateProfile profile;
  private final long startNs;
  private final long endNs;
  /** Seconds since start of the next request; a double so that rounding does not drift. */
  private double nextSec;

  /** @param durationNs no request is scheduled at or after {@code startNs + durationNs} */
  public OpenLoopSchedule(RateProfile profile, long startNs, long durationNs) {
    if (durationNs <= 0) {
      throw new IllegalArgumentException("duration must be > 0");
    }
    this.profile = profile;
    this.startNs = startNs;
    this.endNs = startNs + durationNs;
    this.nextSec = 0;
  }

  /**
   * The intended start time of the next request, advancing the schedule, or {@code Long.MAX_VALUE}
   * when the run's duration is over.
   */
  public long next() {
    // Less one nanosecond: summing 1/rate in floating point may land a hair below the end.
    double limitSec = (endNs - startNs) / 1e9 - 1e-9;
    while (nextSec < limitSec) {
      double rate = profile.rateAt(nextSec);
      if (rate <= 0) {
        nextSec += IDLE_PROBE_SEC;
        continue;
      }
      long at = startNs + (long) (nextSec * 1e9);
      nextSec += 1.0 / rate;
      return at;
    }
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
