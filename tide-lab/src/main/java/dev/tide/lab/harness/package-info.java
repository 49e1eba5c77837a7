/**
 * Runs a benchmark end to end against one or more targets in turn: start the target, connect,
 * preload, warm up, measure, stop; same workload, client settings and warm-up for every target.
 */
package dev.tide.lab.harness;
