/**
 * The chaos workloads (register, list-append, counter, bank) and the {@link
 * dev.tide.lab.chaos.workload.Recorder} that turns each client operation into an {@link
 * dev.tide.lab.check.Op} of the history. Each workload has a {@code setup} (before faults), an
 * {@code step} (one operation by one client) and {@code finalReads} (after healing, so that every
 * acknowledged write must be visible).
 */
package dev.tide.lab.chaos.workload;
