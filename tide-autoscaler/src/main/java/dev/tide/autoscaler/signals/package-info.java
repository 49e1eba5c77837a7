/**
 * Metric intake: what the autoscaler knows about the cluster at one instant.
 *
 * <p>{@link dev.tide.autoscaler.signals.NodeSample} is one node's metrics as read from its own
 * metrics endpoint (every 1 s to 5 s); {@link dev.tide.autoscaler.signals.MetricSource} is where
 * samples come from (the simulator's model, or {@link dev.tide.autoscaler.signals.LiveSignals}: the
 * nodes' Prometheus endpoints, read through the {@code scrape} package);
 * {@link dev.tide.autoscaler.signals.SignalAggregator} turns per-node samples into cluster-wide
 * {@link dev.tide.autoscaler.signals.Signals}, leaving out nodes still warming up (their metrics do
 * not count until warm). {@link dev.tide.autoscaler.signals.Smoother} is the documented filter: a
 * time-based exponentially weighted moving average, kept twice — a stable view (default time
 * constant 60 s) and a panic view (6 s), as Knative's stable and panic windows.
 */
package dev.tide.autoscaler.signals;
