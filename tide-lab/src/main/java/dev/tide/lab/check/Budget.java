package dev.tide.lab.check;

import java.util.function.LongSupplier;

/**
 * How long a check may search. The clock is passed in (tests use a fake one to prove that a
 * spent budget gives UNKNOWN); checkers call {@link #spent()} every so many steps.
 */
public final class Budget {

  private final LongSupplier clockNs;
  private final long deadlineNs;
  private volatile boolean spent;

  private Budget(LongSupplier clockNs, long deadlineNs) {
    this.clockNs = clockNs;
    this.deadlineNs = deadlineNs;
  }

  /** A budget of {@code budgetNs} from now on {@code clockNs}. */
  public static Budget of(LongSupplier clockNs, long budgetNs) {
    long now = clockNs.getAsLong();
    // Long.MAX_VALUE means "no limit"; otherwise compare by difference (nanoTime may be negative).
    long deadline = budgetNs == Long.MAX_VALUE ? Long.MAX_VALUE : now + budgetNs;
    return new Budget(clockNs, deadline);
  }

  /** No limit (tests of small histories). */
  public static Budget unlimited() {
    return new Budget(() -> 0L, Long.MAX_VALUE);
  }

  /** A budget on System.nanoTime. */
  public static Budget ofMillis(long ms) {
    return of(System::nanoTime, ms * 1_000_000L);
  }

  /** Whether the time is up (sticky: once spent, always spent). */
  public boolean spent() {
    if (!spent && deadlineNs != Long.MAX_VALUE && clockNs.getAsLong() - deadlineNs >= 0) {
      spent = true;
    }
    return spent;
  }
}
