package dev.tide.autoscaler.sim;

/**
 * The simulated cluster. Defaults: {@link #defaults(int)}.
 *
 * @param capacityOpsPerNode  operations per second one node serves at 100% busy
 * @param threadsPerNode      servers per node in the M/M/c latency model
 * @param baseLatencyMs       fixed server-side latency added to queueing (parsing, network stack)
 * @param sloLatencyMs        the SLO's latency threshold: 99% of requests in a minute under it,
 *                            otherwise the minute is an SLO-violation minute
 * @param startupMs           from ordering a node to its process serving (VM/pod + JVM start)
 * @param dataBytes           data in the cluster; a new node receives dataBytes / nodes before it
 *                            serves, a draining node hands over its share before it stops
 * @param moveBytesPerSec     throttled data movement rate per moving node
 * @param minNodes            smallest cluster (every controller gets the same bounds)
 * @param maxNodes            largest cluster
 * @param maxBacklogSec       requests queued beyond this many seconds of capacity are dropped
 *                            (clients time out); they count as slow
 */
public record ModelParams(double capacityOpsPerNode, int threadsPerNode, double baseLatencyMs, double sloLatencyMs,
    long startupMs, double dataBytes, double moveBytesPerSec, int minNodes, int maxNodes, double maxBacklogSec) {

  public ModelParams {
    if (!(capacityOpsPerNode > 0) || threadsPerNode < 1 || baseLatencyMs < 0 || !(sloLatencyMs > baseLatencyMs)
        || startupMs < 0 || dataBytes < 0 || !(moveBytesPerSec > 0) || minNodes < 1 || maxNodes < minNodes
        || !(maxBacklogSec > 0)) {
      throw new IllegalArgumentException("bad model parameters");
    }
  }

  /**
   * 10,000 ops/s per node on 4 threads, 0.5 ms base latency, SLO 10 ms, 20 s start-up,
   * {@code maxNodes × 200 MB} of data (a node holds a few hundred MB to a few GB) moved at
   * 100 MB/s, 30 s of backlog at most, 2 to {@code maxNodes} nodes.
   */
  public static ModelParams defaults(int maxNodes) {
    return new ModelParams(10_000, 4, 0.5, 10, 20_000, maxNodes * 200e6, 100e6, 2, maxNodes, 30);
  }
}
