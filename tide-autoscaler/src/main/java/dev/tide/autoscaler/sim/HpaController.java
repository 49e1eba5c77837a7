package dev.tide.autoscaler.sim;

import java.util.ArrayDeque;

/**
 * Kubernetes HPA with its default behaviour, as documented for autoscaling/v2: sync every 15 s;
 * desired = ceil(current × metric / target) with a 10% tolerance; pods not ready count as 0% when
 * scaling up (so starting pods damp further scale-up); scale-up policies "100% or 4 pods per 15 s,
 * whichever is more", no scale-up stabilization; scale-down stabilization 300 s (the largest
 * recommendation of the last 5 minutes), then "100% per 15 s".
 *
 * <p>Two flavours: {@code hpa} tracks CPU (metrics-server: 15 s resolution, so 15 s averages up to
 * 15 s old, then the sync's own delay); {@code keda} is KEDA driving the same HPA with an external
 * metric — offered ops/s per replica (Prometheus scaler, AverageValue) — polled every 30 s.
 */
public final class HpaController implements Controller {

  static final long SYNC_MS = 15_000;
  static final double TOLERANCE = 0.10;
  static final long SCALE_DOWN_STABILIZATION_MS = 300_000;

  private final String name;
  private final boolean cpuMetric;
  private final double target; // CPU fraction, or ops/s per replica
  private final long metricWindowMs;
  private final long lagMs;
  private final ArrayDeque<long[]> recommendations = new ArrayDeque<>(); // {atMs, desired}
  private double windowSum;
  private int windowCount;
  private double metric = Double.NaN;
  private int metricReady;
  private long windowStartMs = Long.MIN_VALUE;
  private long nextSyncMs = SYNC_MS;

  private HpaController(String name, boolean cpuMetric, double target, long metricWindowMs, long lagMs) {
    this.name = name;
    this.cpuMetric = cpuMetric;
    this.target = target;
    this.metricWindowMs = metricWindowMs;
    this.lagMs = lagMs;
  }

  /** HPA on CPU at {@code targetCpu} (e.g. 0.7). */
  public static HpaController hpa(double targetCpu) {
    return new HpaController("hpa", true, targetCpu, 15_000, 15_000);
  }

  /** KEDA (Prometheus ops/s per replica, 30 s polling) over the HPA. */
  public static HpaController keda(double targetOpsPerReplica) {
    return new HpaController("keda", false, targetOpsPerReplica, 30_000, 30_000);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long metricLagMs() {
    return lagMs;
  }

  @Override
  public int step(long nowMs, Observation o, int provisioned) {
    // The metric pipeline: averages over fixed windows, published when a window closes.
    if (windowStartMs == Long.MIN_VALUE) {
      windowStartMs = o.atMs();
    }
    windowSum += cpuMetric ? o.cpu() : (o.readyNodes() == 0 ? o.offeredOps() : o.offeredOps() / o.readyNodes());
    windowCount++;
    if (o.atMs() - windowStartMs >= metricWindowMs) {
      metric = windowSum / windowCount;
      metricReady = o.readyNodes();
      windowSum = 0;
      windowCount = 0;
      windowStartMs = o.atMs();
    }
    if (nowMs < nextSyncMs) {
      return -1;
    }
    nextSyncMs = nowMs + SYNC_MS;
    if (Double.isNaN(metric) || metricReady == 0) {
      return -1;
    }
    int current = provisioned;
    double ratio = metric / target;
    int recommendation;
    if (Math.abs(ratio - 1) <= TOLERANCE) {
      recommendation = current;
    } else if (ratio > 1) {
      // Unready pods count as 0 usage: usage sum / (target × all pods).
      double adjusted = metric * metricReady / (target * current);
      recommendation = adjusted > 1 + TOLERANCE ? (int) Math.ceil(current * adjusted - 1e-9) : current;
    } else {
      recommendation = (int) Math.ceil(metricReady * ratio - 1e-9);
    }
    // Stabilization: scale down to the largest recommendation of the last 300 s.
    recommendations.addLast(new long[] {nowMs, recommendation});
    while (!recommendations.isEmpty() && recommendations.peekFirst()[0] < nowMs - SCALE_DOWN_STABILIZATION_MS) {
      recommendations.pollFirst();
    }
    int desired = recommendation;
    if (desired < current) {
      long max = Long.MIN_VALUE;
      for (long[] r : recommendations) {
        max = Math.max(max, r[1]);
      }
      desired = (int) Math.min(current, max);
    }
    // Rate policies per 15 s period.
    if (desired > current) {
      desired = Math.min(desired, Math.max(current * 2, current + 4));
    }
    return desired;
  }
}
