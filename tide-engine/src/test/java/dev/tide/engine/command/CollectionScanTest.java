package dev.tide.engine.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CollectionScanTest {

  private static long cursor(String s) {
    return CollectionScan.parseCursor(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void cursorsParseAsStrtoulDoes() {
    assertThat(cursor("0")).isZero();
    assertThat(cursor("")).isZero();
    assertThat(cursor("+5")).isEqualTo(5);
    assertThat(cursor("-1")).isEqualTo(-1L);
    assertThat(cursor("18446744073709551615")).isEqualTo(-1L);
    assertThat(cursor("-18446744073709551615")).isEqualTo(1);
    assertThat(CollectionScan.formatCursor(-1L)).isEqualTo("18446744073709551615");
    for (String bad : List.of("x", " 0", "\t1", "1.5", "-", "+", "18446744073709551616", "1 ", "0x10")) {
      assertThatThrownBy(() -> cursor(bad)).as(bad).isInstanceOf(CommandException.class)
          .hasMessage("ERR invalid cursor");
    }
  }
}
