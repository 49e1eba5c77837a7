package dev.tide.autoscaler.policy;

import dev.tide.autoscaler.signals.Signals;

/**
 * A scaling policy. Implementations may keep state (timers, history) but must take time only from
 * {@code signals.nowMs()}, so the simulator and the live loop run the same code.
 */
public interface Policy {

  String name();

  /**
   * @param signals smoothed signals of this evaluation
   * @param nodes   provisioned nodes now (including ones still starting or receiving data)
   */
  Vote evaluate(Signals signals, int nodes);
}
