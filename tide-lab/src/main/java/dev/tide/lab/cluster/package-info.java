/**
 * Cluster benchmarks: {@code ./tide bench cluster} (SET/GET peak and latency at half of the SET
 * peak for a Tide cluster, a Redis Cluster and etcd, measured in one run, with ratios and the
 * issue's goals) and {@code ./tide bench failover} ({@code kill -9} of a partition leader under a
 * continuous writer, repeated, with the distribution of the write gaps and a check that every
 * acknowledged write survived). The arithmetic (ratios, goals, gaps, percentiles) lives in small
 * pure classes ({@link dev.tide.lab.cluster.ClusterTable}, {@link dev.tide.lab.cluster.FailoverTimeline})
 * that the tests check without starting anything.
 */
package dev.tide.lab.cluster;
