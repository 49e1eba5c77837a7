package dev.tide.autoscaler.sim;

import dev.tide.autoscaler.Autoscaler;
import dev.tide.autoscaler.config.AutoscalerConfig;
import dev.tide.autoscaler.decision.Decision;
import dev.tide.autoscaler.decision.DecisionLog;
import dev.tide.autoscaler.signals.Signals;

/**
 * Tide's autoscaler in the simulator: the real {@link Autoscaler}, fed {@link Signals} built from
 * the model's observations exactly as the live loop will build them from node metrics (metrics read
 * every second; lag 2 s: one interval of aggregation plus one of scraping).
 */
public final class TideController implements Controller {

  /** Tide reads node metrics every second; a reading describes the previous second. */
  public static final long METRIC_LAG_MS = 2_000;

  private final Autoscaler autoscaler;
  private final long intervalMs;
  private long nextMs = Long.MIN_VALUE;
  private long requests;
  private long slow;

  public TideController(AutoscalerConfig config, DecisionLog log) {
    this.autoscaler = new Autoscaler(config, log);
    this.intervalMs = config.evaluationIntervalMs();
  }

  @Override
  public String name() {
    return "tide";
  }

  @Override
  public long metricLagMs() {
    return METRIC_LAG_MS;
  }

  @Override
  public int step(long nowMs, Observation o, int provisioned) {
    requests += o.requests();
    slow += o.slow();
    if (nextMs != Long.MIN_VALUE && nowMs < nextMs) {
      return -1;
    }
    nextMs = nowMs + intervalMs;
    int warm = Math.min(o.readyNodes(), provisioned);
    Signals s = new Signals(nowMs, provisioned, warm, o.offeredOps(), o.cpu(), o.p99Ms(), o.backlog(), requests, slow);
    requests = 0;
    slow = 0;
    Decision d = autoscaler.evaluate(s);
    return d.target();
  }
}
