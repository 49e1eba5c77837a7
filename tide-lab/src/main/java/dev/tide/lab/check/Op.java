package dev.tide.lab.check;

import java.util.List;
import java.util.Map;

/**
 * One client operation of a history.
 *
 * <p>{@code value} is what the client asked for and {@code result} what it got back; both are
 * plain JSON-shaped values ({@code Long}, {@code String}, {@code List}, {@code Map}, null), whose
 * meaning depends on the workload and function:
 * <table>
 *   <caption>values per workload</caption>
 *   <tr><th>workload</th><th>f</th><th>value</th><th>result (when ok)</th></tr>
 *   <tr><td>register</td><td>read</td><td>null</td><td>the value read (null: no key)</td></tr>
 *   <tr><td>register</td><td>write</td><td>v</td><td>null</td></tr>
 *   <tr><td>register</td><td>cas</td><td>[old, new]</td><td>null</td></tr>
 *   <tr><td>list</td><td>txn</td><td>[["append", k, v] | ["r", k, null], ...]</td>
 *       <td>the same micro-operations, reads filled in: ["r", k, [elements]]</td></tr>
 *   <tr><td>counter</td><td>incr</td><td>delta</td><td>the value after the increment</td></tr>
 *   <tr><td>counter</td><td>read</td><td>null</td><td>the value (null: no key, i.e. 0)</td></tr>
 *   <tr><td>bank</td><td>transfer</td><td>{"from": a, "to": b, "amount": n}</td><td>null</td></tr>
 *   <tr><td>bank</td><td>read</td><td>{"total": n}</td><td>{account: balance, ...}</td></tr>
 * </table>
 *
 * <p>Times are nanoseconds from the start of the history (one monotonic clock for all clients).
 * An operation with outcome {@link Outcome#UNKNOWN} may take effect at any time after its
 * invocation: checkers treat it as never completing, whatever {@code completeNs} says (that is
 * only when the client gave up).
 *
 * @param id unique per history, in invocation order
 * @param process the logical client; a client that lost a reply continues as a new process, so
 *     each process has at most one operation in flight
 */
public record Op(long id, int process, String workload, String f, String key, Object value, Object result,
                 long invokeNs, long completeNs, Outcome outcome, String error) {

  public Op {
    if (completeNs < invokeNs) {
      throw new IllegalArgumentException("op " + id + " completes (" + completeNs + ") before it is invoked ("
          + invokeNs + ")");
    }
  }

  public boolean ok() {
    return outcome == Outcome.OK;
  }

  /** {@code value} as a number (null when absent). */
  public Long valueLong() {
    return (Long) value;
  }

  /** {@code result} as a number (null when absent). */
  public Long resultLong() {
    return (Long) result;
  }

  @SuppressWarnings("unchecked")
  public List<Object> valueList() {
    return (List<Object>) value;
  }

  @SuppressWarnings("unchecked")
  public List<Object> resultList() {
    return (List<Object>) result;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> valueMap() {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> resultMap() {
    return (Map<String, Object>) result;
  }

  /** The same operation with another outcome, result and completion (for tests and clients). */
  public Op completed(Outcome o, Object res, long completeAtNs, String err) {
    return new Op(id, process, workload, f, key, value, res, invokeNs, completeAtNs, o, err);
  }

  /** A short human form for reports: {@code #12 p3 write reg:1 7 ok [1.200, 1.250] s}. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append('#').append(id).append(" p").append(process).append(' ').append(f);
    if (key != null) {
      sb.append(' ').append(key);
    }
    if (value != null) {
      sb.append(' ').append(JsonLines.encode(value));
    }
    sb.append(" -> ").append(outcome.json());
    if (result != null) {
      sb.append(' ').append(JsonLines.encode(result));
    }
    if (error != null) {
      sb.append(" (").append(error).append(')');
    }
    sb.append(String.format(java.util.Locale.ROOT, " [%.3f s, %s]", invokeNs / 1e9,
        outcome == Outcome.UNKNOWN ? "never completed" : String.format(java.util.Locale.ROOT, "%.3f s", completeNs / 1e9)));
    return sb.toString();
  }
}
