package dev.tide.lab.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Linearizability of registers: read, write and compare-and-set on one key each.
 *
 * <p><b>Algorithm.</b> Wing and Gong's search for a linearization with Lowe's optimisations, as
 * Porcupine implements it. Keys are independent (a history is linearizable iff each key's
 * sub-history is: P-compositionality), so each key is checked alone. The operations of a key
 * become a doubly-linked list of call and return entries in time order. The search walks the
 * list: at a call entry it tries to linearize that operation now (the model must accept it in
 * the current state); on success it removes ("lifts") the operation's two entries and starts
 * again from the head; at a return entry it has to go back (an operation that has returned must
 * already be linearized), undoing the last choice. Lowe's memoisation keeps every
 * (set of linearized operations, state) pair seen: reaching one again cannot succeed where it
 * failed before, so that branch is cut. This makes the search fast on real histories, although
 * the problem is NP-complete in general; the {@link Budget} bounds it, and a key whose search
 * does not finish makes the verdict UNKNOWN, never VALID.
 *
 * <p><b>Unknown outcomes.</b> An operation whose outcome is unknown may have taken effect at any
 * time after its invocation, or never. Its return entry is placed after every definite one
 * (time = infinity), so the search may linearize it anywhere after its call; when the search
 * meets such a return entry, every definite operation is already linearized and the remaining
 * unknown ones are taken as never having happened: the key is linearizable. Unknown reads carry
 * no information and are dropped; so are failed operations (they had no effect). An unknown
 * write whose value nobody ever read (nor used as the expected value of a compare-and-set) is
 * dropped too: values are unique per key, so such a write cannot explain any observation, and
 * leaving it out only shrinks the search.
 *
 * <p><b>Model.</b> The state is the register's value, or absent. read(v) is legal iff the state
 * is v; write(v) always, giving v; cas(old, new) iff the state is old, giving new.
 *
 * <p><b>Reports.</b> For a key that is not linearizable: the operation the deepest partial
 * linearization could not get past, the state there, and the operations around it. Stale reads
 * that prove an acknowledged write was lost (a read returned x although a write y was
 * acknowledged after x's write had completed and before the read began) are reported by the
 * lost value.
 */
public final class RegisterChecker {

  public static final String WORKLOAD = "register";
  /** The state of a key that has never been written. Values written by the workload are never this. */
  static final long ABSENT = Long.MIN_VALUE;
  /** Search steps between looks at the clock. */
  static final int CLOCK_EVERY_STEPS = 1 << 10;
  /**
   * Most memoised (linearized set, state) pairs per key: about 100 bytes each for a few hundred
   * operations, so ~200 MB at the limit. A key that needs more is reported as unknown.
   */
  static final int MAX_CACHE_ENTRIES = 2_000_000;
  /** Operations listed around a violation. */
  static final int MAX_AROUND = 12;
  /** Lost writes reported per key. */
  static final int MAX_LOST_PER_KEY = 5;

  private RegisterChecker() {
  }

  public static CheckResult check(List<Op> history, Budget budget) {
    List<Op> ops = history.stream().filter(o -> WORKLOAD.equals(o.workload())).toList();
    CheckResult.Builder out = new CheckResult.Builder(WORKLOAD, ops);
    if (ops.isEmpty()) {
      return CheckResult.skipped(WORKLOAD, "no register operations in the history");
    }
    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op op : ops) {
      byKey.computeIfAbsent(Objects.requireNonNull(op.key(), "register op without key"), k -> new ArrayList<>()).add(op);
    }
    int unchecked = 0;
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      if (budget.spent()) {
        unchecked++;
        continue;
      }
      KeyResult r = checkKey(e.getValue(), budget);
      switch (r.verdict) {
        case VALID, SKIPPED -> {
        }
        case UNKNOWN -> out.incomplete("register " + e.getKey() + ": " + r.why);
        case INVALID -> {
          out.add("nonlinearizable", e.getKey(), r.why, null, r.around);
          lostWrites(e.getKey(), e.getValue(), out);
        }
      }
    }
    if (unchecked > 0) {
      out.incomplete(unchecked + " register keys not checked: time budget spent");
    }
    return out.build();
  }

  /** The outcome of one key's search. */
  record KeyResult(Verdict verdict, String why, List<Op> around) {
  }

  private static final class Entry {
    final boolean call;
    final int op;
    final long time;
    Entry match;
    Entry prev;
    Entry next;

    Entry(boolean call, int op, long time) {
      this.call = call;
      this.op = op;
      this.time = time;
    }
  }

  private record Memo(BitSet linearized, long state) {
  }

  private record Frame(Entry entry, long state) {
  }

  /** Checks one key's operations (all for the same key). */
  static KeyResult checkKey(List<Op> keyOps, Budget budget) {
    List<Op> ops = relevant(keyOps);
    if (ops.isEmpty()) {
      return new KeyResult(Verdict.VALID, "", List.of());
    }
    int n = ops.size();
    List<Entry> entries = new ArrayList<>(2 * n);
    for (int i = 0; i < n; i++) {
      Op op = ops.get(i);
      Entry call = new Entry(true, i, op.invokeNs());
      Entry ret = new Entry(false, i, op.ok() ? op.completeNs() : Long.MAX_VALUE);
      call.match = ret;
      ret.match = call;
      entries.add(call);
      entries.add(ret);
    }
    // Time order; at equal times calls first (the two operations are then taken as concurrent,
    // the permissive reading of a tie).
    entries.sort(Comparator.comparingLong((Entry en) -> en.time).thenComparing(en -> en.call ? 0 : 1)
        .thenComparingInt(en -> en.op));
    Entry head = new Entry(true, -1, Long.MIN_VALUE);
    Entry prev = head;
    for (Entry en : entries) {
      prev.next = en;
      en.prev = prev;
      prev = en;
    }

    long state = ABSENT;
    BitSet linearized = new BitSet(n);
    Set<Memo> cache = new HashSet<>();
    ArrayDeque<Frame> calls = new ArrayDeque<>();
    int deepest = -1;
    Entry stuck = null;
    long stuckState = ABSENT;
    long steps = 0;
    Entry entry = head.next;
    while (head.next != null) {
      if (++steps % CLOCK_EVERY_STEPS == 0 && budget.spent()) {
        return new KeyResult(Verdict.UNKNOWN, "time budget spent after " + steps + " search steps over " + n
            + " operations", List.of());
      }
      if (entry.call) {
        Op op = ops.get(entry.op);
        long next = step(op, state);
        if (next != ILLEGAL) {
          linearized.set(entry.op);
          if (cache.add(new Memo((BitSet) linearized.clone(), next))) {
            if (cache.size() > MAX_CACHE_ENTRIES) {
              return new KeyResult(Verdict.UNKNOWN, "search space above " + MAX_CACHE_ENTRIES
                  + " memoised states over " + n + " operations", List.of());
            }
            calls.push(new Frame(entry, state));
            state = next;
            lift(entry);
            entry = head.next;
            continue;
          }
          linearized.clear(entry.op);
        }
        entry = entry.next;
      } else {
        if (!ops.get(entry.op).ok()) {
          // Only operations of unknown outcome are left: each may never have happened.
          return new KeyResult(Verdict.VALID, "", List.of());
        }
        if (calls.size() > deepest) {
          deepest = calls.size();
          stuck = entry;
          stuckState = state;
        }
        if (calls.isEmpty()) {
          return violation(ops, deepest, stuck, stuckState);
        }
        Frame f = calls.pop();
        state = f.state;
        linearized.clear(f.entry.op);
        unlift(f.entry);
        entry = f.entry.next;
      }
    }
    return new KeyResult(Verdict.VALID, "", List.of());
  }

  /**
   * Keeps what constrains the search: ok reads, ok writes/cas, and unknown writes/cas whose value
   * something may depend on. Dropping the others is sound: nothing can follow such a write but
   * another write (no read returns its value, no cas expects it), so a linearization that uses it
   * stays one without it.
   */
  static List<Op> relevant(List<Op> keyOps) {
    // Values something may depend on: what ok reads returned, and what any compare-and-set that
    // may have happened expected (an unknown cas could need an unknown write before it).
    Set<Long> observed = new HashSet<>();
    for (Op op : keyOps) {
      if (op.ok() && op.f().equals("read") && op.result() != null) {
        observed.add(op.resultLong());
      } else if (op.outcome() != Outcome.FAIL && op.f().equals("cas")) {
        observed.add(casOld(op));
      }
    }
    List<Op> kept = new ArrayList<>();
    for (Op op : keyOps) {
      switch (op.f()) {
        case "read" -> {
          if (op.ok()) {
            kept.add(op);
          }
        }
        case "write", "cas" -> {
          if (op.ok() || (op.outcome() == Outcome.UNKNOWN && observed.contains(written(op)))) {
            kept.add(op);
          }
        }
        default -> throw new IllegalArgumentException("register op " + op.id() + " has unknown f '" + op.f()
            + "' (read, write, cas)");
      }
    }
    return kept;
  }

  static final long ILLEGAL = Long.MIN_VALUE + 1;

  /** The state after {@code op} from {@code state}, or {@link #ILLEGAL}. */
  static long step(Op op, long state) {
    return switch (op.f()) {
      case "read" -> state == valueOrAbsent(op.resultLong()) ? state : ILLEGAL;
      case "write" -> op.valueLong();
      case "cas" -> state == casOld(op) ? casNew(op) : ILLEGAL;
      default -> ILLEGAL;
    };
  }

  static long valueOrAbsent(Long v) {
    return v == null ? ABSENT : v;
  }

  static long casOld(Op op) {
    return (Long) op.valueList().get(0);
  }

  static long casNew(Op op) {
    return (Long) op.valueList().get(1);
  }

  /** The value a write or cas leaves in the register. */
  static long written(Op op) {
    return op.f().equals("cas") ? casNew(op) : op.valueLong();
  }

  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Entry ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  private static void unlift(Entry call) {
    Entry ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }

  private static KeyResult violation(List<Op> ops, int deepest, Entry stuck, long stuckState) {
    Op op = ops.get(stuck.op);
    String state = stuckState == ABSENT ? "absent" : Long.toString(stuckState);
    String why = String.format(java.util.Locale.ROOT,
        "no linearization: at most %d of %d operations can be ordered; then %s %s cannot take effect (the register "
            + "holds %s there, in the deepest partial order found)",
        deepest, ops.size(), op.f(), describeArgs(op), state);
    return new KeyResult(Verdict.INVALID, why, around(ops, op));
  }

  private static String describeArgs(Op op) {
    return switch (op.f()) {
      case "read" -> "returning " + (op.result() == null ? "nothing (absent)" : op.result());
      case "write" -> "of " + op.value();
      default -> "from " + casOld(op) + " to " + casNew(op);
    };
  }

  /** The op, those concurrent with it, and the few that completed just before it began. */
  static List<Op> around(List<Op> ops, Op op) {
    List<Op> out = new ArrayList<>();
    out.add(op);
    long end = op.ok() ? op.completeNs() : Long.MAX_VALUE;
    for (Op o : ops) {
      long oEnd = o.ok() ? o.completeNs() : Long.MAX_VALUE;
      if (o != op && o.invokeNs() <= end && oEnd >= op.invokeNs() && out.size() < MAX_AROUND) {
        out.add(o);
      }
    }
    List<Op> before = ops.stream().filter(o -> o.ok() && o.completeNs() < op.invokeNs())
        .sorted(Comparator.comparingLong(Op::completeNs).reversed()).limit(3).toList();
    for (Op o : before) {
      if (out.size() < MAX_AROUND + 3) {
        out.add(o);
      }
    }
    return out;
  }

  /**
   * Stale reads that prove an acknowledged write lost: read R returned x (or nothing), the write
   * of x had completed before an acknowledged write W of y began, and W completed before R began.
   * Values are unique per key, so x cannot have been written again: y was lost.
   */
  static void lostWrites(String key, List<Op> keyOps, CheckResult.Builder out) {
    java.util.Map<Long, Op> writerOf = new java.util.HashMap<>();
    List<Op> okWrites = new ArrayList<>();
    for (Op op : keyOps) {
      if (op.f().equals("write") || op.f().equals("cas")) {
        if (op.outcome() != Outcome.FAIL) {
          writerOf.put(written(op), op);
        }
        if (op.ok()) {
          okWrites.add(op);
        }
      }
    }
    Set<Long> reported = new HashSet<>();
    for (Op read : keyOps) {
      if (!read.ok() || !read.f().equals("read") || reported.size() >= MAX_LOST_PER_KEY) {
        continue;
      }
      Op source = read.result() == null ? null : writerOf.get(read.resultLong());
      if (read.result() != null && (source == null || !source.ok())) {
        continue; // no definite time for the write of what was read: nothing provable here
      }
      long sourceDone = source == null ? Long.MIN_VALUE : source.completeNs();
      Op lost = null;
      for (Op w : okWrites) {
        if (w != source && w.invokeNs() > sourceDone && w.completeNs() < read.invokeNs()
            && (lost == null || w.completeNs() > lost.completeNs())) {
          lost = w;
        }
      }
      if (lost != null && reported.add(written(lost))) {
        List<Op> around = new ArrayList<>();
        if (source != null) {
          around.add(source);
        }
        around.add(lost);
        around.add(read);
        out.add("lost-write", key, "acknowledged write of " + written(lost) + " was lost: a later read returned "
            + (read.result() == null ? "nothing" : read.result()) + ", written before it", written(lost), around);
      }
    }
  }
}
