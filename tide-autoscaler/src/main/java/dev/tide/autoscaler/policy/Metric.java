package dev.tide.autoscaler.policy;

import dev.tide.autoscaler.signals.Signals;

/** The per-node metrics a policy can track. Names are the ones used in {@code tide-autoscaler.yaml}. */
public enum Metric {
  /** Offered operations per second per warm node (demand, including queued work). */
  OPS_PER_NODE("opsPerNode"),
  /** Mean CPU utilisation of warm nodes, 0..1. */
  CPU("cpu"),
  /** Server-side p99 latency in milliseconds (not proportional to nodes: use with step scaling). */
  P99_MS("p99Ms"),
  /** Waiting requests per warm node. */
  QUEUE_PER_NODE("queuePerNode");

  private final String configName;

  Metric(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public double of(Signals s) {
    return switch (this) {
      case OPS_PER_NODE -> s.opsPerNode();
      case CPU -> s.cpu();
      case P99_MS -> s.p99Ms();
      case QUEUE_PER_NODE -> s.warmNodes() == 0 ? s.queueDepth() : s.queueDepth() / s.warmNodes();
    };
  }

  /** The metric named {@code name} in the config file, or null. */
  public static Metric byConfigName(String name) {
    for (Metric m : values()) {
      if (m.configName.equals(name)) {
        return m;
      }
    }
    return null;
  }

  public static String names() {
    StringBuilder sb = new StringBuilder();
    for (Metric m : values()) {
      sb.append(sb.isEmpty() ? "" : ", ").append(m.configName);
    }
    return sb.toString();
  }
}
