package dev.tide.engine.command;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected texts are what redis-server 7.0.15 on x86-64 prints for the same HINCRBYFLOAT calls. */
class LongDoubleHincrbyfloatCasesTest {

  private static LongDouble parse(String s) {
    LongDouble p = LongDouble.parse(s.getBytes(StandardCharsets.US_ASCII));
    assertThat(p).as(s).isNotNull();
    assertThat(p.isInfinite()).as(s).isFalse();
    return p;
  }

  private static String sum(String a, String b) {
    return parse(a).add(parse(b)).toHumanString();
  }

  @Test
  void sumsPrintAsRedisLongDoublesDo() {
    assertThat(sum("0.1", "0.2")).isEqualTo("0.3");
    assertThat(sum("1.1", "2.2")).isEqualTo("3.3");
    assertThat(sum("1", "5e70"))
        .isEqualTo("49999999999999999998867530932990474412769117149953577178426491979956224");
    assertThat(sum("0", "123456789012345678901234567890")).isEqualTo("123456789012345678899921813504");
    assertThat(sum("16", "1.5e-3")).isEqualTo("16.0015");
    assertThat(sum("-1", "1")).isEqualTo("0");
    assertThat(sum("3000", ".5")).isEqualTo("3000.5");
    assertThat(sum("3000.5", "5.")).isEqualTo("3005.5");
    assertThat(sum("3005.5", "0x1p3")).isEqualTo("3013.5");
    assertThat(sum("0", "0X1P-2")).isEqualTo("0.25");
    assertThat(sum("0", "1e-4940")).isEqualTo("0");
    assertThat(sum("0", "1e400")).startsWith("10000000000000000000281880683947586514586453433629052038625910693539");
  }

  @Test
  void overflowIsReportedNotRounded() {
    assertThat(parse("1e4932").add(parse("1e4932")).isInfinite()).isTrue();
    assertThat(parse("1e4932").add(parse("-1e4932")).value()).isEqualByComparingTo("0");
  }

  @Test
  void rejectsWhatStrtoldRejectsOrPutsOutOfRange() {
    for (String bad : List.of("", " 1", "1 ", "x", "nan", "-nan", "1e", "0x", "0xg", "1e5000", "-1e5000", "1e-5000",
        "1,5", "--1", "+-1", ".", "e5", "0x1p", "1" + "0".repeat(LongDouble.MAX_CHARS))) {
      assertThat(LongDouble.parse(bad.getBytes(StandardCharsets.US_ASCII))).as(bad).isNull();
    }
  }

  @Test
  void infinityIsParsedAsSuch() {
    for (String inf : List.of("inf", "-inf", "+INF", "Infinity", "-infinity")) {
      LongDouble p = LongDouble.parse(inf.getBytes(StandardCharsets.US_ASCII));
      assertThat(p).as(inf).isNotNull();
      assertThat(p.isInfinite()).isTrue();
    }
  }

  @Test
  void everyLongIsExact() {
    for (long v : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 9007199254740993L, -1}) {
      assertThat(LongDouble.round(BigDecimal.valueOf(v)).value()).isEqualByComparingTo(BigDecimal.valueOf(v));
    }
    // 2^64 + 1 needs 65 bits: rounds to even
    BigDecimal twoTo64 = new BigDecimal("18446744073709551616");
    assertThat(LongDouble.round(twoTo64.add(BigDecimal.ONE)).value()).isEqualByComparingTo(twoTo64);
  }
}
