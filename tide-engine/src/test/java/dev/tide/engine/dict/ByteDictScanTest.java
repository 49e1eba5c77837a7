package dev.tide.engine.dict;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SCAN guarantee of {@link ByteDict#scan}: every key present for the whole scan is returned
 * at least once, even when the table grows, shrinks or is mid-rehash between steps.
 */
class ByteDictScanTest {

  /** A scan over these tables takes far fewer steps; more means the cursor never returned to 0. */
  private static final int MAX_SCAN_STEPS = 5_000_000;
  /** Fresh keys a scenario inserts in all, as a multiple of its initial keys (forces several doublings). */
  private static final int INSERT_BUDGET_FACTOR = 16;
  /** Lookups of stable keys between two scan steps. */
  private static final int READS_PER_STEP = 2;

  @Test
  void aStableTableReturnsEveryKeyExactlyOnce() {
    ByteDict<Integer> dict = new ByteDict<>();
    for (int i = 0; i < 10_000; i++) {
      dict.put(key("k" + i), i);
    }
    dict.rehashFully();
    Map<String, Integer> seen = new HashMap<>();
    long cursor = 0;
    int steps = 0;
    do {
      cursor = dict.scan(cursor, n -> seen.merge(str(n.key()), 1, Integer::sum));
      assertThat(++steps).isLessThan(MAX_SCAN_STEPS);
    } while (cursor != 0);
    assertThat(seen).hasSize(10_000);
    assertThat(seen.values()).allMatch(count -> count == 1);
  }

  @Test
  void emptyDictEndsAtOnce() {
    assertThat(new ByteDict<Integer>().scan(0, n -> { throw new AssertionError("no nodes"); })).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 4242})
  void keysPresentThroughoutAreReturnedWhileTheTableGrows(long seed) {
    long[] capacity = runScenario(seed, 200, 2, 4, 0);
    assertThat(capacity[2]).as("largest capacity").isGreaterThanOrEqualTo(4 * capacity[0]);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 4242})
  void keysPresentThroughoutAreReturnedWhileTheTableShrinks(long seed) {
    long[] capacity = runScenario(seed, 8_000, 20, 0, 40);
    assertThat(capacity[1]).as("smallest capacity").isLessThan(capacity[0]);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 4242})
  void keysPresentThroughoutAreReturnedUnderMixedChurn(long seed) {
    long[] capacity = runScenario(seed, 3_000, 3, 40, 25);
    assertThat(capacity[2]).as("largest capacity").isGreaterThan(capacity[0]);
  }

  /**
   * Fills the dict with {@code initial} keys, one in {@code stableEvery} of them "stable" (never
   * removed; few stable keys let the table shrink), completes any rehash; then scans,
   * inserting {@code insertsPerStep} fresh keys (at most {@link #INSERT_BUDGET_FACTOR} times the
   * initial count in all: a scan cannot finish while the table outgrows it without bound) and
   * removing {@code removesPerStep} unstable keys between steps, so the table resizes and
   * rehashes while the scan is in progress. Returns the bucket capacity at the start, the
   * smallest and the largest seen between steps.
   */
  private static long[] runScenario(long seed, int initial, int stableEvery, int insertsPerStep, int removesPerStep) {
    SplittableRandom random = new SplittableRandom(seed);
    ByteDict<Integer> dict = new ByteDict<>();
    Set<String> stable = new HashSet<>();
    List<String> removable = new ArrayList<>();
    for (int i = 0; i < initial; i++) {
      String k = "init-" + i;
      dict.put(key(k), i);
      if (i % stableEvery == 0) {
        stable.add(k);
      } else {
        removable.add(k);
      }
    }
    dict.rehashFully(); // so that a capacity change below is a resize made during the scan
    List<String> stableList = new ArrayList<>(stable);
    Set<String> seen = new HashSet<>();
    int fresh = 0;
    long capacityAtStart = dict.capacity();
    long minCapacity = capacityAtStart;
    long maxCapacity = capacityAtStart;
    long cursor = 0;
    int steps = 0;
    do {
      cursor = dict.scan(cursor, n -> seen.add(str(n.key())));
      for (int i = 0; i < insertsPerStep && fresh < initial * INSERT_BUDGET_FACTOR; i++) {
        String k = "fresh-" + fresh++;
        dict.put(key(k), -1);
        removable.add(k);
      }
      for (int i = 0; i < removesPerStep && !removable.isEmpty(); i++) {
        int victim = random.nextInt(removable.size());
        String k = removable.get(victim);
        removable.set(victim, removable.get(removable.size() - 1));
        removable.remove(removable.size() - 1);
        assertThat(dict.remove(key(k))).isNotNull();
      }
      // reads between steps move incremental rehashing along, as lookups do in a live keyspace
      for (int i = 0; i < READS_PER_STEP; i++) {
        assertThat(dict.get(key(stableList.get(random.nextInt(stableList.size()))))).isNotNull();
      }
      minCapacity = Math.min(minCapacity, dict.capacity());
      maxCapacity = Math.max(maxCapacity, dict.capacity());
      assertThat(++steps).as("scan must terminate").isLessThan(MAX_SCAN_STEPS);
    } while (cursor != 0);
    assertThat(seen).containsAll(stable);
    for (String k : stable) {
      assertThat(dict.get(key(k))).isNotNull();
    }
    return new long[] {capacityAtStart, minCapacity, maxCapacity};
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
