package dev.tide.autoscaler.policy;

import dev.tide.autoscaler.signals.Signals;

import java.util.List;

/**
 * Step scaling: "when {@code metric} has been above (or below) {@code threshold} for
 * {@code sustainMs}, add (or remove) this many nodes". A breach must be continuous: one reading
 * back on the good side restarts its timer, so noise around a threshold does not fire.
 *
 * <p>Adjustments are relative to the warm nodes (the ones the metric describes), so capacity that
 * is ordered but not yet serving is not ordered twice, and a scale-out step waits (abstains) while
 * any ordered node is still warming: the latency it sees belongs to the smaller cluster. When a step fires, the policy keeps voting that same target for another {@code sustainMs}
 * and then re-arms: the nodes it ordered need time to start, and re-firing on every evaluation
 * while they start would order the same capacity again and again. Without a held breach the
 * policy abstains. Scale-out steps win over scale-in steps; among breaches of one direction the
 * largest adjustment wins.
 */
public final class StepScaling implements Policy {

  /**
   * One step.
   *
   * @param above      true: fires when metric > threshold (scale-out); false: metric < threshold (scale-in)
   * @param threshold  the threshold
   * @param nodes      nodes to add (positive for scale-out, removed for scale-in), at least this many
   * @param percent    or this percentage of the current size, whichever is more
   */
  public record Step(boolean above, double threshold, int nodes, double percent) {

    int adjustment(int current) {
      int n = Math.max(nodes, (int) Math.ceil(current * percent / 100.0));
      return above ? Math.max(n, 1) : -Math.max(n, 1);
    }

    boolean breached(double value) {
      return above ? value > threshold : value < threshold;
    }
  }

  /** A bound on steps, so the per-evaluation loop is short (AWS allows 20 step adjustments). */
  public static final int MAX_STEPS = 20;

  private final String name;
  private final Metric metric;
  private final long sustainMs;
  private final List<Step> steps;
  private final long[] breachSinceMs;
  private long firedAtMs = Long.MIN_VALUE;
  private int firedTarget;
  private String firedReason;

  public StepScaling(String name, Metric metric, long sustainMs, List<Step> steps) {
    if (steps.isEmpty() || steps.size() > MAX_STEPS || sustainMs < 0) {
      throw new IllegalArgumentException("need 1.." + MAX_STEPS + " steps and sustainMs >= 0");
    }
    this.name = name;
    this.metric = metric;
    this.sustainMs = sustainMs;
    this.steps = List.copyOf(steps);
    this.breachSinceMs = new long[steps.size()];
    java.util.Arrays.fill(breachSinceMs, Long.MIN_VALUE);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Vote evaluate(Signals s, int nodes) {
    long now = s.nowMs();
    double value = metric.of(s);
    Step best = null;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (s.warmNodes() == 0 || !step.breached(value)) {
        breachSinceMs[i] = Long.MIN_VALUE;
        continue;
      }
      if (breachSinceMs[i] == Long.MIN_VALUE) {
        breachSinceMs[i] = now;
      }
      if (now - breachSinceMs[i] >= sustainMs && better(step, best, nodes)) {
        best = step;
      }
    }
    if (firedAtMs != Long.MIN_VALUE && now - firedAtMs < Math.max(sustainMs, 1)) {
      return new Vote(name, firedTarget, firedReason + " (holding while new capacity arrives)");
    }
    firedAtMs = Long.MIN_VALUE;
    if (best != null && best.above && s.warmNodes() < nodes) {
      // Capacity already ordered is not serving yet: the latency seen is that of the smaller
      // cluster (and of the backlog it built), so another step now would overshoot. The breach
      // must then be held again with the new capacity serving.
      java.util.Arrays.fill(breachSinceMs, Long.MIN_VALUE);
      return Vote.abstain(name, metric.configName() + " " + TargetTracking.fmt(value) + " breached, waiting for "
          + (nodes - s.warmNodes()) + " warming nodes");
    }
    if (best == null) {
      return Vote.abstain(name, metric.configName() + " " + TargetTracking.fmt(value) + ": no threshold held "
          + sustainMs + " ms");
    }
    firedAtMs = now;
    // Relative to the warm nodes: the metric describes them, and nodes already ordered but not yet
    // serving must not be ordered again (that ratchets the cluster to its maximum during a spike).
    int base = s.warmNodes();
    firedTarget = Math.max(0, base + best.adjustment(base));
    firedReason = metric.configName() + " " + TargetTracking.fmt(value) + (best.above ? " > " : " < ")
        + TargetTracking.fmt(best.threshold) + " for " + sustainMs + " ms: " + base + " warm "
        + (best.above ? "+" : "") + best.adjustment(base);
    for (int i = 0; i < steps.size(); i++) {
      breachSinceMs[i] = Long.MIN_VALUE; // a new breach must be held again before the next step
    }
    return new Vote(name, firedTarget, firedReason);
  }

  private static boolean better(Step candidate, Step best, int nodes) {
    if (best == null) {
      return true;
    }
    if (candidate.above != best.above) {
      return candidate.above;
    }
    return Math.abs(candidate.adjustment(nodes)) > Math.abs(best.adjustment(nodes));
  }
}
