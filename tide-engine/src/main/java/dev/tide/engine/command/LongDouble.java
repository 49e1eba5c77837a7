package dev.tide.engine.command;

import dev.tide.protocol.RespDoubles;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An x87 80-bit {@code long double} value, emulated exactly, for INCRBYFLOAT and HINCRBYFLOAT.
 *
 * <p>Redis parses both operands of INCRBYFLOAT with {@code strtold}, adds them in 80-bit extended
 * precision (64-bit significand) and prints the sum with {@code "%.17Lf"} minus trailing zeros. A
 * Java {@code double} has 53 significant bits and gives different digits (Redis answers
 * {@code 10.6 + -5000} with {@code -4989.39999999999999991}), and plain decimal arithmetic gives
 * {@code -4989.4}. So this class keeps each value as the exact decimal expansion of the binary
 * number a {@code long double} would hold, rounds every result to the nearest such number
 * (round-half-even, as the FPU does), and formats with {@link RespDoubles#formatHuman}, which
 * rounds the exact expansion to 17 decimals as glibc's {@code printf} does. The result is the same
 * text Redis produces.
 *
 * <p>Parsing follows Redis's {@code string2ld}: the argument must be shorter than
 * {@link #MAX_CHARS}; no leading whitespace; the whole text must be a {@code strtold} number
 * (a NUL byte ends it early, which Redis rejects): decimal with optional exponent, hexadecimal
 * ({@code 0x1.8p3}), or {@code inf}/{@code infinity}; NaN, overflow, and underflow to zero are
 * rejected.
 *
 * @param value the exact value when finite; null when infinite
 * @param infinitySign +1 or -1 for infinities, 0 for finite values
 */
public record LongDouble(BigDecimal value, int infinitySign) {

  /** Redis's {@code MAX_LONG_DOUBLE_CHARS}: arguments this long or longer are not valid floats. */
  public static final int MAX_CHARS = 5 * 1024;
  /** Bits in the significand of an x87 extended double, explicit integer bit included. */
  private static final int SIGNIFICAND_BITS = 64;
  /** Exponent of the largest finite value's leading bit (the format's emax). */
  private static final int MAX_EXPONENT = 16383;
  /** Exponent of the smallest normal value's leading bit (emin). */
  private static final int MIN_NORMAL_EXPONENT = -16382;
  /** Exponent of the smallest subnormal value: emin - 63. */
  private static final int MIN_QUANTUM_EXPONENT = MIN_NORMAL_EXPONENT - (SIGNIFICAND_BITS - 1);
  /**
   * Decimal magnitudes outside ±this are overflow or underflow for certain (the format spans
   * about 10^-4951 .. 10^4932); checked before any big-number arithmetic so a hostile exponent
   * cannot make us allocate.
   */
  private static final int DECIMAL_EXPONENT_GUARD = 5000;
  /** Exponent digits beyond this value change nothing (already far outside the range). */
  private static final long EXPONENT_SATURATION = 1_000_000_000L;

  public static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, 0);
  private static final BigInteger FIVE = BigInteger.valueOf(5);

  public boolean isInfinite() {
    return infinitySign != 0;
  }

  /**
   * Parses text the way Redis's {@code string2ld} does; returns null when Redis would reply
   * "not a valid float". Infinity is a valid result.
   */
  public static LongDouble parse(byte[] text) {
    if (text.length == 0 || text.length >= MAX_CHARS) {
      return null;
    }
    int end = text.length; // Redis also checks that strtold consumed every byte, NULs included
    if (isSpace(text[0])) {
      return null;
    }
    int i = 0;
    boolean negative = false;
    if (text[0] == '+' || text[0] == '-') {
      negative = text[0] == '-';
      i = 1;
    }
    LongDouble magnitude;
    if (matchesIgnoreCase(text, i, end, "inf") || matchesIgnoreCase(text, i, end, "infinity")) {
      return new LongDouble(null, negative ? -1 : 1);
    } else if (end - i > 2 && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
      magnitude = parseHex(text, i + 2, end);
    } else {
      magnitude = parseDecimal(text, i, end);
    }
    if (magnitude == null || magnitude.isInfinite()) {
      return null; // malformed, or overflow (strtold: ERANGE with HUGE_VALL)
    }
    return negative ? magnitude.negate() : magnitude;
  }

  /** The sum, rounded to the nearest long double; null when it is NaN (inf + -inf). */
  public LongDouble add(LongDouble other) {
    if (isInfinite() || other.isInfinite()) {
      if (isInfinite() && other.isInfinite() && infinitySign != other.infinitySign) {
        return null;
      }
      return new LongDouble(null, isInfinite() ? infinitySign : other.infinitySign);
    }
    return round(value.add(other.value));
  }

  public LongDouble negate() {
    return isInfinite() ? new LongDouble(null, -infinitySign) : new LongDouble(value.negate(), 0);
  }

  /** Redis's human format ({@code %.17Lf} without trailing zeros); finite values only. */
  public String toHumanString() {
    if (isInfinite()) {
      throw new IllegalStateException("infinite long double has no human format");
    }
    return RespDoubles.formatHuman(value);
  }

  /** The long double nearest to an exact value (ties to even), or an infinity on overflow. */
  public static LongDouble round(BigDecimal exact) {
    int sign = exact.signum();
    if (sign == 0) {
      return ZERO;
    }
    BigDecimal abs = exact.abs();
    BigInteger num;
    BigInteger den;
    if (abs.scale() <= 0) {
      num = abs.unscaledValue().multiply(BigInteger.TEN.pow(-abs.scale()));
      den = BigInteger.ONE;
    } else {
      num = abs.unscaledValue();
      den = BigInteger.TEN.pow(abs.scale());
    }
    // e = floor(log2(num / den))
    int e = num.bitLength() - den.bitLength();
    if (compareWithPowerOfTwo(num, den, e) < 0) {
      e--;
    }
    if (e > MAX_EXPONENT) {
      return new LongDouble(null, sign);
    }
    int quantum = Math.max(e - (SIGNIFICAND_BITS - 1), MIN_QUANTUM_EXPONENT);
    BigInteger n = quantum <= 0 ? num.shiftLeft(-quantum) : num;
    BigInteger d = quantum <= 0 ? den : den.shiftLeft(quantum);
    BigInteger[] qr = n.divideAndRemainder(d);
    BigInteger m = qr[0];
    int half = qr[1].shiftLeft(1).compareTo(d);
    if (half > 0 || half == 0 && m.testBit(0)) {
      m = m.add(BigInteger.ONE);
    }
    if (m.signum() == 0) {
      return ZERO;
    }
    if (m.bitLength() + quantum > MAX_EXPONENT + 1) {
      return new LongDouble(null, sign); // rounded up past the largest finite value
    }
    BigDecimal v = quantum >= 0
        ? new BigDecimal(m.shiftLeft(quantum))
        : new BigDecimal(m.multiply(FIVE.pow(-quantum)), -quantum);
    return new LongDouble(sign < 0 ? v.negate() : v, 0);
  }

  /** Compares num/den with 2^e. */
  private static int compareWithPowerOfTwo(BigInteger num, BigInteger den, int e) {
    return e >= 0 ? num.compareTo(den.shiftLeft(e)) : num.shiftLeft(-e).compareTo(den);
  }

  /** Digits [. digits] [e [sign] digits], exactly the range [from, to). */
  private static LongDouble parseDecimal(byte[] t, int from, int to) {
    int i = from;
    StringBuilder digits = new StringBuilder();
    int fractionDigits = 0;
    while (i < to && isDigit(t[i])) {
      digits.append((char) t[i++]);
    }
    if (i < to && t[i] == '.') {
      i++;
      while (i < to && isDigit(t[i])) {
        digits.append((char) t[i++]);
        fractionDigits++;
      }
    }
    if (digits.isEmpty()) {
      return null;
    }
    long exponent = 0;
    if (i < to && (t[i] == 'e' || t[i] == 'E')) {
      long[] out = new long[1];
      i = parseExponent(t, i + 1, to, out);
      if (i < 0) {
        return null; // strtold would stop before the 'e', leaving text unparsed
      }
      exponent = out[0];
    }
    if (i != to) {
      return null;
    }
    BigInteger unscaled = new BigInteger(digits.toString());
    if (unscaled.signum() == 0) {
      return ZERO;
    }
    long scale = fractionDigits - exponent;
    long magnitude = unscaled.toString().length() - scale; // decimal digits before the point
    if (magnitude > DECIMAL_EXPONENT_GUARD) {
      return new LongDouble(null, 1);
    }
    if (magnitude < -DECIMAL_EXPONENT_GUARD) {
      return null; // underflow to zero: strtold sets ERANGE and Redis rejects it
    }
    return nonZero(round(new BigDecimal(unscaled, (int) scale)));
  }

  /** Hex digits [. hex digits] [p [sign] digits], after the "0x". */
  private static LongDouble parseHex(byte[] t, int from, int to) {
    int i = from;
    StringBuilder digits = new StringBuilder();
    int fractionDigits = 0;
    while (i < to && Character.digit(t[i], 16) >= 0) {
      digits.append((char) t[i++]);
    }
    if (i < to && t[i] == '.') {
      i++;
      while (i < to && Character.digit(t[i], 16) >= 0) {
        digits.append((char) t[i++]);
        fractionDigits++;
      }
    }
    if (digits.isEmpty()) {
      return null; // "0x" alone: strtold reads "0" and stops at the 'x'
    }
    long exponent = 0;
    if (i < to && (t[i] == 'p' || t[i] == 'P')) {
      long[] out = new long[1];
      i = parseExponent(t, i + 1, to, out);
      if (i < 0) {
        return null;
      }
      exponent = out[0];
    }
    if (i != to) {
      return null;
    }
    BigInteger mantissa = new BigInteger(digits.toString(), 16);
    if (mantissa.signum() == 0) {
      return ZERO;
    }
    long binaryExponent = exponent - 4L * fractionDigits;
    long top = mantissa.bitLength() + binaryExponent;
    if (top > MAX_EXPONENT + 2) {
      return new LongDouble(null, 1);
    }
    if (top < MIN_QUANTUM_EXPONENT - 2) {
      return null;
    }
    BigDecimal exact = binaryExponent >= 0
        ? new BigDecimal(mantissa.shiftLeft((int) binaryExponent))
        : new BigDecimal(mantissa.multiply(FIVE.pow((int) -binaryExponent)), (int) -binaryExponent);
    return nonZero(round(exact));
  }

  /** [sign] digits from {@code i}; returns the index after them, or -1 when there are no digits. */
  private static int parseExponent(byte[] t, int i, int to, long[] out) {
    boolean negative = false;
    if (i < to && (t[i] == '+' || t[i] == '-')) {
      negative = t[i] == '-';
      i++;
    }
    if (i >= to || !isDigit(t[i])) {
      return -1;
    }
    long exponent = 0;
    while (i < to && isDigit(t[i])) {
      exponent = Math.min(exponent * 10 + (t[i++] - '0'), EXPONENT_SATURATION);
    }
    out[0] = negative ? -exponent : exponent;
    return i;
  }

  /** A non-zero input that rounded to zero underflowed: strtold reports ERANGE, Redis rejects it. */
  private static LongDouble nonZero(LongDouble r) {
    return r.value != null && r.value.signum() == 0 ? null : r;
  }

  private static boolean matchesIgnoreCase(byte[] t, int from, int to, String word) {
    if (to - from != word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (Character.toLowerCase(t[from + k]) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** C's {@code isspace} in the C locale. */
  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
  }
}
