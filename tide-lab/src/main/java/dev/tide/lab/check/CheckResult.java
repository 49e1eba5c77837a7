package dev.tide.lab.check;

import java.util.List;

/**
 * What one checker concluded about one workload's part of a history.
 *
 * @param anomalyCount every anomaly found; {@code anomalies} holds at most
 *     {@link #MAX_REPORTED} of them
 * @param lostWriteCount lost acknowledged writes among them (also counted beyond the list's cap)
 * @param notes what was not checked and why (budget spent on key k, workload skipped, ...)
 */
public record CheckResult(String workload, Verdict verdict, long ok, long fail, long unknown, long anomalyCount,
                          long lostWriteCount, List<Anomaly> anomalies, List<String> notes) {

  /** Anomalies kept with their operations per workload: enough to act on, bounded for reports. */
  public static final int MAX_REPORTED = 50;

  public long ops() {
    return ok + fail + unknown;
  }

  public static CheckResult skipped(String workload, String why) {
    return new CheckResult(workload, Verdict.SKIPPED, 0, 0, 0, 0, 0, List.of(), List.of(why));
  }

  /** Collects anomalies and notes while a checker runs. */
  static final class Builder {
    final String workload;
    long ok;
    long fail;
    long unknown;
    long anomalyCount;
    long lostWrites;
    boolean incomplete;
    final List<Anomaly> anomalies = new java.util.ArrayList<>();
    final List<String> notes = new java.util.ArrayList<>();

    Builder(String workload, List<Op> ops) {
      this.workload = workload;
      for (Op op : ops) {
        switch (op.outcome()) {
          case OK -> ok++;
          case FAIL -> fail++;
          case UNKNOWN -> unknown++;
        }
      }
    }

    void add(String kind, String key, String message, Object lostValue, List<Op> around) {
      anomalyCount++;
      if (lostValue != null) {
        lostWrites++;
      }
      if (anomalies.size() < MAX_REPORTED) {
        List<Op> sorted = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(around));
        sorted.sort(java.util.Comparator.comparingLong(Op::invokeNs).thenComparingLong(Op::id));
        anomalies.add(new Anomaly(kind, workload, key, message, lostValue, List.copyOf(sorted)));
      }
    }

    /** Marks the result as not proven: the verdict can then be UNKNOWN at best. */
    void incomplete(String why) {
      incomplete = true;
      notes.add(why);
    }

    CheckResult build() {
      Verdict v = anomalyCount > 0 ? Verdict.INVALID : incomplete ? Verdict.UNKNOWN : Verdict.VALID;
      return new CheckResult(workload, v, ok, fail, unknown, anomalyCount, lostWrites, List.copyOf(anomalies),
          List.copyOf(notes));
    }
  }
}
