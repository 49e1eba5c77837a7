package dev.tide.autoscaler.sim;

/**
 * Knative's KPA with its defaults: a tick every 2 s; desired = ceil(average demand / target per
 * pod) over a 60 s stable window and a 6 s panic window (10% of stable); panic when the panic
 * desired size is at least 2× the ready pods; in panic the size never goes down; panic ends after
 * a stable window without the condition; scale-up at most 1000× and scale-down at most ÷2 per
 * tick; scale-down delay 0. Metrics are scraped every second from the pods (demand including
 * queued requests), so they lag about a second.
 */
public final class KnativeController implements Controller {

  static final long TICK_MS = 2_000;
  static final int STABLE_SECONDS = 60;
  static final int PANIC_SECONDS = 6;
  static final double PANIC_THRESHOLD = 2.0;
  static final double MAX_SCALE_DOWN_RATE = 2.0;

  private final double targetOpsPerPod;
  private final double[] ring = new double[STABLE_SECONDS];
  private int seen;
  private long nextTickMs = TICK_MS;
  private long panicSinceMs = Long.MIN_VALUE;
  private int maxPanicPods;

  public KnativeController(double targetOpsPerPod) {
    this.targetOpsPerPod = targetOpsPerPod;
  }

  @Override
  public String name() {
    return "knative";
  }

  @Override
  public long metricLagMs() {
    return 1_000;
  }

  @Override
  public int step(long nowMs, Observation o, int provisioned) {
    ring[seen % STABLE_SECONDS] = o.offeredOps();
    seen++;
    if (nowMs < nextTickMs) {
      return -1;
    }
    nextTickMs = nowMs + TICK_MS;
    int n = Math.min(seen, STABLE_SECONDS);
    int np = Math.min(seen, PANIC_SECONDS);
    double stableSum = 0;
    double panicSum = 0;
    for (int i = 0; i < n; i++) {
      double v = ring[Math.floorMod(seen - 1 - i, STABLE_SECONDS)];
      stableSum += v;
      if (i < np) {
        panicSum += v;
      }
    }
    int desiredStable = (int) Math.ceil(stableSum / n / targetOpsPerPod - 1e-9);
    int desiredPanic = (int) Math.ceil(panicSum / np / targetOpsPerPod - 1e-9);
    int readyPods = Math.max(1, o.readyNodes());
    boolean trigger = desiredPanic / (double) readyPods >= PANIC_THRESHOLD;
    if (trigger) {
      if (panicSinceMs == Long.MIN_VALUE) {
        maxPanicPods = provisioned;
      }
      panicSinceMs = nowMs;
    } else if (panicSinceMs != Long.MIN_VALUE && nowMs - panicSinceMs >= STABLE_SECONDS * 1_000L) {
      panicSinceMs = Long.MIN_VALUE;
    }
    int desired;
    if (panicSinceMs != Long.MIN_VALUE) {
      desired = Math.max(desiredPanic, maxPanicPods);
      maxPanicPods = desired;
    } else {
      desired = desiredStable;
    }
    int minAllowed = (int) Math.ceil(readyPods / MAX_SCALE_DOWN_RATE);
    desired = Math.max(desired, Math.min(minAllowed, provisioned));
    return Math.min(desired, readyPods * 1_000);
  }
}
