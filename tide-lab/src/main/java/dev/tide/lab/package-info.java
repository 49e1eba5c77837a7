/**
 * The lab: Tide's load generator and benchmark harness ({@code ./tide bench run} and
 * {@code ./tide bench compare}). See {@code docs/lab-loadgen.md} for the design.
 *
 * <p>Sub-packages: {@code safety} (which addresses may be loaded), {@code schedule} (open-loop
 * rate profiles and intended start times), {@code workload} (seeded operation generators),
 * {@code resp} (a pipelining RESP client on Netty, single node or cluster), {@code driver} (the
 * narrow interface the runner talks to, with RESP and etcd implementations), {@code run} (the
 * open- and closed-loop runners and their HdrHistogram recording), {@code targets} (servers the
 * harness starts and stops: Tide, redis-server, Redis Cluster, etcd) and {@code report} (JSON,
 * HdrHistogram logs, text and HTML reports).
 */
package dev.tide.lab;
