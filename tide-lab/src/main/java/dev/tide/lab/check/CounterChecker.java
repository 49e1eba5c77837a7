package dev.tide.lab.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters incremented by positive deltas (INCRBY) and read (GET). Every observed value — a
 * read's, and the value INCRBY returns — must lie between:
 * <ul>
 *   <li><b>lower</b>: the sum of the increments acknowledged before the operation began (plus its
 *       own delta for an INCRBY): anything less means acknowledged increments were lost;</li>
 *   <li><b>upper</b>: the sum of every increment sent (acknowledged or unknown) before the
 *       operation completed: anything more means an increment was applied twice (a retry of one
 *       that had in fact succeeded) or out of thin air.</li>
 * </ul>
 * Also: two acknowledged increments cannot return the same value (deltas are positive), and a
 * read that begins after another completed cannot see less (the counter only grows). Both
 * bounds come from sorted prefix sums: O(n log n).
 */
public final class CounterChecker {

  public static final String WORKLOAD = "counter";
  /** Operations listed around a violation. */
  static final int MAX_AROUND = 8;

  private CounterChecker() {
  }

  public static CheckResult check(List<Op> history, Budget budget) {
    List<Op> ops = history.stream().filter(o -> WORKLOAD.equals(o.workload())).toList();
    if (ops.isEmpty()) {
      return CheckResult.skipped(WORKLOAD, "no counter operations in the history");
    }
    CheckResult.Builder out = new CheckResult.Builder(WORKLOAD, ops);
    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op op : ops) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      if (budget.spent()) {
        out.incomplete("counter: time budget spent before key " + e.getKey());
        break;
      }
      checkKey(e.getKey(), e.getValue(), out);
    }
    return out.build();
  }

  static void checkKey(String key, List<Op> ops, CheckResult.Builder out) {
    for (Op op : ops) {
      if (op.f().equals("incr") && op.valueLong() <= 0) {
        throw new IllegalArgumentException("counter op " + op.id() + ": deltas must be positive, got " + op.value());
      }
    }
    // Acknowledged increments by completion time, prefix sums of their deltas.
    List<Op> acked = ops.stream().filter(o -> o.ok() && o.f().equals("incr"))
        .sorted(Comparator.comparingLong(Op::completeNs)).toList();
    long[] ackedDone = acked.stream().mapToLong(Op::completeNs).toArray();
    long[] ackedSum = prefix(acked);
    // Every increment that may have happened, by invocation time.
    List<Op> sent = ops.stream().filter(o -> o.outcome() != Outcome.FAIL && o.f().equals("incr"))
        .sorted(Comparator.comparingLong(Op::invokeNs)).toList();
    long[] sentAt = sent.stream().mapToLong(Op::invokeNs).toArray();
    long[] sentSum = prefix(sent);

    Map<Long, Op> returned = new HashMap<>();
    for (Op op : ops) {
      if (!op.ok()) {
        continue;
      }
      long observed = op.result() == null ? 0 : op.resultLong();
      boolean incr = op.f().equals("incr");
      long lower = ackedSum[countBefore(ackedDone, op.invokeNs())] + (incr ? op.valueLong() : 0);
      long upper = sentSum[countAtOrBefore(sentAt, op.completeNs())];
      if (observed < lower) {
        List<Op> around = new ArrayList<>();
        around.add(op);
        for (int i = countBefore(ackedDone, op.invokeNs()) - 1; i >= 0 && around.size() < MAX_AROUND; i--) {
          around.add(acked.get(i));
        }
        out.add("counter-below-acknowledged", key, (incr ? "INCRBY returned " : "read returned ") + observed
            + " but " + lower + " had been acknowledged before it began: " + (lower - observed)
            + " acknowledged increments lost", lower - observed, around);
      } else if (observed > upper) {
        out.add("counter-above-attempted", key, (incr ? "INCRBY returned " : "read returned ") + observed
            + " but only " + upper + " was ever sent before it completed: an increment was applied twice or "
            + "invented", null, List.of(op));
      }
      if (incr) {
        Op other = returned.putIfAbsent(observed, op);
        if (other != null) {
          out.add("duplicate-increment", key, "two acknowledged increments both returned " + observed, null,
              List.of(other, op));
        }
      }
    }
    wentBack(key, ops, out);
  }

  /** A value observed after another one completed is never smaller. */
  static void wentBack(String key, List<Op> ops, CheckResult.Builder out) {
    List<Op> obs = ops.stream().filter(Op::ok).sorted(Comparator.comparingLong(Op::invokeNs)).toList();
    List<Op> byDone = obs.stream().sorted(Comparator.comparingLong(Op::completeNs)).toList();
    // Sweep: the largest value among observations completed before each invocation.
    long best = Long.MIN_VALUE;
    Op bestOp = null;
    int j = 0;
    for (Op op : obs) {
      while (j < byDone.size() && byDone.get(j).completeNs() < op.invokeNs()) {
        Op d = byDone.get(j++);
        long v = d.result() == null ? 0 : d.resultLong();
        if (v > best) {
          best = v;
          bestOp = d;
        }
      }
      long v = op.result() == null ? 0 : op.resultLong();
      if (bestOp != null && v < best) {
        out.add("counter-went-back", key, "observed " + v + " after " + best + " had been observed (the counter only "
            + "grows)", null, List.of(bestOp, op));
      }
    }
  }

  private static long[] prefix(List<Op> ops) {
    long[] s = new long[ops.size() + 1];
    for (int i = 0; i < ops.size(); i++) {
      s[i + 1] = s[i] + ops.get(i).valueLong();
    }
    return s;
  }

  /** How many of the sorted times are strictly before t. */
  static int countBefore(long[] sorted, long t) {
    int i = Arrays.binarySearch(sorted, t);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && sorted[i - 1] == t) {
      i--;
    }
    return i;
  }

  /** How many of the sorted times are at or before t. */
  static int countAtOrBefore(long[] sorted, long t) {
    int i = Arrays.binarySearch(sorted, t);
    if (i < 0) {
      return -i - 1;
    }
    while (i + 1 < sorted.length && sorted[i + 1] == t) {
      i++;
    }
    return i + 1;
  }
}
