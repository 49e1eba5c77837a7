/**
 * Scaling policies. Each {@link dev.tide.autoscaler.policy.Policy} looks at the smoothed signals
 * and votes a desired node count with a reason, or abstains.
 * {@link dev.tide.autoscaler.policy.Composition} combines votes: the largest desired size wins for
 * scale-out, and a scale-in happens only when every voting policy wants fewer nodes (which is the
 * same as taking the largest vote, and is why a policy that has no opinion must abstain rather
 * than vote the current size).
 *
 * <p>Policies: {@link dev.tide.autoscaler.policy.TargetTracking} (the HPA formula with a tolerance
 * band), {@link dev.tide.autoscaler.policy.StepScaling} (thresholds held for a sustained period),
 * {@link dev.tide.autoscaler.policy.Scheduled} (cron-like minimum sizes),
 * {@link dev.tide.autoscaler.policy.Predictive} (Holt-Winters forecast with tracked error and
 * back-off) and {@link dev.tide.autoscaler.policy.SloBurnRate} (multi-window burn-rate alerts as
 * scaling triggers). All take time as an argument; none reads a clock.
 */
package dev.tide.autoscaler.policy;
