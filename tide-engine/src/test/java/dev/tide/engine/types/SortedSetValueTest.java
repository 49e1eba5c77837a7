package dev.tide.engine.types;

import dev.tide.engine.types.SortedSetValue.LexRange;
import dev.tide.engine.types.SortedSetValue.ScoreRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SortedSetValue} in both encodings against a simple model (a map from member to score,
 * sorted on demand): seeded random operation sequences, bounded, with the structure's own
 * invariants (order, spans, backward links, dict, heap figure) checked after every step.
 */
class SortedSetValueTest {

  /** Operations per random run. */
  private static final int OPERATIONS = 5_000;

  private record Entry(String member, double score) {
  }

  private static final Comparator<Entry> ORDER = (a, b) -> {
    if (a.score < b.score) {
      return -1;
    }
    if (a.score > b.score) {
      return 1;
    }
    return Arrays.compareUnsigned(bytes(a.member), bytes(b.member));
  };

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Entry> sorted(Map<String, Double> model) {
    List<Entry> out = new ArrayList<>();
    model.forEach((m, s) -> out.add(new Entry(m, s)));
    out.sort(ORDER);
    return out;
  }

  private static List<Entry> contents(SortedSetValue z, long from, long to, boolean reverse) {
    List<Entry> out = new ArrayList<>();
    if (from <= to) {
      z.visit(from, to, reverse, (buf, off, len, score) ->
          out.add(new Entry(new String(buf, off, len, StandardCharsets.UTF_8), score)));
    }
    return out;
  }

  private static String randomMember(SplittableRandom r, int maxLen) {
    // a small alphabet so members repeat (updates, removals hit) and share prefixes (lex order)
    int len = r.nextInt(maxLen + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append((char) ('a' + r.nextInt(3)));
    }
    return sb.toString();
  }

  private static double randomScore(SplittableRandom r) {
    return switch (r.nextInt(8)) {
      case 0 -> r.nextInt(5); // many ties: order falls to the member
      case 1 -> r.nextDouble() * 100 - 50;
      case 2 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 3 -> r.nextLong(-(1L << 53), 1L << 53);
      case 4 -> r.nextBoolean() ? 1e300 : -1e-300;
      case 5 -> 0.1 * r.nextInt(10);
      default -> r.nextInt(100) - 50;
    };
  }

  @ParameterizedTest(name = "seed {0}, listpack limit {1} entries / {2} bytes")
  @CsvSource({"1, 128, 64", "2, 128, 64", "3, 16, 4", "4, 0, 64", "5, 100000, 100000", "6, 40, 8"})
  void randomOperationsMatchModel(long seed, int maxEntries, int maxValue) {
    SplittableRandom r = new SplittableRandom(seed);
    SortedSetValue z = new SortedSetValue();
    Map<String, Double> model = new HashMap<>();
    double[] out = new double[1];
    for (int step = 0; step < OPERATIONS; step++) {
      int op = r.nextInt(100);
      if (op < 45) {
        String m = randomMember(r, 9);
        double score = randomScore(r);
        int flags = r.nextInt(4) == 0 ? new int[] {SortedSetValue.ADD_NX, SortedSetValue.ADD_XX,
            SortedSetValue.ADD_GT, SortedSetValue.ADD_LT, SortedSetValue.ADD_INCR,
            SortedSetValue.ADD_XX | SortedSetValue.ADD_GT}[r.nextInt(6)] : 0;
        int result = z.add(bytes(m), score, flags, maxEntries, maxValue, out);
        double[] computed = new double[1];
        assertThat(result).isEqualTo(modelAdd(model, m, score, flags, computed));
        if ((result & (SortedSetValue.OUT_NOP | SortedSetValue.OUT_NAN)) == 0) {
          assertThat(out[0]).isEqualTo(computed[0]); // the computed score, sign of zero included
          if (z.isCompact() && computed[0] == 0) {
            model.put(m, 0.0); // the compact form stores zero without its sign, as Redis's listpack
          }
        }
      } else if (op < 60) {
        String m = randomMember(r, 9);
        assertThat(z.remove(bytes(m))).isEqualTo(model.remove(m) != null);
      } else if (op < 68) {
        String m = randomMember(r, 9);
        List<Entry> all = sorted(model);
        int expected = -1;
        for (int i = 0; i < all.size(); i++) {
          if (all.get(i).member.equals(m)) {
            expected = i;
          }
        }
        boolean reverse = r.nextBoolean();
        assertThat(z.rank(bytes(m), reverse)).isEqualTo(expected < 0 ? -1 : reverse ? all.size() - 1 - expected : expected);
        double s = z.score(bytes(m));
        if (expected < 0) {
          assertThat(s).isNaN();
        } else {
          assertThat(s).isEqualTo(model.get(m));
        }
      } else if (op < 78) {
        ScoreRange range = new ScoreRange(randomScore(r), r.nextBoolean(), randomScore(r), r.nextBoolean());
        long[] ranks = z.rankRange(range);
        List<Entry> expected = sorted(model).stream().filter(e -> inRange(range, e.score)).toList();
        assertThat(contents(z, ranks[0], ranks[1], false)).containsExactlyElementsOf(expected);
      } else if (op < 86) {
        LexRange range = new LexRange(randomLexBound(r), randomLexBound(r));
        // lex ranges are defined for members of equal score: test on a same-score view
        SortedSetValue same = new SortedSetValue();
        Map<String, Double> sameModel = new HashMap<>();
        for (String m : model.keySet()) {
          same.add(bytes(m), 7, 0, maxEntries, maxValue, out);
          sameModel.put(m, 7.0);
        }
        long[] ranks = same.rankRange(range);
        List<Entry> expected = sorted(sameModel).stream().filter(e -> inLexRange(range, e.member)).toList();
        assertThat(contents(same, ranks[0], ranks[1], false)).containsExactlyElementsOf(expected);
        assertThat(same.lexCount(range)).isEqualTo(expected.size());
      } else if (op < 91 && !model.isEmpty()) {
        List<Entry> all = sorted(model);
        int from = r.nextInt(all.size());
        int to = from + r.nextInt(Math.min(all.size() - from, 10));
        z.removeRange(from, to);
        for (Entry e : all.subList(from, to + 1)) {
          model.remove(e.member);
        }
      } else if (op < 96 && !model.isEmpty()) {
        List<Entry> all = sorted(model);
        int from = r.nextInt(all.size());
        int to = from + r.nextInt(all.size() - from);
        List<Entry> expected = new ArrayList<>(all.subList(from, to + 1));
        assertThat(contents(z, from, to, false)).containsExactlyElementsOf(expected);
        java.util.Collections.reverse(expected);
        assertThat(contents(z, from, to, true)).containsExactlyElementsOf(expected);
      } else {
        assertFullScan(z, model);
      }
      z.checkInvariants();
      assertThat(z.size()).isEqualTo(model.size());
      if (step % 200 == 0) {
        assertThat(contents(z, 0, z.size() - 1, false)).containsExactlyElementsOf(sorted(model));
      }
    }
    assertThat(contents(z, 0, z.size() - 1, false)).containsExactlyElementsOf(sorted(model));
    SortedSetValue copy = z.copy();
    copy.checkInvariants();
    assertThat(copy.encoding()).isEqualTo(z.encoding());
    assertThat(contents(copy, 0, copy.size() - 1, false)).containsExactlyElementsOf(contents(z, 0, z.size() - 1, false));
  }

