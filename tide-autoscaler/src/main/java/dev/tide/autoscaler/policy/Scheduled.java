package dev.tide.autoscaler.policy;

import dev.tide.autoscaler.signals.Signals;

import java.util.List;

/**
 * Scheduled minimum sizes, as AWS scheduled actions: each entry is a cron expression and a minimum;
 * the entry that fired most recently sets the current floor (so "0 8 * * 1-5 → 20" and
 * "0 20 * * * → 3" give 20 nodes on weekday daytime and 3 otherwise). The policy votes the floor:
 * above the current size that is a scale-out; below it, it lets the other policies scale in, but
 * never below the floor (composition takes the largest vote). With no entry fired yet it abstains.
 *
 * <p>Cost: cron is checked once per new minute; on the first evaluation the policy looks back up to
 * {@link #LOOKBACK_MINUTES} to find which entry is in force.
 */
public final class Scheduled implements Policy {

  /** One schedule entry. */
  public record Entry(Cron at, int minNodes) {
  }

  /** How far the first evaluation looks back for the entry in force: one week covers weekly schedules. */
  public static final int LOOKBACK_MINUTES = 7 * 24 * 60;
  private static final long MINUTE_MS = 60_000;

  private final String name;
  private final List<Entry> entries;
  private long checkedMinute = Long.MIN_VALUE;
  private Entry active;

  public Scheduled(String name, List<Entry> entries) {
    this.name = name;
    this.entries = List.copyOf(entries);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Vote evaluate(Signals s, int nodes) {
    long minute = Math.floorDiv(s.nowMs(), MINUTE_MS);
    if (checkedMinute == Long.MIN_VALUE || minute - checkedMinute > LOOKBACK_MINUTES) {
      active = null;
      for (long m = minute; m > minute - LOOKBACK_MINUTES && active == null; m--) {
        active = firedAt(m);
      }
      checkedMinute = minute;
    }
    for (long m = checkedMinute + 1; m <= minute; m++) {
      Entry e = firedAt(m);
      if (e != null) {
        active = e;
      }
    }
    checkedMinute = Math.max(checkedMinute, minute);
    if (active == null) {
      return Vote.abstain(name, "no schedule in force");
    }
    return new Vote(name, active.minNodes, "schedule '" + active.at + "' sets minimum " + active.minNodes);
  }

  /** The last entry (in file order) whose cron matches minute {@code m}, or null. */
  private Entry firedAt(long m) {
    Entry hit = null;
    for (Entry e : entries) {
      if (e.at.matches(m * MINUTE_MS)) {
        hit = e;
      }
    }
    return hit;
  }
}
