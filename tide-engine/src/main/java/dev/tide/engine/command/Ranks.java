package dev.tide.engine.command;

/**
 * Redis's index arithmetic for rank ranges (LRANGE, LTRIM, ZRANGE, ZREMRANGEBYRANK): negative
 * indexes count from the end, the start is clamped to 0 and the end to the last element.
 */
public final class Ranks {

  private Ranks() {
  }

  /** An inclusive range of valid indexes, {@code 0 <= from <= to < length}. */
  public record Span(long from, long to) {
    public long count() {
      return to - from + 1;
    }
  }

  /** The indexes {@code start..end} select in a sequence of {@code length}, or null when none. */
  public static Span clamp(long start, long end, long length) {
    if (start < 0) {
      start += length;
    }
    if (end < 0) {
      end += length;
    }
    if (start < 0) {
      start = 0;
    }
    if (start > end || start >= length) {
      return null;
    }
    return new Span(start, Math.min(end, length - 1));
  }
}
