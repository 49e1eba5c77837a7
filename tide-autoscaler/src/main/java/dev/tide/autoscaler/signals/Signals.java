package dev.tide.autoscaler.signals;

/**
 * Cluster-wide signals at one instant: the inputs of one evaluation.
 *
 * @param nowMs          when the signals were read
 * @param nodes          provisioned nodes: serving, starting, or receiving data (not draining)
 * @param warmNodes      nodes past their warm-up whose metrics count
 * @param opsPerSec      offered load over all warm nodes, operations per second (including queued work)
 * @param cpu            mean CPU utilisation of the warm nodes, 0..1
 * @param p99Ms          server-side p99 latency, milliseconds
 * @param queueDepth     requests waiting, summed over warm nodes
 * @param requests       requests completed in the interval since the previous reading
 * @param slowRequests   of those, requests over the SLO's latency threshold or failed
 */
public record Signals(long nowMs, int nodes, int warmNodes, double opsPerSec, double cpu, double p99Ms,
    double queueDepth, long requests, long slowRequests) {

  public Signals {
    if (nodes < 0 || warmNodes < 0 || warmNodes > nodes) {
      throw new IllegalArgumentException("need 0 <= warmNodes <= nodes: nodes=" + nodes + " warm=" + warmNodes);
    }
    if (requests < 0 || slowRequests < 0 || slowRequests > requests) {
      throw new IllegalArgumentException("need 0 <= slowRequests <= requests: " + slowRequests + "/" + requests);
    }
  }

  /** Offered operations per second per warm node (0 when no node is warm). */
  public double opsPerNode() {
    return warmNodes == 0 ? opsPerSec : opsPerSec / warmNodes;
  }

  /** The same signals with the metric values replaced by smoothed ones. */
  public Signals withMetrics(double ops, double cpuValue, double p99, double queue) {
    return new Signals(nowMs, nodes, warmNodes, ops, cpuValue, p99, queue, requests, slowRequests);
  }
}
