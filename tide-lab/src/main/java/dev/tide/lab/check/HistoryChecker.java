package dev.tide.lab.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs every checker over one history, sharing one time budget, and sums up. */
public final class HistoryChecker {

  private HistoryChecker() {
  }

  /** The results of all four checkers, by workload (SKIPPED for a workload with no operations). */
  public static Map<String, CheckResult> check(List<Op> history, Budget budget) {
    Map<String, CheckResult> results = new LinkedHashMap<>();
    results.put(RegisterChecker.WORKLOAD, RegisterChecker.check(history, budget));
    results.put(ListAppendChecker.WORKLOAD, ListAppendChecker.check(history, budget));
    results.put(CounterChecker.WORKLOAD, CounterChecker.check(history, budget));
    results.put(BankChecker.WORKLOAD, BankChecker.check(history, budget));
    return results;
  }

  /** The overall verdict: INVALID if any, else UNKNOWN if any, else VALID (SKIPPED if all skipped). */
  public static Verdict verdict(Map<String, CheckResult> results) {
    Verdict v = Verdict.SKIPPED;
    for (CheckResult r : results.values()) {
      v = v.and(r.verdict());
    }
    return v;
  }

  /** A text report: one line per workload, then every reported anomaly with its operations. */
  public static String describe(Map<String, CheckResult> results) {
    StringBuilder sb = new StringBuilder();
    List<Anomaly> all = new ArrayList<>();
    for (CheckResult r : results.values()) {
      sb.append(String.format(java.util.Locale.ROOT, "%-9s %-8s ops %,d (ok %,d, fail %,d, unknown %,d), anomalies %,d, "
          + "lost writes %,d%n", r.workload(), r.verdict().name().toLowerCase(java.util.Locale.ROOT), r.ops(), r.ok(),
          r.fail(), r.unknown(), r.anomalyCount(), r.lostWriteCount()));
      for (String note : r.notes()) {
        sb.append("          note: ").append(note).append('\n');
      }
      all.addAll(r.anomalies());
    }
    for (Anomaly a : all) {
      sb.append(a.describe()).append('\n');
    }
    return sb.toString();
  }
}
