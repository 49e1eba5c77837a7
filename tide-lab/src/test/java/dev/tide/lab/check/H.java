package dev.tide.lab.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds hand-written histories for checker tests. Times are given in milliseconds (stored as
 * ns); {@code -1} as completion means the outcome is unknown (the client never heard back).
 */
final class H {

  final List<Op> ops = new ArrayList<>();
  private long nextId;

  private static final long MS = 1_000_000L;

  private Op add(int process, String workload, String f, String key, Object value, Object result, long invokeMs,
                 long completeMs, Outcome outcome) {
    long invoke = invokeMs * MS;
    long complete = completeMs < 0 ? invoke : completeMs * MS;
    Op op = new Op(nextId++, process, workload, f, key, value, result, invoke, complete, outcome, null);
    ops.add(op);
    return op;
  }

  private static Outcome outcome(long completeMs) {
    return completeMs < 0 ? Outcome.UNKNOWN : Outcome.OK;
  }

  // register ----------------------------------------------------------------
  H write(int p, String key, long v, long from, long to) {
    add(p, "register", "write", key, v, null, from, to, outcome(to));
    return this;
  }

  H read(int p, String key, Long v, long from, long to) {
    add(p, "register", "read", key, null, v, from, to, outcome(to));
    return this;
  }

  H cas(int p, String key, long old, long neu, long from, long to) {
    add(p, "register", "cas", key, List.of(old, neu), null, from, to, outcome(to));
    return this;
  }

  H casFailed(int p, String key, long old, long neu, long from, long to) {
    add(p, "register", "cas", key, List.of(old, neu), null, from, to, Outcome.FAIL);
    return this;
  }

  // list ----------------------------------------------------------------------
  static List<Object> append(String key, long v) {
    return List.of("append", key, v);
  }

  static List<Object> r(String key, Long... elements) {
    List<Object> m = new ArrayList<>();
    m.add("r");
    m.add(key);
    m.add(elements == null ? null : List.of(elements));
    return m;
  }

  /** A list transaction; reads in {@code mops} carry what was read (ignored unless ok). */
  @SafeVarargs
  final H txn(int p, long from, long to, List<Object>... mops) {
    return txnWith(p, from, to, to < 0 ? Outcome.UNKNOWN : Outcome.OK, mops);
  }

  @SafeVarargs
  final H txnWith(int p, long from, long to, Outcome o, List<Object>... mops) {
    List<Object> result = List.of((Object[]) mops);
    List<Object> value = new ArrayList<>();
    for (List<Object> m : mops) {
      value.add(m.get(0).equals("r") ? java.util.Arrays.asList("r", m.get(1), null) : m);
    }
    add(p, "list", "txn", null, value, o == Outcome.OK ? result : null, from, to, o);
    return this;
  }

  // counter -------------------------------------------------------------------
  H incr(int p, String key, long delta, Long returned, long from, long to) {
    add(p, "counter", "incr", key, delta, returned, from, to, outcome(to));
    return this;
  }

  H counterRead(int p, String key, Long v, long from, long to) {
    add(p, "counter", "read", key, null, v, from, to, outcome(to));
    return this;
  }

  // bank ----------------------------------------------------------------------
  H transfer(int p, String from, String to, long amount, long start, long end) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("from", from);
    v.put("to", to);
    v.put("amount", amount);
    add(p, "bank", "transfer", "{bank}", v, null, start, end, outcome(end));
    return this;
  }

  H bankRead(int p, long total, Map<String, Object> balances, long start, long end) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("total", total);
    v.put("accounts", (long) balances.size());
    add(p, "bank", "read", "{bank}", v, balances, start, end, outcome(end));
    return this;
  }

  static Map<String, Object> balances(long... values) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      m.put("a" + i, values[i]);
    }
    return m;
  }

  List<Op> build() {
    return List.copyOf(ops);
  }
}
