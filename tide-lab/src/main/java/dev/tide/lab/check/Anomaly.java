package dev.tide.lab.check;

import java.util.List;

/**
 * One thing a checker found wrong.
 *
 * @param kind short name: {@code nonlinearizable}, {@code lost-write}, {@code duplicate},
 *     {@code phantom}, {@code aborted-read}, {@code incompatible-order}, {@code realtime-order},
 *     {@code G0}, {@code G1c}, {@code G-single}, {@code G2} (with {@code -realtime} when the cycle
 *     needs real-time edges), {@code counter-below-acknowledged}, {@code counter-above-attempted},
 *     {@code duplicate-increment}, {@code counter-went-back}, {@code bank-total}, {@code bank-negative},
 *     {@code bank-missing-account}
 * @param key the key (or group of keys) it concerns; null when it spans the workload
 * @param message what is wrong, in a sentence a person can act on
 * @param lostValue for a lost acknowledged write: the value that was lost; else null
 * @param around the operations that show it, in invocation order
 */
public record Anomaly(String kind, String workload, String key, String message, Object lostValue, List<Op> around) {

  public boolean isLostWrite() {
    return lostValue != null;
  }

  /** Multi-line text: the message, then one line per operation around it. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append('[').append(workload).append("] ").append(kind);
    if (key != null) {
      sb.append(' ').append(key);
    }
    sb.append(": ").append(message);
    for (Op op : around) {
      sb.append("\n    ").append(op.describe());
    }
    return sb.toString();
  }
}
