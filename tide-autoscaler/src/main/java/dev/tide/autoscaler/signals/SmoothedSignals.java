package dev.tide.autoscaler.signals;

/**
 * Two smoothed views of the same signals: {@code stable} (long time constant, for ordinary
 * decisions) and {@code panic} (short one, to notice sudden spikes), as Knative's stable and panic
 * windows. Request counts are passed through unsmoothed (the burn-rate policy keeps its own windows).
 */
public final class SmoothedSignals {

  private final Smoother stableOps;
  private final Smoother stableCpu;
  private final Smoother stableP99;
  private final Smoother stableQueue;
  private final Smoother panicOps;
  private final Smoother panicCpu;
  private final Smoother panicP99;
  private final Smoother panicQueue;

  /** Both views of one reading. */
  public record View(Signals raw, Signals stable, Signals panic) {
  }

  public SmoothedSignals(long stableTauMs, long panicTauMs) {
    stableOps = new Smoother(stableTauMs);
    stableCpu = new Smoother(stableTauMs);
    stableP99 = new Smoother(stableTauMs);
    stableQueue = new Smoother(stableTauMs);
    panicOps = new Smoother(panicTauMs);
    panicCpu = new Smoother(panicTauMs);
    panicP99 = new Smoother(panicTauMs);
    panicQueue = new Smoother(panicTauMs);
  }

  public View update(Signals raw) {
    long t = raw.nowMs();
    Signals stable = raw.withMetrics(stableOps.update(t, raw.opsPerSec()), stableCpu.update(t, raw.cpu()),
        stableP99.update(t, raw.p99Ms()), stableQueue.update(t, raw.queueDepth()));
    Signals panic = raw.withMetrics(panicOps.update(t, raw.opsPerSec()), panicCpu.update(t, raw.cpu()),
        panicP99.update(t, raw.p99Ms()), panicQueue.update(t, raw.queueDepth()));
    return new View(raw, stable, panic);
  }
}
