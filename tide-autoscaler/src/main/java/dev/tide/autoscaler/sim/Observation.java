package dev.tide.autoscaler.sim;

/**
 * What the cluster's metrics said about one simulated second.
 *
 * @param atMs          end of the second
 * @param offeredOps    operations offered in the second (demand)
 * @param cpu           busy fraction of the serving nodes, 0..1 (saturates under overload)
 * @param p99Ms         p99 latency of the second
 * @param requests      requests completed or dropped in the second
 * @param slow          of those, over the SLO threshold or dropped
 * @param backlog       requests queued at the end of the second
 * @param readyNodes    nodes serving (not starting, not draining)
 */
public record Observation(long atMs, double offeredOps, double cpu, double p99Ms, long requests, long slow,
    double backlog, int readyNodes) {
}
