package dev.tide.autoscaler.signals;

/**
 * Two smoothed views of the same signals: {@code stable} (long time constant, for ordinary
 * decisions) and {@code panic} (short one, to notice sudden spikes), as Knative's stable and panic
 * windows. Request counts are passed through unsmoothed (the burn-rate policy keeps its own windows).
 *
 * <p>Latency is smoothed in log space ({@code exp(ewma(ln(p99 + 0.001)))}): latency spans orders of
 * magnitude, and a linear average of a 10 s stall would read "over the SLO" for minutes after the
 * stall ended, while the log average forgets it in a few time constants.
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
        logSmooth(stableP99, t, raw.p99Ms()), stableQueue.update(t, raw.queueDepth()));
    Signals panic = raw.withMetrics(panicOps.update(t, raw.opsPerSec()), panicCpu.update(t, raw.cpu()),
        logSmooth(panicP99, t, raw.p99Ms()), panicQueue.update(t, raw.queueDepth()));
    return new View(raw, stable, panic);
  }

  /** Offset that keeps the logarithm finite at zero latency (1 µs). */
  private static final double LOG_OFFSET_MS = 0.001;

  private static double logSmooth(Smoother s, long t, double p99Ms) {
    return Math.exp(s.update(t, Math.log(Math.max(0, p99Ms) + LOG_OFFSET_MS))) - LOG_OFFSET_MS;
  }
}
