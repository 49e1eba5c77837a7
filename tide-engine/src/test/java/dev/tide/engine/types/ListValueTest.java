package dev.tide.engine.types;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ListValue} against a plain {@code ArrayList<byte[]>} model: seeded random operation
 * sequences (bounded), with the structure's invariants (framing in both directions, counts,
 * links, heap figure) checked after every step.
 */
class ListValueTest {

  /** Operations per random run: enough to build lists of hundreds of nodes, fast enough for CI. */
  private static final int OPERATIONS = 6_000;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Element sizes chosen to cross every varint width and the node size limit. */
  private static byte[] randomElement(SplittableRandom r) {
    int kind = r.nextInt(100);
    int len;
    if (kind < 60) {
      len = r.nextInt(8); // tiny: many entries per node, few distinct values (LREM/LINSERT hit)
    } else if (kind < 90) {
      len = 100 + r.nextInt(200); // crosses the 1-byte varint boundary at 128
    } else if (kind < 98) {
      len = 1000 + r.nextInt(3000);
    } else {
      len = ListValue.NODE_MAX_BYTES + r.nextInt(20_000); // larger than a node: a node of its own
    }
    byte[] e = new byte[len];
    if (len < 8) {
      Arrays.fill(e, (byte) ('a' + r.nextInt(3)));
    } else {
      r.nextBytes(e);
    }
    return e;
  }

