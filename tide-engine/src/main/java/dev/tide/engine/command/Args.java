package dev.tide.engine.command;

import java.nio.charset.StandardCharsets;

/** Argument parsing with Redis's strictness and error texts. */
public final class Args {

  private Args() {
  }

  /**
   * Redis's {@code string2ll}: an optional '-', digits, no leading zeros (except "0"), no spaces,
   * no '+', within the range of a long. Throws {@link Errors#NOT_INTEGER} otherwise.
   */
  public static long parseLong(byte[] b) {
    long v = parseLongOrMin(b);
    if (v == Long.MIN_VALUE && !isMinLong(b)) {
      throw Errors.notInteger();
    }
    return v;
  }

  /** As {@link #parseLong} but returns false instead of throwing, writing the value to {@code out[0]}. */
  public static boolean tryParseLong(byte[] b, long[] out) {
    long v = parseLongOrMin(b);
    if (v == Long.MIN_VALUE && !isMinLong(b)) {
      return false;
    }
    out[0] = v;
    return true;
  }

  /** True when the bytes are a canonical integer as Redis stores them (for OBJECT ENCODING int). */
  public static boolean isCanonicalLong(byte[] b) {
    return b.length <= 20 && (parseLongOrMin(b) != Long.MIN_VALUE || isMinLong(b));
  }

  private static final byte[] MIN_LONG = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

  private static boolean isMinLong(byte[] b) {
    return java.util.Arrays.equals(b, MIN_LONG);
  }

  private static long parseLongOrMin(byte[] b) {
    int n = b.length;
    if (n == 0 || n > 20) {
      return Long.MIN_VALUE;
    }
    int i = 0;
    boolean negative = false;
    if (b[0] == '-') {
      negative = true;
      i = 1;
      if (n == 1) {
        return Long.MIN_VALUE;
      }
    }
    if (b[i] == '0') {
      return n == 1 ? 0 : Long.MIN_VALUE;
    }
    long v = 0;
    for (; i < n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      if (v > (Long.MAX_VALUE - d) / 10) {
        // only -9223372036854775808 fits beyond Long.MAX_VALUE; the caller checks it by text
        return Long.MIN_VALUE;
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  /** An integer argument that must fit in an int (counts, indexes); else {@link Errors#NOT_INTEGER}. */
  public static int parseInt(byte[] b) {
    long v = parseLong(b);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw Errors.notInteger();
    }
    return (int) v;
  }

  /**
   * Redis's {@code getDoubleFromObject} ({@code strtod} over the whole argument): decimal and
   * exponent notation, {@code inf}, {@code +inf}, {@code -inf}, {@code infinity}; no spaces, no NaN.
   * Throws {@code notFloatError} on anything else.
   */
  public static double parseDouble(byte[] b, String notFloatError) {
    String s = new String(b, StandardCharsets.US_ASCII);
    if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
      throw new CommandException(notFloatError);
    }
    String lower = s.toLowerCase();
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (!isDecimal(unsigned)) {
      throw new CommandException(notFloatError);
    }
    double d = Double.parseDouble(lower);
    if (Double.isNaN(d)) {
      throw new CommandException(notFloatError);
    }
    return d;
  }

  public static double parseDouble(byte[] b) {
    return parseDouble(b, Errors.NOT_FLOAT);
  }

  /** Digits with an optional single '.', then an optional exponent; at least one digit. */
  private static boolean isDecimal(String s) {
    int i = 0;
    int n = s.length();
    int digits = 0;
    while (i < n && Character.isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && s.charAt(i) == 'e') {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int expDigits = 0;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return false;
      }
    }
    return i == n;
  }

  /**
   * A blocking-command timeout in seconds (may be fractional), as an absolute deadline in ms;
   * 0 means "forever" and is returned as 0.
   */
  public static long parseTimeoutDeadlineMs(byte[] b, long nowMs) {
    double seconds;
    try {
      seconds = parseDouble(b, Errors.TIMEOUT_NOT_FLOAT);
    } catch (CommandException e) {
      throw new CommandException(Errors.TIMEOUT_NOT_FLOAT);
    }
    // Redis 7.0.15: (long long) ceill(seconds * 1000). A C cast of an infinity or of a value past
    // the range of a long gives LLONG_MIN on x86-64, so those are reported as "negative"; a tiny
    // negative such as -0.0001 rounds up to 0, which means "forever".
    double ms = Math.ceil(seconds * 1000);
    if (Double.isInfinite(ms) || ms >= 0x1p63 || ms < 0) {
      throw new CommandException(Errors.TIMEOUT_NEGATIVE);
    }
    long timeoutMs = (long) ms;
    if (timeoutMs == 0) {
      return 0;
    }
    return timeoutMs > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + timeoutMs;
  }

  public static boolean is(byte[] arg, String word) {
    if (arg.length != word.length()) {
      return false;
    }
    for (int i = 0; i < arg.length; i++) {
      int c = arg[i] & 0xff;
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      int w = word.charAt(i);
      if (w >= 'A' && w <= 'Z') {
        w += 32;
      }
      if (c != w) {
        return false;
      }
    }
    return true;
  }

  public static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] bytes(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }
}
