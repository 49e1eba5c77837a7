package dev.tide.autoscaler.actuator;

import dev.tide.autoscaler.scrape.ScrapeTarget;

import java.util.List;

/**
 * A fixed list of nodes that this autoscaler cannot resize: {@code ./tide autoscale run --nodes ...}
 * uses it (with {@code --dry-run}: decide and log only). A request to scale fails with a clear
 * reason, so the decision log shows what would have been done and that nothing was.
 */
public final class StaticActuator implements Actuator {

  private final List<ScrapeTarget> nodes;

  public StaticActuator(List<ScrapeTarget> nodes) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("at least one node");
    }
    this.nodes = List.copyOf(nodes);
  }

  @Override
  public int currentSize() {
    return nodes.size();
  }

  @Override
  public void scaleTo(int n, String reason) {
    throw new ActuatorException("a fixed list of " + nodes.size() + " nodes cannot be scaled to " + n
        + " (no actuator: run with --dry-run, or use the Kubernetes actuator)");
  }

  @Override
  public boolean inProgress() {
    return false;
  }

  @Override
  public List<ScrapeTarget> nodes() {
    return nodes;
  }

  @Override
  public String describe() {
    return "fixed nodes " + nodes.stream().map(ScrapeTarget::nodeId).toList();
  }
}
