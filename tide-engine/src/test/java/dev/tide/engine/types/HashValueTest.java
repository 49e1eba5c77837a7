package dev.tide.engine.types;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HashValueTest {

  private static final int ENTRIES = 128;
  private static final int VALUE = 64;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Contents in iteration order, as "field=value". */
  private static List<String> contents(HashValue h) {
    List<String> out = new ArrayList<>();
    h.forEach((fb, fo, fl, vb, vo, vl) -> out.add(new String(fb, fo, fl, StandardCharsets.UTF_8) + "="
        + new String(vb, vo, vl, StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void smallHashIsListpackInInsertionOrderAndUpdatesKeepTheirPlace() {
    HashValue h = HashValue.create();
    assertThat(h.put(b("a"), b("1"), ENTRIES, VALUE)).isTrue();
    assertThat(h.put(b("b"), b("2"), ENTRIES, VALUE)).isTrue();
    assertThat(h.put(b("c"), b("3"), ENTRIES, VALUE)).isTrue();
    assertThat(h.put(b("a"), b("a much longer value"), ENTRIES, VALUE)).isFalse();
    assertThat(h.put(b("c"), b(""), ENTRIES, VALUE)).isFalse();
    assertThat(h.encoding()).isEqualTo("listpack");
    assertThat(contents(h)).containsExactly("a=a much longer value", "b=2", "c=");
    assertThat(s(h.get(b("a")))).isEqualTo("a much longer value");
    assertThat(h.get(b("zz"))).isNull();
    assertThat(h.valueLength(b("b"))).isEqualTo(1);
    assertThat(h.valueLength(b("c"))).isZero();
    assertThat(h.valueLength(b("zz"))).isEqualTo(-1);
    assertThat(h.remove(b("b"))).isTrue();
    assertThat(h.remove(b("b"))).isFalse();
    assertThat(contents(h)).containsExactly("a=a much longer value", "c=");
    assertThat(h.size()).isEqualTo(2);
  }

  @Test
  void fieldsThatArePrefixesOfOthersAreDistinct() {
    HashValue h = HashValue.create();
    h.put(b("ab"), b("1"), ENTRIES, VALUE);
    h.put(b("a"), b("2"), ENTRIES, VALUE);
    h.put(b(""), b("3"), ENTRIES, VALUE);
    assertThat(s(h.get(b("a")))).isEqualTo("2");
    assertThat(s(h.get(b("ab")))).isEqualTo("1");
    assertThat(s(h.get(b("")))).isEqualTo("3");
    // a field equal to some value must not be found through the value
    h.put(b("x"), b("ab"), ENTRIES, VALUE);
    assertThat(h.remove(b("1"))).isFalse();
    assertThat(h.size()).isEqualTo(4);
  }

  @Test
  void convertsAfterMoreThanMaxEntriesAndNeverBack() {
    HashValue h = HashValue.create();
    for (int i = 0; i < ENTRIES; i++) {
      h.put(b("f" + i), b("v" + i), ENTRIES, VALUE);
    }
    assertThat(h.encoding()).isEqualTo("listpack");
    h.put(b("f0"), b("updated"), ENTRIES, VALUE);
    assertThat(h.encoding()).isEqualTo("listpack");
    h.put(b("one more"), b("x"), ENTRIES, VALUE);
    assertThat(h.encoding()).isEqualTo("hashtable");
    assertThat(h.size()).isEqualTo(ENTRIES + 1);
    assertThat(s(h.get(b("f0")))).isEqualTo("updated");
    assertThat(s(h.get(b("f127")))).isEqualTo("v127");
    for (int i = 0; i < ENTRIES; i++) {
      assertThat(h.remove(b("f" + i))).isTrue();
    }
    assertThat(h.size()).isEqualTo(1);
    assertThat(h.encoding()).isEqualTo("hashtable");
  }

  @Test
  void convertsWhenAFieldOrValueIsLongerThanMaxValue() {
    HashValue value = HashValue.create();
    value.put(b("f"), b("v".repeat(VALUE)), ENTRIES, VALUE);
    assertThat(value.encoding()).isEqualTo("listpack");
    value.put(b("g"), b("v".repeat(VALUE + 1)), ENTRIES, VALUE);
    assertThat(value.encoding()).isEqualTo("hashtable");
    assertThat(value.get(b("f"))).hasSize(VALUE);
    HashValue field = HashValue.create();
    field.put(b("f".repeat(VALUE + 1)), b("1"), ENTRIES, VALUE);
    assertThat(field.encoding()).isEqualTo("hashtable");
  }

  @Test
  void thresholdsComeFromTheCaller() {
    HashValue h = HashValue.create();
    h.put(b("a"), b("1"), 2, 1000);
    h.put(b("b"), b("x".repeat(500)), 2, 1000); // 2-byte length prefix
    assertThat(h.encoding()).isEqualTo("listpack");
    assertThat(h.get(b("b"))).hasSize(500);
    h.put(b("a"), b("y".repeat(300)), 2, 1000);
    assertThat(contents(h)).containsExactly("a=" + "y".repeat(300), "b=" + "x".repeat(500));
    h.put(b("c"), b("3"), 2, 1000);
    assertThat(h.encoding()).isEqualTo("hashtable");
  }

  @Test
  void randomOperationsAgreeWithAMapInBothEncodingsAndKeepMemoryExact() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      HashValue h = HashValue.create();
      Map<String, String> model = new LinkedHashMap<>();
      int fieldSpace = round < 10 ? 40 : 400;
      for (int op = 0; op < 2000; op++) {
        String f = "f" + random.nextInt(fieldSpace);
        if (random.nextInt(3) == 0) {
          assertThat(h.remove(b(f))).isEqualTo(model.remove(f) != null);
        } else {
          String v = "v".repeat(random.nextInt(round % 2 == 0 ? 40 : 70));
          assertThat(h.put(b(f), b(v), ENTRIES, VALUE)).isEqualTo(!model.containsKey(f));
          model.put(f, v);
        }
        assertThat(h.memoryBytes()).isEqualTo(h.memoryBytesRecomputed());
      }
      assertThat(h.size()).isEqualTo(model.size());
      for (Map.Entry<String, String> e : model.entrySet()) {
        assertThat(s(h.get(b(e.getKey())))).isEqualTo(e.getValue());
      }
      List<String> expected = new ArrayList<>();
      model.forEach((k, v) -> expected.add(k + "=" + v));
      if (h.isListpack()) {
        assertThat(contents(h)).containsExactlyElementsOf(expected); // insertion order, as the model
      } else {
        assertThat(contents(h)).containsExactlyInAnyOrderElementsOf(expected);
      }
    }
  }

  @Test
  void listpackIsFarSmallerThanAHashtable() {
    HashValue small = HashValue.create();
    for (int i = 0; i < 100; i++) {
      small.put(b("field:" + i), b("value:" + i), ENTRIES, VALUE);
    }
    HashValue table = small.copy();
    table.convertToHashtable();
    // 100 entries of ~8+8 bytes: the listpack is the bytes plus one length byte each
    long payload = 0;
    for (int i = 0; i < 100; i++) {
      payload += ("field:" + i).length() + ("value:" + i).length() + 2;
    }
    assertThat(small.memoryBytes()).isLessThan(payload + payload / 8 + 128);
    assertThat(table.memoryBytes()).isGreaterThan(3 * small.memoryBytes());
    assertThat(table.memoryBytes()).isEqualTo(table.memoryBytesRecomputed());
  }

  @Test
  void copyIsDeepAndKeepsTheEncoding() {
    for (int n : new int[] {5, 300}) {
      HashValue h = HashValue.create();
      for (int i = 0; i < n; i++) {
        h.put(b("f" + i), b("v" + i), ENTRIES, VALUE);
      }
      HashValue c = h.copy();
      assertThat(c.encoding()).isEqualTo(h.encoding());
      assertThat(contents(c)).containsExactlyInAnyOrderElementsOf(contents(h));
      c.put(b("f0"), b("changed"), ENTRIES, VALUE);
      c.remove(b("f1"));
      assertThat(s(h.get(b("f0")))).isEqualTo("v0");
      assertThat(h.contains(b("f1"))).isTrue();
      assertThat(c.memoryBytes()).isEqualTo(c.memoryBytesRecomputed());
    }
  }

  @Test
  void randomPicksAreFieldsOfTheHashAndDistinctWhenAsked() {
    SplittableRandom random = new SplittableRandom(7);
    for (int n : new int[] {10, 1000}) {
      HashValue h = HashValue.create();
      for (int i = 0; i < n; i++) {
        h.put(b("f" + i), b("v" + i), ENTRIES, VALUE);
      }
      for (int count : new int[] {1, 3, n / 2, n - 1}) {
        List<byte[][]> picked = h.randomDistinctEntries(count, random);
        assertThat(picked).hasSize(count);
        HashSet<String> fields = new HashSet<>();
        for (byte[][] e : picked) {
          assertThat(s(e[1])).isEqualTo("v" + s(e[0]).substring(1));
          fields.add(s(e[0]));
        }
        assertThat(fields).hasSize(count);
      }
      List<String> repeats = new ArrayList<>();
      h.randomEntriesWithRepeats(50, random, e -> repeats.add(s(e[0])));
      assertThat(repeats).hasSize(50).allSatisfy(f -> assertThat(h.contains(b(f))).isTrue());
    }
  }
}
