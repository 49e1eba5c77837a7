/**
 * Operator-facing telemetry of a node: Micrometer meters rendered as Prometheus text, and the
 * small HTTP endpoint serving {@code /metrics} and {@code /health}.
 */
package dev.tide.server.metrics;
