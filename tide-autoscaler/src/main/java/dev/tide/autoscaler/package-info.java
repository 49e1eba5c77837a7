/**
 * Tide's autoscaler: keeps the SLO at the lowest node count. See {@code docs/autoscaler.md}.
 *
 * <p>{@link dev.tide.autoscaler.Autoscaler} is one evaluation step: smoothed {@code signals} go to
 * every {@code policy}, their votes are composed (the largest desired size wins for scale-out, all
 * voting policies must agree for scale-in), the {@code guard}s bound the result, and the
 * {@code decision} is logged as one JSON line. Time is always passed in ({@code nowMs}); nothing in
 * these packages reads a clock, so the {@code sim}ulator runs exactly the code the live loop runs.
 * {@code config} reads and validates {@code tide-autoscaler.yaml}. Live: {@code scrape} reads the
 * nodes' metrics, {@code loop.ControlLoop} evaluates every interval and acts through an
 * {@code actuator} (Kubernetes StatefulSet; the local one needs the elasticity commands);
 * {@code cli} is {@code ./tide autoscale run|log}.
 */
package dev.tide.autoscaler;
