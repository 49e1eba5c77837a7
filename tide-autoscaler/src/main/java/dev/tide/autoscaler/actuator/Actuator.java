package dev.tide.autoscaler.actuator;

import dev.tide.autoscaler.scrape.ScrapeTarget;

import java.util.List;

/**
 * What the live loop acts through: a platform that runs Tide nodes and can change how many.
 *
 * <p>Contract. {@link #scaleTo} returns promptly (it must not block the loop for longer than one API
 * call); work that takes longer — draining nodes before a scale-in, waiting for it — runs in the
 * background while {@link #inProgress} is true, and the loop takes no new action meanwhile. When it
 * ends, {@link #takeFailure} says whether it failed (the size then stays what it was). A size change
 * the loop did not ask for, seen through {@link #currentSize}, is a manual scale: the loop adopts it
 * and holds its own actions for a while. Implementations: {@link KubernetesActuator} (StatefulSet),
 * {@link StaticActuator} (a fixed list of nodes: dry runs, or watching a cluster someone else
 * scales); the local process actuator comes with the elasticity commands (see docs/autoscaler.md).
 * Called from the loop's single thread; background work may read the same state from another.
 */
public interface Actuator {

  /** Nodes provisioned now as the platform sees them: serving or starting, not the ones being drained away. */
  int currentSize();

  /**
   * Asks for {@code nodes} nodes.
   *
   * @param reason  why (goes to the platform where it can be recorded, e.g. an annotation)
   * @throws ActuatorException when the request is refused at once
   */
  void scaleTo(int nodes, String reason);

  /** Whether the last {@link #scaleTo} is still being carried out. */
  boolean inProgress();

  /** Why the last request failed once it is no longer in progress, or null; reading it clears it. */
  default String takeFailure() {
    return null;
  }

  /** The nodes whose metrics the loop reads, as the platform names them now. */
  List<ScrapeTarget> nodes();

  /** One line for logs: what this actuator drives. */
  String describe();
}
