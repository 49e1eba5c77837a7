package dev.tide.autoscaler.guard;

/**
 * Guard settings (validated by {@code config.ConfigLoader}; the constructor re-checks invariants).
 *
 * @param minNodes                    never fewer nodes
 * @param maxNodes                    never more nodes
 * @param scaleOutStabilizationMs     scale out to the smallest recommendation of this window (0: at once)
 * @param scaleInStabilizationMs      scale in to the largest recommendation of this window
 * @param scaleOutCooldownMs          no scale-out sooner than this after a scale-out
 * @param scaleInCooldownMs           no scale-in sooner than this after any scaling action
 * @param maxStepOutNodes             a scale-out adds at most max(this, maxStepOutPercent of current)
 * @param maxStepOutPercent           see above
 * @param maxStepInNodes              a scale-in removes at most max(this, maxStepInPercent of current)
 * @param maxStepInPercent            see above
 * @param warmUpMs                    a new node's metrics count only after this; no scale-in while any node warms
 * @param panicEnabled                Knative-style panic mode on
 * @param panicThreshold              enter panic when the panic-window desired size >= this × warm nodes
 * @param panicHoldMs                 stay in panic this long after the last trigger (Knative: the stable window)
 * @param costLimitNodeHoursPerDay    node-hours per UTC day at most (0: no limit)
 */
public record GuardSettings(int minNodes, int maxNodes, long scaleOutStabilizationMs, long scaleInStabilizationMs,
    long scaleOutCooldownMs, long scaleInCooldownMs, int maxStepOutNodes, double maxStepOutPercent,
    int maxStepInNodes, double maxStepInPercent, long warmUpMs, boolean panicEnabled, double panicThreshold,
    long panicHoldMs, double costLimitNodeHoursPerDay) {

  public GuardSettings {
    if (minNodes < 1 || maxNodes < minNodes) {
      throw new IllegalArgumentException("need 1 <= minNodes <= maxNodes");
    }
    if (scaleOutStabilizationMs < 0 || scaleInStabilizationMs < 0 || scaleOutCooldownMs < 0 || scaleInCooldownMs < 0
        || warmUpMs < 0 || panicHoldMs < 0) {
      throw new IllegalArgumentException("durations must be >= 0");
    }
    if (maxStepOutNodes < 1 || maxStepInNodes < 1 || maxStepOutPercent < 0 || maxStepInPercent < 0
        || maxStepInPercent > 100) {
      throw new IllegalArgumentException("max steps must be >= 1 node and percentages >= 0 (scale-in <= 100)");
    }
    if (panicEnabled && !(panicThreshold > 1)) {
      throw new IllegalArgumentException("panicThreshold must be > 1");
    }
    if (costLimitNodeHoursPerDay < 0) {
      throw new IllegalArgumentException("costLimitNodeHoursPerDay must be >= 0");
    }
  }
}