  /** The model of Redis's zsetAdd; {@code computed[0]} gets the resulting score. */
  private static int modelAdd(Map<String, Double> model, String m, double score, int flags, double[] computed) {
    Double cur = model.get(m);
    if (cur != null) {
      double current = cur;
      if ((flags & SortedSetValue.ADD_NX) != 0) {
        return SortedSetValue.OUT_NOP;
      }
      if ((flags & SortedSetValue.ADD_INCR) != 0) {
        score += current;
        if (Double.isNaN(score)) {
          return SortedSetValue.OUT_NAN;
        }
      }
      if (((flags & SortedSetValue.ADD_LT) != 0 && score >= current)
          || ((flags & SortedSetValue.ADD_GT) != 0 && score <= current)) {
        return SortedSetValue.OUT_NOP;
      }
      computed[0] = score;
      if (score != current) {
        model.put(m, score);
        return SortedSetValue.OUT_UPDATED;
      }
      return 0;
    }
    if ((flags & SortedSetValue.ADD_XX) != 0) {
      return SortedSetValue.OUT_NOP;
    }
    computed[0] = score;
    model.put(m, score);
    return SortedSetValue.OUT_ADDED;
  }

  private static boolean inRange(ScoreRange range, double s) {
    boolean aboveMin = range.minExclusive() ? s > range.min() : s >= range.min();
    boolean belowMax = range.maxExclusive() ? s < range.max() : s <= range.max();
    return aboveMin && belowMax;
  }

