package dev.tide.engine.command;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Redis's {@code long double} arithmetic for INCRBYFLOAT and HINCRBYFLOAT, emulated exactly.
 *
 * <p>Redis (on x86-64) parses the stored value and the increment with {@code strtold}, adds them
 * in the x87 80-bit extended format (64-bit significand, 15-bit exponent) and prints the sum with
 * {@code %.17Lf}. A Java {@code double} has only 53 significand bits, so {@code 1 + 5e70} or
 * {@code 0.1 + 0.2} would print differently. Here every value is kept as an exact
 * {@link BigDecimal} that is always a number representable in the 80-bit format: parsing and
 * addition round the exact result to the nearest such number (ties to even, as the FPU does),
 * so the decimal text {@link dev.tide.protocol.RespDoubles#formatHuman} prints matches Redis
 * digit for digit.
 *
 * <p>Values are finite; a result that does not fit is reported as overflow, never as infinity,
 * and callers turn that into Redis's error.
 */
public final class X87LongDouble {

  /** Bits of the x87 extended significand (explicit integer bit included). */
  private static final int SIGNIFICAND_BITS = 64;
  /** Exponent of the lowest significand bit of the smallest subnormal: 2^-16445. */
  private static final int MIN_LSB_EXPONENT = -16445;
  /** Largest exponent of the lowest significand bit of a finite value: (2^64-1) × 2^16320. */
  private static final int MAX_LSB_EXPONENT = 16383 - 63;
  /** Redis's {@code MAX_LONG_DOUBLE_CHARS}: longer inputs are rejected by {@code string2ld}. */
  public static final int MAX_CHARS = 5 * 1024;
  /** Decimal exponents beyond which a value is certainly out of range (|x| ≥ 1e4933 or < 1e-4952). */
  private static final int DECIMAL_EXPONENT_LIMIT = 4960;

  private X87LongDouble() {
  }

  /** A parse result: a finite value, or one of the special outcomes {@code strtold} can produce. */
  public record Parsed(BigDecimal value, boolean infinite, boolean negative) {
  }

  /**
   * Parses as Redis's {@code string2ld}: the whole text must be a number for {@code strtold}
   * (decimal or hexadecimal float, {@code inf}/{@code infinity}), without leading space, not NaN,
   * not out of range (overflow, or a non-zero value that rounds to zero). Returns null when Redis
   * would reject the text.
   */
  public static Parsed parse(byte[] text) {
    int n = text.length;
    if (n == 0 || n >= MAX_CHARS) {
      return null;
    }
    String s = new String(text, StandardCharsets.ISO_8859_1);
    int i = 0;
    boolean negative = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    String body = s.substring(i).toLowerCase();
    if (body.equals("inf") || body.equals("infinity")) {
      return new Parsed(null, true, negative);
    }
    BigDecimal exact;
    if (body.startsWith("0x")) {
      exact = parseHex(body.substring(2));
    } else {
      exact = parseDecimal(body);
    }
    if (exact == null) {
      return null;
    }
    if (negative) {
      exact = exact.negate();
    }
    if (exact.signum() == 0) {
      return new Parsed(BigDecimal.ZERO, false, negative);
    }
    BigDecimal rounded = round(exact);
    if (rounded == null || rounded.signum() == 0) {
      return null; // ERANGE: overflow, or underflow to zero
    }
    return new Parsed(rounded, false, negative);
  }

  /** Digits, optional '.', optional exponent, at least one digit; null otherwise. */
  private static BigDecimal parseDecimal(String s) {
    int i = 0;
    int n = s.length();
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return null;
    }
    String mantissa = s.substring(0, i);
    long exponent = 0;
    if (i < n && s.charAt(i) == 'e') {
      int j = i + 1;
      boolean expNegative = false;
      if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        expNegative = s.charAt(j) == '-';
        j++;
      }
      int expDigits = 0;
      while (j < n && isDigit(s.charAt(j))) {
        if (exponent < 1_000_000_000L) {
          exponent = exponent * 10 + (s.charAt(j) - '0');
        }
        j++;
        expDigits++;
      }
      if (expDigits == 0) {
        return null; // strtold would stop before the 'e', leaving unparsed text
      }
      exponent = expNegative ? -exponent : exponent;
      i = j;
    }
    if (i != n) {
      return null;
    }
    if (mantissa.endsWith(".")) {
      mantissa = mantissa.substring(0, mantissa.length() - 1);
    }
    if (mantissa.startsWith(".")) {
      mantissa = "0" + mantissa;
    }
    BigDecimal m = new BigDecimal(mantissa);
    if (m.signum() == 0) {
      return BigDecimal.ZERO;
    }
    long magnitude = (long) m.precision() - m.scale() + exponent;
    if (magnitude > DECIMAL_EXPONENT_LIMIT) {
      return OUT_OF_RANGE_HIGH;
    }
    if (magnitude < -DECIMAL_EXPONENT_LIMIT) {
      return OUT_OF_RANGE_LOW;
    }
    return m.scaleByPowerOfTen((int) exponent);
  }

  /** Sentinels for values certainly beyond the format's range; {@link #round} maps them. */
  private static final BigDecimal OUT_OF_RANGE_HIGH = BigDecimal.TEN.pow(DECIMAL_EXPONENT_LIMIT + 10);
  private static final BigDecimal OUT_OF_RANGE_LOW = BigDecimal.ONE.movePointLeft(DECIMAL_EXPONENT_LIMIT + 10);

  /** Hex digits, optional '.', optional binary exponent 'p'; at least one digit. */
  private static BigDecimal parseHex(String s) {
    int i = 0;
    int n = s.length();
    BigInteger mantissa = BigInteger.ZERO;
    int digits = 0;
    long fractionDigits = 0;
    boolean inFraction = false;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '.' && !inFraction) {
        inFraction = true;
        i++;
        continue;
      }
      int d = Character.digit(c, 16);
      if (d < 0) {
        break;
      }
      mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(d));
      digits++;
      if (inFraction) {
        fractionDigits++;
      }
      i++;
    }
    if (digits == 0) {
      return null;
    }
    long exponent = 0;
    if (i < n && s.charAt(i) == 'p') {
      int j = i + 1;
      boolean expNegative = false;
      if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        expNegative = s.charAt(j) == '-';
        j++;
      }
      int expDigits = 0;
      while (j < n && isDigit(s.charAt(j))) {
        if (exponent < 1_000_000_000L) {
          exponent = exponent * 10 + (s.charAt(j) - '0');
        }
        j++;
        expDigits++;
      }
      if (expDigits == 0) {
        return null;
      }
      exponent = expNegative ? -exponent : exponent;
      i = j;
    }
    if (i != n) {
      return null;
    }
    if (mantissa.signum() == 0) {
      return BigDecimal.ZERO;
    }
    long binaryExponent = exponent - 4 * fractionDigits;
    long magnitudeBits = mantissa.bitLength() + binaryExponent;
    if (magnitudeBits > 16500) {
      return OUT_OF_RANGE_HIGH;
    }
    if (magnitudeBits < -16500) {
      return OUT_OF_RANGE_LOW;
    }
    return times2pow(new BigDecimal(mantissa), (int) binaryExponent);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static BigDecimal times2pow(BigDecimal x, int e) {
    if (e >= 0) {
      return x.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(e)));
    }
    // 2^-k = 5^k / 10^k, exact
    return x.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-e))).movePointLeft(-e);
  }

  /**
   * Rounds an exact value to the nearest x87 extended value (ties to even). Returns null on
   * overflow; may return zero on underflow.
   */
  public static BigDecimal round(BigDecimal exact) {
    if (exact.signum() == 0) {
      return BigDecimal.ZERO;
    }
    if (exact == OUT_OF_RANGE_HIGH || exact.abs().compareTo(OUT_OF_RANGE_HIGH) >= 0) {
      return null;
    }
    if (exact.abs().compareTo(OUT_OF_RANGE_LOW) <= 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal abs = exact.abs();
    // abs = num / den exactly
    BigInteger num;
    BigInteger den;
    if (abs.scale() > 0) {
      num = abs.unscaledValue();
      den = BigInteger.TEN.pow(abs.scale());
    } else {
      num = abs.unscaledValue().multiply(BigInteger.TEN.pow(-abs.scale()));
      den = BigInteger.ONE;
    }
    // choose e so that num / (den × 2^e) has exactly SIGNIFICAND_BITS bits before rounding
    int e = num.bitLength() - den.bitLength() - SIGNIFICAND_BITS;
    BigInteger q;
    BigInteger r;
    BigInteger d;
    for (int attempt = 0; ; attempt++) {
      if (e < MIN_LSB_EXPONENT) {
        e = MIN_LSB_EXPONENT;
      }
      BigInteger n2 = e < 0 ? num.shiftLeft(-e) : num;
      d = e > 0 ? den.shiftLeft(e) : den;
      BigInteger[] qr = n2.divideAndRemainder(d);
      q = qr[0];
      r = qr[1];
      if (q.bitLength() > SIGNIFICAND_BITS) {
        e++;
      } else if (q.bitLength() < SIGNIFICAND_BITS && e > MIN_LSB_EXPONENT) {
        e--;
      } else {
        break;
      }
      if (attempt > 4) {
        throw new IllegalStateException("significand search did not settle");
      }
    }
    int cmp = r.shiftLeft(1).compareTo(d);
    if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
      q = q.add(BigInteger.ONE);
      if (q.bitLength() > SIGNIFICAND_BITS) {
        q = q.shiftRight(1);
        e++;
      }
    }
    if (e > MAX_LSB_EXPONENT) {
      return null;
    }
    BigDecimal result = times2pow(new BigDecimal(q), e);
    return exact.signum() < 0 ? result.negate() : result;
  }

  /** The x87 sum of two representable values; null on overflow. */
  public static BigDecimal add(BigDecimal a, BigDecimal b) {
    return round(a.add(b));
  }

  /** Convenience for tests and callers holding a long: the exact value (every long fits in 64 bits). */
  public static BigDecimal of(long v) {
    return BigDecimal.valueOf(v);
  }
}
