package dev.tide.engine.commands.sortedsets;

/**
 * C's {@code strtod} over ASCII bytes, which Redis uses for scores and score ranges: leading
 * white space, an optional sign, then a decimal number with optional exponent, a hexadecimal
 * number ({@code 0x1.8p3}, {@code 0x10}), {@code inf}, {@code infinity} or {@code nan}. Reports
 * how far it parsed, so callers can apply Redis's own rules about what must follow.
 */
final class Strtod {

  /** A parse result: the value, the index after the last character used, and range errors. */
  record Result(double value, int end, boolean overflow, boolean underflowToZero) {
  }

  private Strtod() {
  }

  private static boolean isSpace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(int c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean matchesIgnoreCase(byte[] b, int at, String word) {
    if (at + word.length() > b.length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (Character.toLowerCase(b[at + i]) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Parses from {@code from}; when nothing converts, the result's end is {@code from} and the value 0. */
  static Result parse(byte[] b, int from) {
    int i = from;
    int n = b.length;
    while (i < n && isSpace(b[i])) {
      i++;
    }
    boolean negative = false;
    if (i < n && (b[i] == '+' || b[i] == '-')) {
      negative = b[i] == '-';
      i++;
    }
    if (matchesIgnoreCase(b, i, "inf")) {
      i += 3;
      if (matchesIgnoreCase(b, i, "inity")) {
        i += 5;
      }
      return new Result(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, i, false, false);
    }
    if (matchesIgnoreCase(b, i, "nan")) {
      i += 3;
      if (i < n && b[i] == '(') {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(b[j]) || b[j] == '_')) {
          j++;
        }
        if (j < n && b[j] == ')') {
          i = j + 1;
        }
      }
      return new Result(Double.NaN, i, false, false);
    }
    if (i + 1 < n && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')
        && (i + 2 < n && (isHex(b[i + 2]) || (b[i + 2] == '.' && i + 3 < n && isHex(b[i + 3]))))) {
      return parseHex(b, i + 2, negative);
    }
    int start = i;
    int digits = 0;
    boolean nonZeroDigit = false;
    while (i < n && isDigit(b[i])) {
      nonZeroDigit |= b[i] != '0';
      i++;
      digits++;
    }
    if (i < n && b[i] == '.') {
      i++;
      while (i < n && isDigit(b[i])) {
        nonZeroDigit |= b[i] != '0';
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return new Result(0, from, false, false);
    }
    if (i < n && (b[i] == 'e' || b[i] == 'E')) {
      int j = i + 1;
      if (j < n && (b[j] == '+' || b[j] == '-')) {
        j++;
      }
      if (j < n && isDigit(b[j])) {
        while (j < n && isDigit(b[j])) {
          j++;
        }
        i = j;
      }
    }
    double v = Double.parseDouble(new String(b, start, i - start, java.nio.charset.StandardCharsets.US_ASCII));
    boolean overflow = Double.isInfinite(v);
    boolean underflow = v == 0 && nonZeroDigit;
    return new Result(negative ? -v : v, i, overflow, underflow);
  }

  private static Result parseHex(byte[] b, int i, boolean negative) {
    int n = b.length;
    StringBuilder mantissa = new StringBuilder();
    boolean nonZeroDigit = false;
    while (i < n && isHex(b[i])) {
      nonZeroDigit |= b[i] != '0';
      mantissa.append((char) b[i++]);
    }
    if (i < n && b[i] == '.') {
      mantissa.append('.');
      i++;
      while (i < n && isHex(b[i])) {
        nonZeroDigit |= b[i] != '0';
        mantissa.append((char) b[i++]);
      }
    }
    String exponent = "0";
    if (i < n && (b[i] == 'p' || b[i] == 'P')) {
      int j = i + 1;
      if (j < n && (b[j] == '+' || b[j] == '-')) {
        j++;
      }
      if (j < n && isDigit(b[j])) {
        while (j < n && isDigit(b[j])) {
          j++;
        }
        exponent = new String(b, i + 1, j - i - 1, java.nio.charset.StandardCharsets.US_ASCII);
        i = j;
      }
    }
    double v;
    try {
      v = Double.parseDouble("0x" + mantissa + "p" + exponent);
    } catch (NumberFormatException e) {
      // an exponent too long for Java's parser: it can only mean overflow or underflow
      v = exponent.startsWith("-") ? 0 : Double.POSITIVE_INFINITY;
    }
    return new Result(negative ? -v : v, i, Double.isInfinite(v), v == 0 && nonZeroDigit);
  }
}
