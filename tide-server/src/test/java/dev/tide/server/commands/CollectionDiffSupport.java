package dev.tide.server.commands;

import dev.tide.engine.keyspace.Database;
import dev.tide.server.testing.Differential;
import dev.tide.server.testing.RespClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers shared by the hash and set differential tests: clearing Tide directly (so the tests do
 * not depend on FLUSHALL), optional comparisons for commands other helpers implement (OBJECT,
 * HELLO), full cursor scans, and RESP3 comparisons that also compare the reply's RESP type.
 */
final class CollectionDiffSupport {

  /** Upper bound on SCAN calls while iterating a collection to the end (far above any size used here). */
  static final int MAX_SCAN_CALLS = 100_000;

  private CollectionDiffSupport() {
  }

  /** Removes every key from the Tide node, under its shard locks. */
  static void flushTide(Database db) {
    db.lockAll();
    try {
      for (int i = 0; i < db.shardCount(); i++) {
        db.shard(i).flush();
      }
    } finally {
      db.unlockAll();
    }
  }

  static boolean isUnknownCommand(Object reply) {
    return reply instanceof RespClient.Err e && e.text().startsWith("ERR unknown command");
  }

  /**
   * Compares OBJECT ENCODING of a key when Tide implements OBJECT (another family owns it);
   * otherwise returns false and the encodings are checked by the engine's unit tests instead.
   */
  static boolean checkEncodingIfSupported(Differential diff, String key) {
    Object probe = diff.tide().call("OBJECT", "ENCODING", key);
    if (isUnknownCommand(probe)) {
      return false;
    }
    diff.check("OBJECT", "ENCODING", key);
    return true;
  }

  /** Iterates a HSCAN/SSCAN to the end on one client and returns every element (pairs flattened). */
  static List<String> scanAll(RespClient client, String command, String key, String... options) {
    List<String> out = new ArrayList<>();
    String cursor = "0";
    for (int calls = 0; calls < MAX_SCAN_CALLS; calls++) {
      List<String> args = new ArrayList<>(List.of(command, key, cursor));
      args.addAll(List.of(options));
      Object reply = client.call(args.toArray(String[]::new));
      assertThat(reply).as("%s reply", command).isInstanceOf(List.class);
      List<?> parts = (List<?>) reply;
      cursor = (String) parts.get(0);
      for (Object o : (List<?>) parts.get(1)) {
        out.add((String) o);
      }
      if (cursor.equals("0")) {
        return out;
      }
    }
    throw new AssertionError(command + " did not finish within " + MAX_SCAN_CALLS + " calls");
  }

  /** Distinct pairs "field=value" from a flat list of pairs (a scan may repeat elements). */
  static List<String> distinctPairs(List<String> flat) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      String p = flat.get(i) + "=" + flat.get(i + 1);
      if (!pairs.contains(p)) {
        pairs.add(p);
      }
    }
    pairs.sort(null);
    return pairs;
  }

  static List<String> distinctSorted(List<String> items) {
    List<String> out = new ArrayList<>(new java.util.TreeSet<>(items));
    return out;
  }

  /**
   * The RESP type of a reply and its content, for RESP3 comparisons: the harness's list equality
   * does not tell a set reply from an array, so this spells the type out at every level.
   * {@code unordered} sorts aggregates' rendered elements (for hashtable-encoded collections).
   */
  static String typed(Object reply, boolean unordered) {
    if (reply == null) {
      return "null";
    }
    if (reply instanceof Map<?, ?> m) {
      List<String> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        entries.add(typed(e.getKey(), unordered) + "=>" + typed(e.getValue(), unordered));
      }
      if (unordered) {
        entries.sort(null);
      }
      return "map" + entries;
    }
    if (reply instanceof List<?> l) {
      String kind = reply instanceof RespClient.RespSet ? "set" : reply instanceof RespClient.Push ? "push" : "array";
      List<String> items = new ArrayList<>();
      for (Object o : l) {
        items.add(typed(o, unordered));
      }
      if (unordered) {
        items.sort(null);
      }
      return kind + items;
    }
    return reply.getClass().getSimpleName() + ":" + Objects.toString(reply);
  }
}
