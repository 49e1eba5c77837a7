package dev.tide.autoscaler.policy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.BitSet;

/**
 * A five-field cron expression, evaluated in UTC: {@code minute hour day-of-month month day-of-week}.
 * Each field is {@code *}, a number, a range {@code a-b}, a step {@code *}{@code /n} or
 * {@code a-b/n}, or a comma list of those. Day of week is 0-7 (0 and 7 are Sunday). As in classic
 * cron, when both day fields are restricted a day matches if either matches.
 */
public final class Cron {

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;
  private final boolean daysRestricted;
  private final boolean weekdaysRestricted;

  private Cron(String text, BitSet minutes, BitSet hours, BitSet days, BitSet months, BitSet weekdays,
      boolean daysRestricted, boolean weekdaysRestricted) {
    this.text = text;
    this.minutes = minutes;
    this.hours = hours;
    this.days = days;
    this.months = months;
    this.weekdays = weekdays;
    this.daysRestricted = daysRestricted;
    this.weekdaysRestricted = weekdaysRestricted;
  }

  /** Parses {@code text}; throws IllegalArgumentException with a message naming the bad field. */
  public static Cron parse(String text) {
    String[] f = text.trim().split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("cron needs 5 fields (minute hour day month weekday), got " + f.length);
    }
    BitSet wd = field(f[4], 0, 7, "weekday");
    if (wd.get(7)) {
      wd.set(0);
    }
    return new Cron(text.trim(), field(f[0], 0, 59, "minute"), field(f[1], 0, 23, "hour"), field(f[2], 1, 31, "day"),
        field(f[3], 1, 12, "month"), wd, !f[2].equals("*"), !f[4].equals("*"));
  }

  private static BitSet field(String spec, int min, int max, String what) {
    BitSet set = new BitSet(max + 1);
    for (String part : spec.split(",", -1)) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = number(part.substring(slash + 1), 1, max, what + " step");
        range = part.substring(0, slash);
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = max;
      } else if (range.indexOf('-') > 0) {
        lo = number(range.substring(0, range.indexOf('-')), min, max, what);
        hi = number(range.substring(range.indexOf('-') + 1), min, max, what);
        if (hi < lo) {
          throw new IllegalArgumentException(what + " range " + range + " is reversed");
        }
      } else {
        lo = number(range, min, max, what);
        hi = slash >= 0 ? max : lo;
      }
      for (int v = lo; v <= hi; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(String s, int min, int max, String what) {
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + s + "' is not a number");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(what + " " + v + " is outside " + min + ".." + max);
    }
    return v;
  }

  /** Whether the minute containing {@code epochMs} matches. */
  public boolean matches(long epochMs) {
    ZonedDateTime t = Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC);
    if (!minutes.get(t.getMinute()) || !hours.get(t.getHour()) || !months.get(t.getMonthValue())) {
      return false;
    }
    boolean dom = days.get(t.getDayOfMonth());
    boolean dow = weekdays.get(t.getDayOfWeek().getValue() % 7);
    if (daysRestricted && weekdaysRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  @Override
  public String toString() {
    return text;
  }
}
