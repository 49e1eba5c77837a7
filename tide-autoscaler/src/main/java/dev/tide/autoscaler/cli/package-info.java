/** {@code ./tide autoscale log} and {@code ./tide autoscale run} (picocli). */
package dev.tide.autoscaler.cli;
