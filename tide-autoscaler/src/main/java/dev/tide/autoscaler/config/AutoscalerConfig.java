package dev.tide.autoscaler.config;

import dev.tide.autoscaler.guard.GuardSettings;
import dev.tide.autoscaler.policy.Metric;
import dev.tide.autoscaler.policy.Scheduled;
import dev.tide.autoscaler.policy.StepScaling;

import java.util.List;

/**
 * The validated configuration. Optional policies are null when not configured.
 *
 * @param evaluationIntervalMs  how often the live loop evaluates (the simulator evaluates at this interval too)
 * @param stableWindowMs        time constant of the stable smoothing view
 * @param panicWindowMs         time constant of the panic smoothing view
 * @param guards                guard settings (including min/max nodes and warm-up)
 * @param targetTracking        target tracking, or null
 * @param stepScaling           step scaling, or null
 * @param schedule              scheduled minimums (empty: none)
 * @param predictive            predictive scaling, or null
 * @param sloBurnRate           SLO burn-rate scaling, or null
 * @param live                  the live loop's settings (scraping, manual scales)
 * @param kubernetes            the Kubernetes actuator's settings, or null
 */
public record AutoscalerConfig(long evaluationIntervalMs, long stableWindowMs, long panicWindowMs,
    GuardSettings guards, TargetTrackingSettings targetTracking, StepSettings stepScaling,
    List<Scheduled.Entry> schedule, PredictiveSettings predictive, SloSettings sloBurnRate, LiveSettings live,
    KubernetesSettings kubernetes) {

  /**
   * The live loop's settings.
   *
   * @param scrapeTimeoutMs  a node that has not answered its metrics scrape by then is unreachable this tick
   * @param manualHoldMs     after a manual scale, the loop takes no action for this long (0: only the guards' cooldowns)
   */
  public record LiveSettings(long scrapeTimeoutMs, long manualHoldMs) {
  }

  /** The Kubernetes actuator's settings (see {@code actuator.KubernetesActuator.Settings}). */
  public record KubernetesSettings(String namespace, String statefulSet, String service, String clusterDomain,
      int clientPort, int metricsPort, long drainTimeoutMs, long drainPollMs) {
  }

  /** The SLO's latency threshold (ms): the burn-rate policy's, or 10 ms without one. */
  public double sloLatencyMs() {
    return sloBurnRate != null ? sloBurnRate.latencyMs() : 10;
  }

  /** The SLO's objective: the burn-rate policy's, or 99.9% without one. */
  public double sloObjective() {
    return sloBurnRate != null ? sloBurnRate.objective() : 0.999;
  }

  /** Target tracking settings. */
  public record TargetTrackingSettings(Metric metric, double target, double tolerance) {
  }

  /** Step scaling settings. */
  public record StepSettings(Metric metric, long sustainMs, List<StepScaling.Step> steps) {
  }

  /** Predictive settings (see {@code policy.Predictive}). */
  public record PredictiveSettings(long bucketMs, int seasonBuckets, long leadTimeMs, double alpha, double beta,
      double gamma, double targetOpsPerNode, double maxError) {
  }

  /** SLO burn-rate settings (see {@code policy.SloBurnRate}). */
  public record SloSettings(double objective, double latencyMs, long periodMs, long bucketMs, long fastLongMs, long fastShortMs,
      double fastFactor, double fastStepPercent, long slowLongMs, long slowShortMs, double slowFactor,
      double slowStepPercent, long stepIntervalMs) {
  }

  /**
   * Tide's default policy for nodes that each serve about {@code capacityOpsPerSec} operations per
   * second: track 70% of capacity (10% tolerance), add 25% when p99 stays above 80% of the SLO
   * latency for 10 s, SLO burn-rate alerts, predictive on a daily season, panic mode, scale-in
   * stabilized over 2 minutes. These are the values the simulator's "tide" policy runs.
   */
  public static AutoscalerConfig defaults(double capacityOpsPerSec, int minNodes, int maxNodes, double sloLatencyMs,
      long warmUpMs) {
    double target = 0.7 * capacityOpsPerSec;
    GuardSettings guards = new GuardSettings(minNodes, maxNodes, 0, 120_000, 0, 15_000, 4, 300, 1, 50, warmUpMs,
        true, 2.0, 60_000, 0);
    return new AutoscalerConfig(1_000, 60_000, 6_000, guards,
        new TargetTrackingSettings(Metric.OPS_PER_NODE, target, 0.1),
        new StepSettings(Metric.P99_MS, 10_000, List.of(new StepScaling.Step(true, 0.8 * sloLatencyMs, 1, 25))),
        List.of(),
        new PredictiveSettings(300_000, 288, 600_000, 0.3, 0.05, 0.3, target, 0.2),
        new SloSettings(0.999, sloLatencyMs, 30 * 86_400_000L, 10_000, 3_600_000, 300_000, 14.4, 50, 21_600_000, 1_800_000, 6, 20,
            60_000),
        new LiveSettings(1_000, 300_000), null);
  }
}
