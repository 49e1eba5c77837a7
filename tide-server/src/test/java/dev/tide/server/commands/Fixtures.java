package dev.tide.server.commands;

import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.CollectionValue;
import dev.tide.engine.types.ValueType;
import dev.tide.server.testing.Differential;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared helpers of the strings and keys differential tests. */
final class Fixtures {

  /** Bound on SCAN calls of one full iteration in tests; far more than any test data needs. */
  static final int MAX_SCAN_CALLS = 100_000;

  private Fixtures() {
  }

  /**
   * Makes {@code key} hold a one-element list on both servers, for WRONGTYPE cases: LPUSH on
   * redis-server; on Tide LPUSH too once the list family is registered, and until then a
   * stand-in list value put straight into the keyspace (the strings and keys families only need
   * a value of another type, not a working list).
   */
  static void makeList(Differential diff, TideTestServer tide, String key) {
    assertThat(diff.redis().call("LPUSH", key, "x")).isEqualTo(1L);
    if (tide.server().table().lookup("lpush") != null) {
      assertThat(diff.tide().call("LPUSH", key, "x")).isEqualTo(1L);
      return;
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    Keyspace ks = tide.server().db().shardFor(k);
    ks.lock().lock();
    try {
      ks.set(k, new StandInList(), false, tide.server().now());
    } finally {
      ks.lock().unlock();
    }
  }

  /** True when Tide has real list commands (collection-specific assertions need them). */
  static boolean tideHasLists(TideTestServer tide) {
    return tide.server().table().lookup("lpush") != null;
  }

  /**
   * Sends {@code cmd} to both servers and records a mismatch unless both reply with integers
   * within {@code tolerance} of each other (TTLs: the servers set and read them at slightly
   * different moments, and a slow machine can stretch that past a rounding boundary).
   */
  static void checkNear(Differential diff, long tolerance, String... cmd) {
    Object expected = diff.redis().call(cmd);
    Object actual = diff.tide().call(cmd);
    // negative replies (-1 no TTL, -2 no key) are codes, not amounts: they must be equal
    boolean ok = expected instanceof Long e && actual instanceof Long a
        && (e < 0 || a < 0 ? e.equals(a) : Math.abs(e - a) <= tolerance);
    if (!ok) {
      diff.mismatches().add(String.join(" ", cmd) + " (within " + tolerance + ")\n    redis: " + expected
          + "\n    tide:  " + actual);
    }
  }

  /** Every key a full SCAN iteration returns (as a set), failing if the cursor never returns to 0. */
  static Set<String> scanAll(RespClient client, String... options) {
    Set<String> keys = new HashSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      List<String> cmd = new ArrayList<>(List.of("SCAN", cursor));
      cmd.addAll(List.of(options));
      Object reply = client.call(cmd.toArray(new String[0]));
      assertThat(reply).as("SCAN reply").isInstanceOf(List.class);
      List<?> parts = (List<?>) reply;
      cursor = (String) parts.get(0);
      for (Object k : (List<?>) parts.get(1)) {
        keys.add((String) k);
      }
      assertThat(++calls).as("SCAN must finish").isLessThan(MAX_SCAN_CALLS);
    } while (!cursor.equals("0"));
    return keys;
  }

  /** A list value standing in for the list family in WRONGTYPE and TYPE tests. */
  static final class StandInList extends CollectionValue {
    @Override
    public ValueType type() {
      return ValueType.LIST;
    }

    @Override
    public String encoding() {
      return "quicklist";
    }

    @Override
    public long memoryBytes() {
      return 64;
    }

    @Override
    public int size() {
      return 1;
    }

    @Override
    public CollectionValue copy() {
      return new StandInList();
    }
  }
}
