package dev.tide.cluster.controller;

/**
 * Told about every new cluster map a node installs (see {@link MapSync#addListener}).
 *
 * <p>Called on the node's map thread, one epoch at a time, in increasing epoch order (an epoch the
 * node never saw is skipped: a node that was down jumps from its cached epoch to the current one,
 * so a listener compares {@code previous} and {@code current} rather than replaying commands).
 * A listener must not block for long: polls and leader balancing share the thread. This is the
 * hook replica moves (issue 5) use to start a learner when a partition is placed on this node and
 * to stop a replica that moved away.
 */
@FunctionalInterface
public interface MapListener {

  /**
   * @param previous the map the node had, or null for the first map it starts from
   * @param current the map it has now (a higher epoch than {@code previous})
   */
  void onMap(ClusterState previous, ClusterState current);
}
