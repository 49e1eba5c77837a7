package dev.tide.server.commands;

import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.tide.server.commands.Fixtures.MAX_SCAN_CALLS;
import static dev.tide.server.commands.Fixtures.scanAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tide's SCAN cursor walks shard after shard (shard index in the low bits): a full iteration
 * returns every key, keeps SCAN's guarantee while keys come and go between calls, and works for
 * any shard count, including ones that are not powers of two.
 */
class ScanAcrossShardsTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16, 64})
  void fullIterationReturnsExactlyTheKeys(int shards) {
    try (TideTestServer server = TideTestServer.start(c -> c.shards = shards); RespClient c = server.client()) {
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 1000; i++) {
        c.call("SET", "k" + i, "v");
        expected.add("k" + i);
      }
      assertThat(scanAll(c)).isEqualTo(expected);
      assertThat(scanAll(c, "COUNT", "1")).isEqualTo(expected);
      assertThat(scanAll(c, "COUNT", "100000")).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 16})
  void keysPresentThroughoutAreReturnedWhileOthersComeAndGo(int shards) {
    try (TideTestServer server = TideTestServer.start(c -> c.shards = shards); RespClient c = server.client()) {
      Set<String> stable = new HashSet<>();
      List<String> churn = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        c.call("SET", "stable:" + i, "v");
        stable.add("stable:" + i);
        c.call("SET", "churn:" + i, "v");
        churn.add("churn:" + i);
      }
      Set<String> seen = new HashSet<>();
      String cursor = "0";
      int calls = 0;
      int fresh = 0;
      do {
        List<?> reply = (List<?>) c.call("SCAN", cursor, "COUNT", "20");
        cursor = (String) reply.get(0);
        for (Object k : (List<?>) reply.get(1)) {
          seen.add((String) k);
        }
        // grow (rehash) some shards and shrink others between calls; bounded in total
        for (int i = 0; i < 30 && fresh < 20_000; i++) {
          String k = "fresh:" + fresh++;
          c.call("SET", k, "v");
          churn.add(k);
        }
        for (int i = 0; i < 25 && !churn.isEmpty(); i++) {
          c.call("DEL", churn.remove(churn.size() - 1 - (i * 7) % churn.size()));
        }
        assertThat(++calls).isLessThan(MAX_SCAN_CALLS);
      } while (!cursor.equals("0"));
      assertThat(seen).containsAll(stable);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void aCursorNamingAMissingShardEndsTheScan(int shards) {
    try (TideTestServer server = TideTestServer.start(c -> c.shards = shards); RespClient c = server.client()) {
      c.call("SET", "k", "v");
      // shard index in the low 3 bits; index 7 does not exist with 3 or 5 shards
      assertThat(c.call("SCAN", "7")).isEqualTo(List.of("0", List.of()));
      assertThat(c.call("SCAN", Long.toString((12345L << 3) | 7))).isEqualTo(List.of("0", List.of()));
    }
  }
}
