/**
 * {@code tide-autoscaler.yaml}: read by {@link dev.tide.autoscaler.config.YamlSubset} (a strict
 * parser of a documented YAML subset) and validated once, at start, by
 * {@link dev.tide.autoscaler.config.ConfigLoader} into an
 * {@link dev.tide.autoscaler.config.AutoscalerConfig}; every error names the file, line and field
 * (as {@code guards.maxNodes}). Unknown fields are errors, so a typo is not silently ignored.
 */
package dev.tide.autoscaler.config;
