/**
 * Reading live nodes: {@link dev.tide.autoscaler.scrape.Scraper} fetches every node's Prometheus
 * {@code /metrics} (docs/metrics.md), {@link dev.tide.autoscaler.scrape.PrometheusParser} reads the
 * text, {@link dev.tide.autoscaler.scrape.NodeSnapshot} keeps the figures the autoscaler uses,
 * {@link dev.tide.autoscaler.scrape.Histogram} reads latency quantiles from histogram buckets as
 * Prometheus's {@code histogram_quantile} does, and {@link dev.tide.autoscaler.scrape.NodeReading}
 * turns two snapshots into one interval's rates. {@code signals.LiveSignals} puts it together as the
 * live loop's metric source.
 */
package dev.tide.autoscaler.scrape;