  private static void assertSame(ListValue list, List<byte[]> model) {
    list.checkInvariants();
    assertThat(list.length()).isEqualTo(model.size());
    if (model.isEmpty()) {
      return;
    }
    List<byte[]> actual = new ArrayList<>();
    list.forEach(0, model.size() - 1, (buf, off, len) -> actual.add(Arrays.copyOfRange(buf, off, off + len)));
    assertThat(actual).usingElementComparator(Arrays::compare).containsExactlyElementsOf(model);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20240607})
  void randomOperationsMatchModel(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    ListValue list = new ListValue();
    List<byte[]> model = new ArrayList<>();
    for (int step = 0; step < OPERATIONS; step++) {
      int op = r.nextInt(100);
      if (op < 25) {
        byte[] e = randomElement(r);
        list.pushTail(e);
        model.add(e);
      } else if (op < 50) {
        byte[] e = randomElement(r);
        list.pushHead(e);
        model.add(0, e);
      } else if (op < 58) {
        byte[] got = list.popHead();
        assertThat(got).isEqualTo(model.isEmpty() ? null : model.remove(0));
      } else if (op < 66) {
        byte[] got = list.popTail();
        assertThat(got).isEqualTo(model.isEmpty() ? null : model.remove(model.size() - 1));
      } else if (op < 74) {
        long index = r.nextLong(-model.size() - 2, model.size() + 2);
        long normal = index < 0 ? index + model.size() : index;
        byte[] expected = normal >= 0 && normal < model.size() ? model.get((int) normal) : null;
        assertThat(list.get(index)).isEqualTo(expected);
      } else if (op < 79) {
        long index = r.nextLong(-model.size() - 2, model.size() + 2);
        long normal = index < 0 ? index + model.size() : index;
        byte[] e = randomElement(r);
        boolean inRange = normal >= 0 && normal < model.size();
        assertThat(list.set(index, e)).isEqualTo(inRange);
        if (inRange) {
          model.set((int) normal, e);
        }
      } else if (op < 84) {
        byte[] pivot = model.isEmpty() || r.nextBoolean() ? randomElement(r) : model.get(r.nextInt(model.size()));
        byte[] e = randomElement(r);
        boolean after = r.nextBoolean();
        int at = indexOf(model, pivot);
        assertThat(list.insert(pivot, e, after)).isEqualTo(at >= 0);
        if (at >= 0) {
          model.add(after ? at + 1 : at, e);
        }
      } else if (op < 89) {
        byte[] value = model.isEmpty() || r.nextInt(4) == 0 ? randomElement(r) : model.get(r.nextInt(model.size()));
        long count = r.nextInt(5) - 2;
        assertThat(list.remove(value, count)).isEqualTo(modelRemove(model, value, count));
      } else if (op < 92) {
        int k = model.isEmpty() ? 0 : r.nextInt(Math.min(model.size(), 50) + 1);
        list.trimHead(k);
        model.subList(0, k).clear();
      } else if (op < 95) {
        int k = model.isEmpty() ? 0 : r.nextInt(Math.min(model.size(), 50) + 1);
        list.trimTail(k);
        model.subList(model.size() - k, model.size()).clear();
      } else if (op < 98 && !model.isEmpty()) {
        int from = r.nextInt(model.size());
        int to = from + r.nextInt(model.size() - from);
        List<byte[]> got = new ArrayList<>();
        list.forEach(from, to, (buf, off, len) -> got.add(Arrays.copyOfRange(buf, off, off + len)));
        assertThat(got).usingElementComparator(Arrays::compare).containsExactlyElementsOf(model.subList(from, to + 1));
      } else {
        assertCursor(list, model, r.nextBoolean());
      }
      list.checkInvariants();
      assertThat(list.length()).isEqualTo(model.size());
      if (step % 250 == 0) {
        assertSame(list, model);
      }
    }
    assertSame(list, model);
    ListValue copy = list.copy();
    assertSame(copy, model);
    if (!model.isEmpty()) {
      copy.popHead();
      assertSame(list, model); // the copy shares nothing
    }
  }

  private static void assertCursor(ListValue list, List<byte[]> model, boolean fromTail) {
    ListValue.Cursor c = list.cursor(fromTail);
    List<byte[]> seen = new ArrayList<>();
    while (c.next()) {
      byte[] cur = c.current();
      assertThat(c.currentEquals(cur)).isTrue();
      seen.add(cur);
    }
    List<byte[]> expected = new ArrayList<>(model);
    if (fromTail) {
      java.util.Collections.reverse(expected);
    }
    assertThat(seen).usingElementComparator(Arrays::compare).containsExactlyElementsOf(expected);
  }

  private static int indexOf(List<byte[]> model, byte[] v) {
    for (int i = 0; i < model.size(); i++) {
      if (Arrays.equals(model.get(i), v)) {
        return i;
      }
    }
    return -1;
  }

  private static long modelRemove(List<byte[]> model, byte[] value, long count) {
    long removed = 0;
    long limit = Math.abs(count);
    if (count >= 0) {
      for (Iterator<byte[]> it = model.iterator(); it.hasNext() && (limit == 0 || removed < limit); ) {
        if (Arrays.equals(it.next(), value)) {
          it.remove();
          removed++;
        }
      }
    } else {
      for (int i = model.size() - 1; i >= 0 && removed < limit; i--) {
        if (Arrays.equals(model.get(i), value)) {
          model.remove(i);
          removed++;
        }
      }
    }
    return removed;
  }

  @Test
  void queueUseKeepsOneSmallNode() {
    ListValue list = new ListValue();
    for (int i = 0; i < 100_000; i++) {
      list.pushTail(b("job-" + i));
      if (i >= 10) {
        assertThat(list.popHead()).isEqualTo(b("job-" + (i - 10)));
      }
    }
    list.checkInvariants();
    assertThat(list.length()).isEqualTo(10);
    assertThat(list.nodeCount()).isEqualTo(1);
    assertThat(list.memoryBytes()).isLessThan(ListValue.NODE_MAX_BYTES + 200);
  }

  @Test
  void elementsAtVarintBoundariesRoundTripBothWays() {
    int[] lengths = {0, 1, 127, 128, 129, 16383, 16384, 16385, 2_097_151, 2_097_152};
    ListValue list = new ListValue();
    for (int len : lengths) {
      byte[] e = new byte[len];
      Arrays.fill(e, (byte) (len % 251));
      list.pushTail(e);
      list.pushHead(e);
    }
    list.checkInvariants();
    for (int i = lengths.length - 1; i >= 0; i--) {
      assertThat(list.popHead()).hasSize(lengths[i]);
    }
    for (int i = lengths.length - 1; i >= 0; i--) {
      assertThat(list.popTail()).hasSize(lengths[i]);
    }
    assertThat(list.length()).isZero();
    list.checkInvariants();
  }

  @Test
  void memoryPerSmallElementIsNearListpackCost() {
    ListValue list = new ListValue();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      list.pushTail(b("v" + (i % 1000))); // 2 to 4 bytes, as Redis benchmarks use
    }
    list.checkInvariants();
    double perElement = (double) list.memoryBytes() / n;
    // 2..4 bytes of data plus 2 bytes of framing, plus node overhead amortised over ~1300 entries
    assertThat(perElement).isLessThan(7.5);
  }
}
