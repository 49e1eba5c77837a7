package dev.tide.autoscaler.actuator;

/**
 * Moves a node's data away before the node is removed. The elasticity work implements it on the
 * nodes; the Kubernetes actuator calls it for the highest ordinals before shrinking the StatefulSet.
 *
 * <p><b>Contract</b> (what an implementation must do):
 * <ul>
 *   <li>{@link #startDrain}: the node starts handing its partition replicas and leaderships to the
 *       others and stops taking new ones. It keeps serving until the moves are done (clients are
 *       redirected as partitions move). Idempotent: calling it on a draining or drained node is fine.</li>
 *   <li>{@link #progress}: {@code DRAINED} once the node holds no replica any more (removing it then
 *       loses nothing and leaves every partition with its full replica count); {@code DRAINING} with
 *       words on progress until then; {@code FAILED} with the reason when it cannot finish (e.g. the
 *       others lack room).</li>
 *   <li>{@link #cancelDrain}: the node serves normally again and may take replicas back. Called when a
 *       drain fails or exceeds the actuator's time bound; idempotent.</li>
 * </ul>
 * Any exception counts as {@code FAILED}: a node whose drain is not confirmed is never removed.
 * The wire form the nodes are expected to speak is {@link RespDrainHook}'s ({@code TIDE.NODE DRAIN},
 * {@code TIDE.NODE DRAINSTATUS}, {@code TIDE.NODE UNDRAIN}; docs/autoscaler.md).
 */
public interface DrainHook {

  /** A node to drain: its name, StatefulSet ordinal, and client address. */
  record Node(String name, int ordinal, String host, int port) {
  }

  enum State { DRAINING, DRAINED, FAILED }

  /** Where a drain stands, with words for the log. */
  record Progress(State state, String detail) {
  }

  void startDrain(Node node) throws Exception;

  Progress progress(Node node) throws Exception;

  void cancelDrain(Node node) throws Exception;
}
