package dev.tide.engine.types;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class SetValueTest {

  private static final int MAX_INTSET = 512;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> members(SetValue s) {
    List<String> out = new ArrayList<>();
    s.forEach(m -> out.add(new String(m, StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void firstMemberChoosesTheEncoding() {
    assertThat(SetValue.createFor(b("12")).encoding()).isEqualTo("intset");
    assertThat(SetValue.createFor(b("-9223372036854775808")).encoding()).isEqualTo("intset");
    for (String notCanonical : List.of("x", "012", "+1", "-0", " 1", "1.0", "9223372036854775808", "")) {
      assertThat(SetValue.createFor(b(notCanonical)).encoding()).as(notCanonical).isEqualTo("hashtable");
    }
  }

  @Test
  void intsetKeepsIntegersSortedAcrossEveryWidth() {
    SetValue s = SetValue.createIntset();
    String[] values = {"5", "-3", "0", "40000", "-40000", "5000000000", "-5000000000", "9223372036854775807",
        "-9223372036854775808", "32767", "-32768", "2147483647", "-2147483648", "5"};
    for (String v : values) {
      s.add(b(v), MAX_INTSET);
    }
    assertThat(s.encoding()).isEqualTo("intset");
    assertThat(members(s)).containsExactly("-9223372036854775808", "-5000000000", "-2147483648", "-40000",
        "-32768", "-3", "0", "5", "32767", "40000", "2147483647", "5000000000", "9223372036854775807");
    assertThat(s.contains(b("40000"))).isTrue();
    assertThat(s.contains(b("40001"))).isFalse();
    assertThat(s.contains(b("040000"))).isFalse();
    assertThat(s.contains(b("abc"))).isFalse();
    assertThat(s.remove(b("5000000000"))).isTrue();
    assertThat(s.remove(b("5000000000"))).isFalse();
    assertThat(s.remove(b("x"))).isFalse();
    assertThat(s.size()).isEqualTo(12);
  }

  @Test
  void largeValuesAreFoundInANarrowIntset() {
    SetValue s = SetValue.createIntset();
    s.add(b("1"), MAX_INTSET);
    s.add(b("2"), MAX_INTSET);
    assertThat(s.contains(b("65537"))).isFalse();
    assertThat(s.contains(b("-9223372036854775808"))).isFalse();
    assertThat(s.remove(b("4294967297"))).isFalse();
  }

  @Test
  void convertsPastTheEntryLimitOrOnANonIntegerAndNeverBack() {
    SetValue s = SetValue.createIntset();
    for (int i = 0; i < MAX_INTSET; i++) {
      assertThat(s.add(b(Integer.toString(i)), MAX_INTSET)).isTrue();
    }
    assertThat(s.add(b("0"), MAX_INTSET)).isFalse();
    assertThat(s.encoding()).isEqualTo("intset");
    s.add(b("100000"), MAX_INTSET);
    assertThat(s.encoding()).isEqualTo("hashtable");
    assertThat(s.size()).isEqualTo(MAX_INTSET + 1);
    assertThat(s.contains(b("511"))).isTrue();
    for (int i = 0; i < MAX_INTSET; i++) {
      s.remove(b(Integer.toString(i)));
    }
    assertThat(s.encoding()).isEqualTo("hashtable");

    SetValue t = SetValue.createIntset();
    t.add(b("1"), MAX_INTSET);
    t.add(b("one"), MAX_INTSET);
    assertThat(t.encoding()).isEqualTo("hashtable");
    assertThat(t.contains(b("1"))).isTrue();
    assertThat(t.contains(b("one"))).isTrue();
  }

  @Test
  void intsetTakesTwoBytesPerSmallMember() {
    SetValue s = SetValue.createIntset();
    for (int i = 0; i < 500; i++) {
      s.add(b(Integer.toString(i)), MAX_INTSET);
    }
    assertThat(s.memoryBytes()).isLessThan(500 * 2 + 500 * 2 / 8 + 128);
    SetValue table = s.copy();
    table.convertToHashtable();
    assertThat(table.memoryBytes()).isGreaterThan(10 * s.memoryBytes());
  }

  @Test
  void randomOperationsAgreeWithASetAndKeepMemoryExact() {
    Random random = new Random(11);
    for (int round = 0; round < 20; round++) {
      SetValue s = round % 2 == 0 ? SetValue.createIntset() : SetValue.createHashtable();
      Set<String> model = new HashSet<>();
      for (int op = 0; op < 3000; op++) {
        long n = switch (random.nextInt(3)) {
          case 0 -> random.nextInt(200) - 100;
          case 1 -> random.nextInt(200_000) - 100_000;
          default -> random.nextLong() / (1 + random.nextInt(1000));
        };
        String m = round >= 16 && random.nextInt(50) == 0 ? "w" + n : Long.toString(n);
        if (random.nextInt(3) == 0) {
          assertThat(s.remove(b(m))).isEqualTo(model.remove(m));
        } else {
          assertThat(s.add(b(m), MAX_INTSET)).isEqualTo(model.add(m));
        }
        assertThat(s.memoryBytes()).isEqualTo(s.memoryBytesRecomputed());
      }
      assertThat(s.size()).isEqualTo(model.size());
      if (s.isIntset()) {
        List<Long> sorted = new ArrayList<>(new TreeSet<>(model.stream().map(Long::parseLong).toList()));
        assertThat(members(s)).containsExactlyElementsOf(sorted.stream().map(String::valueOf).toList());
      } else {
        assertThat(members(s)).containsExactlyInAnyOrderElementsOf(model);
      }
    }
  }

  @Test
  void popAndRandomPicksComeFromTheSet() {
    SplittableRandom random = new SplittableRandom(3);
    for (boolean ints : new boolean[] {true, false}) {
      SetValue s = ints ? SetValue.createIntset() : SetValue.createHashtable();
      Set<String> model = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        String m = ints ? Integer.toString(i * 7) : "m" + i;
        s.add(b(m), MAX_INTSET);
        model.add(m);
      }
      for (int count : new int[] {1, 10, 99, 299}) {
        List<byte[]> picked = s.randomDistinctMembers(count, random);
        Set<String> distinct = new HashSet<>();
        picked.forEach(m -> distinct.add(new String(m, StandardCharsets.UTF_8)));
        assertThat(distinct).hasSize(count);
        assertThat(model).containsAll(distinct);
      }
      for (int i = 0; i < 300; i++) {
        String popped = new String(s.popRandom(random), StandardCharsets.UTF_8);
        assertThat(model.remove(popped)).as(popped).isTrue();
        assertThat(s.size()).isEqualTo(model.size());
      }
    }
  }

  @Test
  void copyIsDeep() {
    for (boolean ints : new boolean[] {true, false}) {
      SetValue s = SetValue.createFor(b(ints ? "1" : "a"));
      s.add(b(ints ? "1" : "a"), MAX_INTSET);
      s.add(b(ints ? "2" : "b"), MAX_INTSET);
      SetValue c = s.copy();
      assertThat(c.encoding()).isEqualTo(s.encoding());
      c.remove(b(ints ? "1" : "a"));
      c.add(b(ints ? "3" : "c"), MAX_INTSET);
      assertThat(members(s)).containsExactlyInAnyOrder(ints ? new String[] {"1", "2"} : new String[] {"a", "b"});
      assertThat(c.memoryBytes()).isEqualTo(c.memoryBytesRecomputed());
    }
  }
}
