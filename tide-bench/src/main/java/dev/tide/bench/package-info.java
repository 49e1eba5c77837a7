/**
 * JMH micro-benchmarks of Tide's hot paths (decoder, dict). Whole-system benchmarks against
 * redis-server are scripts in {@code tide-bench/scripts} run by {@code ./tide bench ...}.
 */
package dev.tide.bench;
