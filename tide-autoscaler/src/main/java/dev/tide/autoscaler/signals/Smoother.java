package dev.tide.autoscaler.signals;

/**
 * The documented smoothing filter: a time-based exponentially weighted moving average.
 *
 * <p>For a reading {@code x} taken {@code dt} after the previous one, the estimate moves by
 * {@code alpha = 1 - exp(-dt / tau)} of the distance: {@code s += alpha * (x - s)}. With readings
 * every {@code dt}, a step change reaches 63% after {@code tau} and 95% after {@code 3 tau}; unlike
 * a fixed-alpha EWMA the response does not depend on how often metrics are read (1 s or 5 s), and a
 * missed reading just means a larger {@code dt}. The first reading initialises the estimate.
 * Cost: O(1) time and memory per reading, so windows of any length are free.
 */
public final class Smoother {

  private final double tauMs;
  private double value;
  private long lastMs;
  private boolean primed;

  public Smoother(long tauMs) {
    if (tauMs <= 0) {
      throw new IllegalArgumentException("tauMs must be > 0");
    }
    this.tauMs = tauMs;
  }

  /** Adds a reading taken at {@code nowMs}; returns the smoothed value. */
  public double update(long nowMs, double x) {
    if (!Double.isFinite(x)) {
      return value; // a broken reading is ignored, never propagated
    }
    if (!primed) {
      value = x;
      lastMs = nowMs;
      primed = true;
      return value;
    }
    long dt = Math.max(0, nowMs - lastMs);
    lastMs = Math.max(lastMs, nowMs);
    double alpha = 1 - Math.exp(-dt / tauMs);
    value += alpha * (x - value);
    return value;
  }

  public double value() {
    return value;
  }

  public boolean primed() {
    return primed;
  }
}
