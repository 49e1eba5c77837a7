package dev.tide.engine.command;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LongDouble} against results printed by redis-server 7.0.15 for INCRBYFLOAT (x87 long
 * double arithmetic); the differential INCRBYFLOAT tests compare many more against a live server.
 */
class LongDoubleTest {

  @Test
  void sumsCarryLongDoubleRoundingLikeRedis() {
    assertThat(sum("10.6", "-5.0e3")).isEqualTo("-4989.39999999999999991");
    assertThat(sum("10.50", "0.1")).isEqualTo("10.6");
    assertThat(sum("5.0e3", "2.0e2")).isEqualTo("5200");
    assertThat(sum("1", "1e30")).isEqualTo("1000000000000000000024696061952");
    assertThat(sum("3", "1e-20")).isEqualTo("3");
    assertThat(sum("3", "-3")).isEqualTo("0");
    assertThat(sum("-9223372036854775806", "0x10")).isEqualTo("-9223372036854775790");
  }

  @Test
  void parsesStrtoldForms() {
    assertThat(parse("0x1.8p1")).isEqualTo("3");
    assertThat(parse("+.5")).isEqualTo("0.5");
    assertThat(parse("5.")).isEqualTo("5");
    assertThat(parse("1E2")).isEqualTo("100");
    assertThat(parse("-0")).isEqualTo("0");
    assertThat(LongDouble.parse(bytes("inf")).infinitySign()).isEqualTo(1);
    assertThat(LongDouble.parse(bytes("-Infinity")).infinitySign()).isEqualTo(-1);
  }

  @Test
  void rejectsWhatRedisRejects() {
    for (String bad : new String[] {"", " 1", "1 ", "nan", "NaN", "1e", "1e+", "0x", "0x1p", "abc", "1.2.3", "--1",
        "1e5000", "1e-5000", "0x1p20000", "infin", "+", ".", "7\u0000junk", "\u0000", "1\u0000"}) {
      assertThat(LongDouble.parse(bytes(bad))).as("'%s'", bad).isNull();
    }
    // leading zeros keep the value at 1: only the length decides
    assertThat(LongDouble.parse(bytes("0".repeat(LongDouble.MAX_CHARS - 1) + "1"))).isNull();
    assertThat(parse("0".repeat(LongDouble.MAX_CHARS - 2) + "1")).isEqualTo("1");
  }

  @Test
  void roundsHalfToEvenAtSixtyFourBits() {
    BigDecimal twoTo64 = new BigDecimal(BigDecimal.valueOf(2).toBigInteger().pow(64));
    // 2^64 + 1 lies halfway between 2^64 and 2^64 + 2: ties to the even significand, 2^64
    assertThat(LongDouble.round(twoTo64.add(BigDecimal.ONE)).value()).isEqualByComparingTo(twoTo64);
    // 2^64 + 3 is halfway between 2^64 + 2 (odd significand) and 2^64 + 4: rounds up
    assertThat(LongDouble.round(twoTo64.add(BigDecimal.valueOf(3))).value())
        .isEqualByComparingTo(twoTo64.add(BigDecimal.valueOf(4)));
  }

  @Test
  void infinitiesAddLikeIeee() {
    LongDouble inf = LongDouble.parse(bytes("inf"));
    assertThat(inf.add(LongDouble.parse(bytes("1"))).isInfinite()).isTrue();
    assertThat(inf.add(inf.negate())).isNull();
  }

  private static String sum(String a, String b) {
    return LongDouble.parse(bytes(a)).add(LongDouble.parse(bytes(b))).toHumanString();
  }

  private static String parse(String s) {
    return LongDouble.parse(bytes(s)).toHumanString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
