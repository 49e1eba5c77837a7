package dev.tide.autoscaler.policy;

import dev.tide.autoscaler.signals.Signals;

/**
 * Target tracking: {@code desired = ceil(warm × metric / target)}, the Kubernetes HPA formula,
 * with a tolerance band: while {@code |metric / target - 1| <= tolerance} the policy holds the
 * current size (this band, with smoothing, is what stops noise from flapping the cluster).
 *
 * <p>The base is the warm node count, because the metric is an average over warm nodes; nodes still
 * starting are part of {@code nodes}, so a scale-out already under way is not ordered twice.
 */
public final class TargetTracking implements Policy {

  private final String name;
  private final Metric metric;
  private final double target;
  private final double tolerance;

  public TargetTracking(String name, Metric metric, double target, double tolerance) {
    if (!(target > 0) || !(tolerance >= 0) || tolerance >= 1) {
      throw new IllegalArgumentException("need target > 0 and 0 <= tolerance < 1");
    }
    this.name = name;
    this.metric = metric;
    this.target = target;
    this.tolerance = tolerance;
  }

  @Override
  public String name() {
    return name;
  }

  public Metric metric() {
    return metric;
  }

  @Override
  public Vote evaluate(Signals s, int nodes) {
    if (s.warmNodes() == 0) {
      return Vote.abstain(name, "no warm node to measure");
    }
    double value = metric.of(s);
    double ratio = value / target;
    if (Math.abs(ratio - 1) <= tolerance) {
      return new Vote(name, nodes, metric.configName() + " " + fmt(value) + " within " + pct(tolerance)
          + " of target " + fmt(target));
    }
    // 1e-9: ceil of a product that is an integer up to rounding must not add a node.
    int desired = (int) Math.min(Integer.MAX_VALUE / 2, Math.ceil(s.warmNodes() * ratio - 1e-9));
    return new Vote(name, Math.max(desired, 0), metric.configName() + " " + fmt(value) + " vs target " + fmt(target)
        + ": ceil(" + s.warmNodes() + " x " + fmt(ratio) + ") = " + desired);
  }

  static String fmt(double v) {
    if (Math.abs(v) >= 100) {
      return Long.toString(Math.round(v));
    }
    return Double.toString(Math.round(v * 1000) / 1000.0);
  }

  static String pct(double fraction) {
    return fmt(fraction * 100) + "%";
  }
}
