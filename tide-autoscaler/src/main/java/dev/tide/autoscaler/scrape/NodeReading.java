package dev.tide.autoscaler.scrape;

import dev.tide.autoscaler.signals.NodeSample;

/**
 * One node's figures over the interval between two scrapes.
 *
 * @param nodeId          the node (its metrics address)
 * @param intervalMs      time between the two scrapes
 * @param opsPerSec       offered load: commands run per second, plus the growth of the capacity queue
 * @param cpu             process CPU, share of all cores 0..1 (NaN when the node does not export it)
 * @param memoryBytes     used memory (the data)
 * @param p99Ms           p99 server-side latency of the interval: p99 of running + p99 of waiting for a
 *                        capacity token (an upper bound of the p99 of their sum; the second is 0 without a capacity)
 * @param connections     open client connections
 * @param errorsPerSec    error replies per second (all codes)
 * @param queueDepth      commands waiting for a capacity token now
 * @param requests        commands run in the interval
 * @param slowRequests    of those, over the SLO latency (running or waiting) or failed by the service
 * @param startedAtMs     when the node process started (now - uptime)
 */
public record NodeReading(String nodeId, long intervalMs, double opsPerSec, double cpu, double memoryBytes,
    double p99Ms, double connections, double errorsPerSec, double queueDepth, long requests, long slowRequests,
    long startedAtMs) {

  /**
   * The interval between two snapshots of the same node.
   *
   * @param nowMs         when {@code current} was read
   * @param intervalMs    since {@code previous} was read (> 0)
   * @param sloLatencyMs  a request slower than this is slow for the SLO
   */
  public static NodeReading between(String nodeId, NodeSnapshot previous, NodeSnapshot current, long nowMs,
      long intervalMs, double sloLatencyMs) {
    if (intervalMs <= 0) {
      throw new IllegalArgumentException("intervalMs must be > 0");
    }
    double seconds = intervalMs / 1000.0;
    double commands = delta(previous.commands(), current.commands());
    Histogram lat = current.latency().minus(previous.latency());
    Histogram wait = current.queueDelay().minus(previous.queueDelay());
    double queueGrowth = Math.max(0, current.queuedCommands() - previous.queuedCommands());
    double ops = (commands + queueGrowth) / seconds;
    double p99Ms = (lat.quantile(0.99) + wait.quantile(0.99)) * 1000;
    long requests = Math.round(lat.count());
    double slow = lat.countAbove(sloLatencyMs / 1000) + wait.countAbove(sloLatencyMs / 1000)
        + delta(previous.serverErrors(), current.serverErrors());
    long slowRequests = Math.min(requests, Math.round(slow));
    double errorsPerSec = delta(previous.errors(), current.errors()) / seconds;
    long started = Double.isNaN(current.uptimeSeconds()) ? Long.MIN_VALUE / 2
        : nowMs - Math.round(current.uptimeSeconds() * 1000);
    return new NodeReading(nodeId, intervalMs, ops, current.cpu(), current.usedMemoryBytes(), p99Ms,
        current.connections(), errorsPerSec, current.queuedCommands(), requests, slowRequests, started);
  }

  /** Counter increase; a counter that went down was reset (node restarted): its value is the increase. */
  static double delta(double before, double after) {
    return after >= before ? after - before : after;
  }

  /** The sample the signal aggregator takes. */
  public NodeSample toSample() {
    return new NodeSample(nodeId, startedAtMs, opsPerSec, Double.isNaN(cpu) ? 0 : cpu,
        Double.isNaN(memoryBytes) ? 0 : (long) memoryBytes, p99Ms, queueDepth, (int) connections, requests,
        slowRequests);
  }
}