  private static LexRange.Bound randomLexBound(SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0 -> new LexRange.Bound(LexRange.Kind.MINUS_INFINITY, null, true);
      case 1 -> new LexRange.Bound(LexRange.Kind.PLUS_INFINITY, null, true);
      default -> new LexRange.Bound(LexRange.Kind.VALUE, bytes(randomMember(r, 4)), r.nextBoolean());
    };
  }

  private static boolean inLexRange(LexRange range, String member) {
    byte[] m = bytes(member);
    return lexAtLeast(range.min(), m) && lexAtMost(range.max(), m);
  }

  private static boolean lexAtLeast(LexRange.Bound b, byte[] m) {
    return switch (b.kind()) {
      case MINUS_INFINITY -> true;
      case PLUS_INFINITY -> false;
      case VALUE -> b.exclusive() ? Arrays.compareUnsigned(m, b.value()) > 0 : Arrays.compareUnsigned(m, b.value()) >= 0;
    };
  }

  private static boolean lexAtMost(LexRange.Bound b, byte[] m) {
    return switch (b.kind()) {
      case MINUS_INFINITY -> false;
      case PLUS_INFINITY -> true;
      case VALUE -> b.exclusive() ? Arrays.compareUnsigned(m, b.value()) < 0 : Arrays.compareUnsigned(m, b.value()) <= 0;
    };
  }

  /** A full scan returns every member at least once, with its score. */
  private static void assertFullScan(SortedSetValue z, Map<String, Double> model) {
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    int calls = 0;
    do {
      cursor = z.scanStep(cursor, (buf, off, len, score) -> {
        String m = new String(buf, off, len, StandardCharsets.UTF_8);
        assertThat(score).isEqualTo(model.get(m));
        seen.add(m);
      });
      assertThat(++calls).isLessThan(1 << 22); // a scan over any table ends
    } while (cursor != 0);
    assertThat(seen).isEqualTo(model.keySet());
  }

  @Test
  void convertsToSkiplistWhenAnInsertBreaksALimitAndNeverBack() {
    SortedSetValue z = new SortedSetValue();
    double[] out = new double[1];
    for (int i = 0; i < 128; i++) {
      z.add(bytes("m" + i), i, 0, 128, 64, out);
    }
    assertThat(z.encoding()).isEqualTo("listpack");
    z.add(bytes("m0"), 5, 0, 128, 64, out); // an update adds nothing
    z.add(bytes("x".repeat(65)), 5, SortedSetValue.ADD_XX, 128, 64, out); // XX on a new member inserts nothing
    assertThat(z.encoding()).isEqualTo("listpack");
    z.add(bytes("m128"), 128, 0, 128, 64, out);
    assertThat(z.encoding()).isEqualTo("skiplist");
    z.checkInvariants();
    for (int i = 0; i < 120; i++) {
      z.remove(bytes("m" + i));
    }
    assertThat(z.encoding()).isEqualTo("skiplist");
    assertThat(z.size()).isEqualTo(9);

    SortedSetValue longMember = new SortedSetValue();
    longMember.add(bytes("x".repeat(64)), 1, 0, 128, 64, out);
    assertThat(longMember.encoding()).isEqualTo("listpack");
    longMember.add(bytes("y".repeat(65)), 1, 0, 128, 64, out);
    assertThat(longMember.encoding()).isEqualTo("skiplist");
  }

  @Test
  void compactFormDropsTheSignOfZeroButSkiplistKeepsIt() {
    double[] out = new double[1];
    SortedSetValue compact = new SortedSetValue();
    compact.add(bytes("a"), -0.0, 0, 128, 64, out);
    assertThat(out[0]).isEqualTo(-0.0); // the reply shows the computed score
    assertThat(Double.doubleToRawLongBits(compact.score(bytes("a")))).isEqualTo(0L);

    SortedSetValue big = new SortedSetValue();
    big.add(bytes("a"), -0.0, 0, 0, 64, out);
    assertThat(big.encoding()).isEqualTo("skiplist");
    assertThat(Double.doubleToRawLongBits(big.score(bytes("a")))).isEqualTo(Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void rankQueriesOnALargeSetAreExact() {
    SortedSetValue z = new SortedSetValue();
    double[] out = new double[1];
    int n = 50_000;
    for (int i = n - 1; i >= 0; i--) {
      z.add(bytes(String.format("m%06d", i)), i / 3, 0, 128, 64, out); // ties of three, broken by member
    }
    z.checkInvariants();
    for (int i = 0; i < n; i += 997) {
      assertThat(z.rank(bytes(String.format("m%06d", i)), false)).isEqualTo(i);
      assertThat(z.rank(bytes(String.format("m%06d", i)), true)).isEqualTo(n - 1 - i);
    }
    long[] ranks = z.rankRange(new ScoreRange(10, true, 20, false));
    assertThat(ranks).containsExactly(33, 62);
  }

  @Test
  void memoryFigureFollowsChangesAndStaysNearRedisPerMember() {
    SortedSetValue z = new SortedSetValue();
    double[] out = new double[1];
    long empty = z.memoryBytes();
    for (int i = 0; i < 100; i++) {
      z.add(bytes("member:" + i), i, 0, 128, 64, out);
    }
    long packed = z.memoryBytes();
    assertThat(packed - empty).isBetween(100L * 12, 100L * 20); // ~12 bytes of data + framing each
    for (int i = 100; i < 10_100; i++) {
      z.add(bytes("member:" + i), i, 0, 128, 64, out);
    }
    z.checkInvariants();
    long peak = z.memoryBytes();
    double perMember = (double) peak / z.size();
    assertThat(perMember).isBetween(100.0, 150.0);
    for (int i = 0; i < 10_100; i++) {
      z.remove(bytes("member:" + i));
    }
    z.checkInvariants();
    assertThat(z.size()).isZero();
    // nodes are gone; what is left is the dict's bucket array, which shrinks incrementally. Its
    // share of the peak depends on the reference size Memory reads from the VM: about 1/20 with
    // 4-byte references (G1), about 1/9 with 8-byte ones (ZGC, as the tests run).
    assertThat(z.memoryBytes()).isLessThan(peak / 5);
  }
}
