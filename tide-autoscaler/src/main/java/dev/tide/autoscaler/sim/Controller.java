package dev.tide.autoscaler.sim;

/** An autoscaler under test in the simulator. */
public interface Controller {

  /** Name in the table ("tide", "hpa", ...). */
  String name();

  /** How old the metrics this controller sees are (scrape interval, aggregation, alarm delays). */
  long metricLagMs();

  /**
   * Called once per simulated second.
   *
   * @param nowMs        now
   * @param observed     the metrics of the second that ended {@link #metricLagMs()} ago
   * @param provisioned  nodes ordered and not draining, now
   * @return the desired node count, or -1 for no decision this second
   */
  int step(long nowMs, Observation observed, int provisioned);
}
