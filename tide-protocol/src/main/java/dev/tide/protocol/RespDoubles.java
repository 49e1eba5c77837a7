package dev.tide.protocol;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Double formatting exactly as C's {@code printf("%.17g")}, which Redis 7.0 uses for scores. */
public final class RespDoubles {

  private static final MathContext SEVENTEEN_DIGITS = new MathContext(17, RoundingMode.HALF_EVEN);

  private RespDoubles() {
  }

  /** {@code %.17g}: 17 significant digits, trailing zeros dropped, {@code inf}, {@code -inf}, {@code nan}. */
  public static String format17g(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0" : "0";
    }
    BigDecimal rounded = new BigDecimal(value).round(SEVENTEEN_DIGITS);
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent < -4 || exponent >= 17) {
      BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
      String digits = mantissa.toPlainString();
      String sign = exponent < 0 ? "-" : "+";
      int abs = Math.abs(exponent);
      return digits + "e" + sign + (abs < 10 ? "0" : "") + abs;
    }
    String plain = rounded.stripTrailingZeros().toPlainString();
    return plain;
  }

  /**
   * Redis's human-friendly long double format ({@code LD_STR_HUMAN}: {@code %.17Lf} without
   * trailing zeros), used by INCRBYFLOAT and HINCRBYFLOAT. The value is given exactly, as a
   * decimal, because Redis computes these in 80-bit long doubles, which a Java double cannot hold.
   */
  public static String formatHuman(BigDecimal value) {
    BigDecimal scaled = value.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
    if (scaled.signum() == 0) {
      return "0";
    }
    return scaled.scale() < 0 ? scaled.setScale(0).toPlainString() : scaled.toPlainString();
  }
}
