/**
 * The simulator ({@code ./tide sim}): runs Tide's {@link dev.tide.autoscaler.Autoscaler} — the same
 * policy and guard code as the live loop — and baseline autoscalers (HPA-like, KEDA-like,
 * Knative-KPA-like, AWS target tracking) on a time-stepped model of a cluster, driven by a request
 * rate {@link dev.tide.autoscaler.sim.Trace}.
 *
 * <p>{@link dev.tide.autoscaler.sim.ClusterModel} is the cluster: per-node capacity, a queueing
 * latency model (M/M/c per node plus a fluid backlog when overloaded), node start-up time, data
 * movement time proportional to the data each node must receive or hand over.
 * {@link dev.tide.autoscaler.sim.Simulator} steps it once per simulated second, delays the metrics
 * each controller sees by its metric lag, and measures SLO-violation minutes, node-hours, actions,
 * flaps and recovery time; {@link dev.tide.autoscaler.sim.SimReport} writes the table and a
 * self-contained HTML report. Everything is deterministic for a given seed.
 */
package dev.tide.autoscaler.sim;
