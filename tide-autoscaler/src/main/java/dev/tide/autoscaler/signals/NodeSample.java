package dev.tide.autoscaler.signals;

/**
 * One node's metrics as read from the node (per partition figures are summed by the node).
 *
 * @param nodeId        the node
 * @param startedAtMs   when the node joined; it is warm {@code warmUpMs} later
 * @param opsPerSec     operations per second offered to the node
 * @param cpu           CPU utilisation, 0..1
 * @param memoryBytes   used memory
 * @param p99Ms         p99 latency over the last interval
 * @param queueDepth    requests waiting
 * @param connections   open client connections
 * @param requests      requests completed in the interval
 * @param slowRequests  requests over the SLO threshold or failed, in the interval
 */
public record NodeSample(String nodeId, long startedAtMs, double opsPerSec, double cpu, long memoryBytes,
    double p99Ms, double queueDepth, int connections, long requests, long slowRequests) {
}
