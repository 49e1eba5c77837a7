package dev.tide.lab.schedule;

import java.util.List;

/**
 * The wanted request rate as a function of time since the start of a run. Profiles are pure
 * functions of time, so a schedule is reproducible and testable without a clock.
 */
public sealed interface RateProfile {

  /** Upper limit for any rate: one scheduler thread cannot issue much more than this anyway. */
  double MAX_RATE_OPS_PER_SEC = 2_000_000;

  /** Wanted requests per second at {@code tSec} seconds after the start (≥ 0). */
  double rateAt(double tSec);

  /** A short text for reports, in the same syntax {@link RateProfiles#parse} accepts. */
  String describe();

  /** The same rate all the time. */
  record Constant(double rateOpsPerSec) implements RateProfile {
    public Constant {
      RateProfiles.checkRate("constant rate", rateOpsPerSec, false);
    }

    @Override
    public double rateAt(double tSec) {
      return rateOpsPerSec;
    }

    @Override
    public String describe() {
      return "constant:" + RateProfiles.fmt(rateOpsPerSec);
    }
  }

  /** Holds each rate for {@code stepSec}, in order; the last one stays until the end. */
  record Step(List<Double> ratesOpsPerSec, double stepSec) implements RateProfile {
    public Step {
      ratesOpsPerSec = List.copyOf(ratesOpsPerSec);
      if (ratesOpsPerSec.isEmpty()) {
        throw new IllegalArgumentException("step profile needs at least one rate");
      }
      ratesOpsPerSec.forEach(r -> RateProfiles.checkRate("step rate", r, true));
      if (!(stepSec > 0)) {
        throw new IllegalArgumentException("step length must be > 0");
      }
    }

    @Override
    public double rateAt(double tSec) {
      int i = (int) Math.min(ratesOpsPerSec.size() - 1, Math.floor(tSec / stepSec));
      return ratesOpsPerSec.get(Math.max(0, i));
    }

    @Override
    public String describe() {
      StringBuilder sb = new StringBuilder("step:");
      for (int i = 0; i < ratesOpsPerSec.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(RateProfiles.fmt(ratesOpsPerSec.get(i)));
      }
      return sb.append('@').append(RateProfiles.fmt(stepSec)).append('s').toString();
    }
  }

  /** Linear from {@code fromOpsPerSec} to {@code toOpsPerSec} over {@code overSec}, then flat. */
  record Ramp(double fromOpsPerSec, double toOpsPerSec, double overSec) implements RateProfile {
    public Ramp {
      RateProfiles.checkRate("ramp start", fromOpsPerSec, true);
      RateProfiles.checkRate("ramp end", toOpsPerSec, true);
      if (!(overSec > 0)) {
        throw new IllegalArgumentException("ramp length must be > 0");
      }
    }

    @Override
    public double rateAt(double tSec) {
      double f = Math.min(1, Math.max(0, tSec / overSec));
      return fromOpsPerSec + (toOpsPerSec - fromOpsPerSec) * f;
    }

    @Override
    public String describe() {
      return "ramp:" + RateProfiles.fmt(fromOpsPerSec) + ".." + RateProfiles.fmt(toOpsPerSec)
          + "@" + RateProfiles.fmt(overSec) + "s";
    }
  }

  /** {@code mean + amplitude·sin(2πt/period)}; amplitude ≤ mean so the rate never goes negative. */
  record Sine(double meanOpsPerSec, double amplitudeOpsPerSec, double periodSec) implements RateProfile {
    public Sine {
      RateProfiles.checkRate("sine mean", meanOpsPerSec, false);
      if (amplitudeOpsPerSec < 0 || amplitudeOpsPerSec > meanOpsPerSec) {
        throw new IllegalArgumentException("sine amplitude must be between 0 and the mean");
      }
      if (!(periodSec > 0)) {
        throw new IllegalArgumentException("sine period must be > 0");
      }
    }

    @Override
    public double rateAt(double tSec) {
      return meanOpsPerSec + amplitudeOpsPerSec * Math.sin(2 * Math.PI * tSec / periodSec);
    }

    @Override
    public String describe() {
      return "sine:" + RateProfiles.fmt(meanOpsPerSec) + "," + RateProfiles.fmt(amplitudeOpsPerSec) + ","
          + RateProfiles.fmt(periodSec) + "s";
    }
  }

  /** {@code base}, except {@code peak} from {@code atSec} for {@code lengthSec}. */
  record Spike(double baseOpsPerSec, double peakOpsPerSec, double atSec, double lengthSec) implements RateProfile {
    public Spike {
      RateProfiles.checkRate("spike base", baseOpsPerSec, true);
      RateProfiles.checkRate("spike peak", peakOpsPerSec, false);
      if (atSec < 0 || !(lengthSec > 0)) {
        throw new IllegalArgumentException("spike needs a start ≥ 0 and a length > 0");
      }
    }

    @Override
    public double rateAt(double tSec) {
      return tSec >= atSec && tSec < atSec + lengthSec ? peakOpsPerSec : baseOpsPerSec;
    }

    @Override
    public String describe() {
      return "spike:" + RateProfiles.fmt(baseOpsPerSec) + "," + RateProfiles.fmt(peakOpsPerSec) + ","
          + RateProfiles.fmt(atSec) + "s," + RateProfiles.fmt(lengthSec) + "s";
    }
  }

  /**
   * A replayed trace: one rate per second (for example requests per second taken from a
   * production log). After the last second the last rate holds.
   */
  record Trace(List<Double> ratesPerSecond, String source) implements RateProfile {
    /** Longest trace accepted: one day of seconds. */
    public static final int MAX_SECONDS = 86_400;

    public Trace {
      ratesPerSecond = List.copyOf(ratesPerSecond);
      if (ratesPerSecond.isEmpty() || ratesPerSecond.size() > MAX_SECONDS) {
        throw new IllegalArgumentException("a trace needs 1.." + MAX_SECONDS + " seconds of rates, got "
            + ratesPerSecond.size());
      }
      ratesPerSecond.forEach(r -> RateProfiles.checkRate("trace rate", r, true));
    }

    @Override
    public double rateAt(double tSec) {
      int i = (int) Math.min(ratesPerSecond.size() - 1, Math.max(0, Math.floor(tSec)));
      return ratesPerSecond.get(i);
    }

    @Override
    public String describe() {
      return "trace:" + source;
    }
  }
}
