package dev.tide.lab.check;

/** What a checker concluded. */
public enum Verdict {
  /** Every check passed. */
  VALID,
  /** At least one anomaly was found. */
  INVALID,
  /** The check could not finish (time budget spent): nothing is claimed. */
  UNKNOWN,
  /** Nothing to check (the workload did not run, e.g. the server refused MULTI). */
  SKIPPED;

  /** The worse of two verdicts: INVALID over UNKNOWN over VALID over SKIPPED. */
  public Verdict and(Verdict other) {
    return rank(other) > rank(this) ? other : this;
  }

  private static int rank(Verdict v) {
    return switch (v) {
      case SKIPPED -> 0;
      case VALID -> 1;
      case UNKNOWN -> 2;
      case INVALID -> 3;
    };
  }
}
