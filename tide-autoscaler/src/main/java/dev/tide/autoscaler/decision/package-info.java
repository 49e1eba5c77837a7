/**
 * Decisions you can read: every evaluation becomes a {@link dev.tide.autoscaler.decision.Decision}
 * (time, inputs, each policy's vote and reason, guards applied, action) written as one JSON line by
 * a {@link dev.tide.autoscaler.decision.DecisionLog}. JSON is written by hand
 * ({@link dev.tide.autoscaler.decision.Json}): the records are flat and the module stays free of a
 * JSON library.
 */
package dev.tide.autoscaler.decision;
