package dev.tide.autoscaler.signals;

import java.util.List;

/** Where node metrics come from: the simulator's model, or (with the cluster) the nodes' metrics. */
public interface MetricSource {

  /** The latest sample of every provisioned node (not draining ones), read at {@code nowMs}. */
  List<NodeSample> read(long nowMs);
}
