package dev.tide.engine.command;

import java.nio.charset.StandardCharsets;

/**
 * Argument parsing shared by the per-key scans (HSCAN, SSCAN, ZSCAN), with Redis 7.0's rules:
 * the cursor is parsed as C's {@code strtoul} does (unsigned 64-bit, optional sign, empty text
 * is 0, no leading space), and the options are {@code MATCH pattern} and {@code COUNT n} in any
 * order, the last of each winning.
 */
public final class CollectionScan {

  /** Redis's default COUNT for scans. */
  public static final long DEFAULT_COUNT = 10;
  /** Redis visits at most COUNT × this many buckets per call, so sparse tables cannot stall it. */
  public static final long MAX_ITERATIONS_PER_COUNT = 10;

  public static final String INVALID_CURSOR = "ERR invalid cursor";
  /** 2^64 - 1, the largest cursor. */
  private static final java.math.BigInteger MAX_UNSIGNED = java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE);

  private CollectionScan() {
  }

  /** MATCH pattern (null: match everything) and COUNT. */
  public record Options(byte[] pattern, long count) {

    /** True when {@code element} passes the MATCH filter. */
    public boolean matches(byte[] element) {
      return pattern == null || Glob.matches(pattern, element);
    }
  }

  /** The cursor as an unsigned 64-bit value in a long; {@link #INVALID_CURSOR} otherwise. */
  public static long parseCursor(byte[] text) {
    if (text.length == 0) {
      return 0; // strtoul parses nothing, and nothing is left over
    }
    int c0 = text[0];
    if (c0 == ' ' || (c0 >= '\t' && c0 <= '\r')) {
      throw new CommandException(INVALID_CURSOR);
    }
    int i = 0;
    boolean negative = false;
    if (text[0] == '+' || text[0] == '-') {
      negative = text[0] == '-';
      i = 1;
    }
    if (i == text.length || text.length - i > 40) {
      throw new CommandException(INVALID_CURSOR);
    }
    for (int j = i; j < text.length; j++) {
      if (text[j] < '0' || text[j] > '9') {
        throw new CommandException(INVALID_CURSOR);
      }
    }
    java.math.BigInteger v = new java.math.BigInteger(new String(text, i, text.length - i, StandardCharsets.US_ASCII));
    if (v.compareTo(MAX_UNSIGNED) > 0) {
      throw new CommandException(INVALID_CURSOR);
    }
    long bits = v.longValue();
    return negative ? -bits : bits;
  }

  /** The cursor as Redis prints it (unsigned decimal). */
  public static String formatCursor(long cursor) {
    return Long.toUnsignedString(cursor);
  }

  /** Parses the options from argument {@code from} on. */
  public static Options parseOptions(CommandContext ctx, int from) {
    byte[] pattern = null;
    long count = DEFAULT_COUNT;
    int i = from;
    while (i < ctx.argc()) {
      int remaining = ctx.argc() - i;
      if (ctx.argIs(i, "count") && remaining >= 2) {
        count = ctx.argLong(i + 1);
        if (count < 1) {
          throw Errors.syntax();
        }
        i += 2;
      } else if (ctx.argIs(i, "match") && remaining >= 2) {
        byte[] p = ctx.arg(i + 1);
        pattern = p.length == 1 && p[0] == '*' ? null : p;
        i += 2;
      } else {
        throw Errors.syntax();
      }
    }
    return new Options(pattern, count);
  }
}
