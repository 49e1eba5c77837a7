/**
 * Reports of a benchmark: {@code results/<timestamp>-<name>/} with {@code result.json} (raw
 * figures and per-second series), one HdrHistogram log per target, {@code summary.txt} (the
 * comparison table) and {@code report.html} (self-contained, charts drawn as inline SVG, no
 * scripts or network).
 */
package dev.tide.lab.report;
