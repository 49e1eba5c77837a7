/**
 * Guards: rules that bound what the composed policies ask for, applied in a fixed order by
 * {@link dev.tide.autoscaler.guard.Guards}: warm-up, panic mode, stabilization windows, cooldowns,
 * max step, cost limit, min/max nodes. Each guard that changes the size (or blocks a change) adds a
 * {@link dev.tide.autoscaler.guard.GuardNote} to the decision, so the log says why the cluster did
 * not do what a policy asked.
 */
package dev.tide.autoscaler.guard;
