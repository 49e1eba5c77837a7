package dev.tide.autoscaler.signals;

import java.util.List;

/**
 * Per-node samples to cluster-wide {@link Signals}. Nodes younger than the warm-up time count as
 * provisioned but their metrics are left out (a cold node's CPU and latency describe start-up, not
 * load); requests and slow requests are counted from every node, since users feel them all.
 */
public final class SignalAggregator {

  private final long warmUpMs;

  public SignalAggregator(long warmUpMs) {
    if (warmUpMs < 0) {
      throw new IllegalArgumentException("warmUpMs must be >= 0");
    }
    this.warmUpMs = warmUpMs;
  }

  public Signals aggregate(long nowMs, List<NodeSample> samples) {
    int warm = 0;
    double ops = 0;
    double cpu = 0;
    double p99 = 0;
    double queue = 0;
    long requests = 0;
    long slow = 0;
    for (NodeSample s : samples) {
      requests += s.requests();
      slow += Math.min(s.slowRequests(), s.requests());
      if (nowMs - s.startedAtMs() < warmUpMs) {
        continue;
      }
      warm++;
      ops += s.opsPerSec();
      cpu += s.cpu();
      p99 = Math.max(p99, s.p99Ms()); // the worst node: a client routed there feels it
      queue += s.queueDepth();
    }
    return new Signals(nowMs, samples.size(), warm, ops, warm == 0 ? 0 : cpu / warm, p99, queue, requests, slow);
  }
}
