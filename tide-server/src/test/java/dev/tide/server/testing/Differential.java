package dev.tide.server.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs the same commands against Tide and redis-server and compares the replies exactly, after
 * normalising replies whose order Redis does not define. Mismatches are collected with the
 * command that caused them; {@link #assertNoMismatches()} fails the test listing all of them.
 */
public final class Differential implements AutoCloseable {

  /** How to compare one command's replies. */
  public enum Mode {
    /** Byte-for-byte equal replies. */
    EXACT,
    /** Top-level array compared as a multiset (SMEMBERS, KEYS, HKEYS ...). */
    UNORDERED,
    /** Top-level flat array of pairs compared as a set of pairs (HGETALL, ZRANDMEMBER WITHSCORES ...). */
    UNORDERED_PAIRS,
    /** Only the reply's kind and, for arrays, the length (random replies: SPOP, RANDOMKEY ...). */
    SHAPE,
    /** Replies not compared; the command only sets up state on both sides. */
    IGNORE
  }

  private final RespClient tide;
  private final RespClient redis;
  private final List<String> mismatches = new ArrayList<>();
  private int commands;

  public Differential(RespClient tide, RespClient redis) {
    this.tide = tide;
    this.redis = redis;
  }

  public Differential(int tidePort, int redisPort) {
    this(new RespClient(tidePort), new RespClient(redisPort));
  }

  public RespClient tide() {
    return tide;
  }

  public RespClient redis() {
    return redis;
  }

  /** Sends the command to both, compares exactly, returns Tide's reply. */
  public Object check(String... cmd) {
    return check(Mode.EXACT, cmd);
  }

  public Object unordered(String... cmd) {
    return check(Mode.UNORDERED, cmd);
  }

  public Object check(Mode mode, String... cmd) {
    commands++;
    Object expected = redis.call(cmd);
    Object actual = tide.call(cmd);
    if (mode != Mode.IGNORE && !Objects.equals(normalise(mode, expected), normalise(mode, actual))) {
      mismatches.add(String.join(" ", cmd) + "\n    redis: " + expected + "\n    tide:  " + actual);
    }
    return actual;
  }

  /** Sends the same raw command to both servers (for byte[] arguments). */
  public Object check(Mode mode, byte[]... cmd) {
    commands++;
    Object expected = redis.call(cmd);
    Object actual = tide.call(cmd);
    if (mode != Mode.IGNORE && !Objects.equals(normalise(mode, expected), normalise(mode, actual))) {
      StringBuilder sb = new StringBuilder();
      for (byte[] a : cmd) {
        sb.append(new String(a, java.nio.charset.StandardCharsets.UTF_8)).append(' ');
      }
      mismatches.add(sb + "\n    redis: " + expected + "\n    tide:  " + actual);
    }
    return actual;
  }

  @SuppressWarnings("unchecked")
  static Object normalise(Mode mode, Object reply) {
    return switch (mode) {
      case EXACT, IGNORE -> reply;
      case UNORDERED -> reply instanceof List<?> l ? sorted((List<Object>) l) : reply;
      case UNORDERED_PAIRS -> reply instanceof List<?> l ? sortedPairs((List<Object>) l) : reply;
      case SHAPE -> shape(reply);
    };
  }

  private static List<Object> sorted(List<Object> list) {
    List<Object> copy = new ArrayList<>(list);
    copy.sort(Comparator.comparing(String::valueOf));
    return copy;
  }

  private static List<Object> sortedPairs(List<Object> list) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < list.size(); i += 2) {
      pairs.add(list.get(i) + "\u0000" + list.get(i + 1));
    }
    pairs.sort(Comparator.naturalOrder());
    return new ArrayList<>(pairs);
  }

  private static Object shape(Object reply) {
    if (reply == null) {
      return "null";
    }
    if (reply instanceof List<?> l) {
      return "list:" + l.size();
    }
    if (reply instanceof Map<?, ?> m) {
      return "map:" + m.size();
    }
    if (reply instanceof RespClient.Err e) {
      return e;
    }
    return reply.getClass().getSimpleName();
  }

  public List<String> mismatches() {
    return mismatches;
  }

  public int commands() {
    return commands;
  }

  /** Fails with every mismatch seen so far. */
  public void assertNoMismatches() {
    if (!mismatches.isEmpty()) {
      throw new AssertionError(mismatches.size() + " of " + commands + " commands differ from redis-server:\n  "
          + String.join("\n  ", mismatches.subList(0, Math.min(50, mismatches.size()))));
    }
  }

  @Override
  public void close() {
    tide.close();
    redis.close();
  }
}
