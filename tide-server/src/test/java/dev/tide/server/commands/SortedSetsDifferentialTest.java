package dev.tide.server.commands;

import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.server.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every sorted set command, option and error against redis-server 7.0, in RESP2 (parsed and raw
 * bytes) and RESP3 (raw bytes: doubles, nested WITHSCORES and ZPOPMIN pairs), over both
 * encodings: the range scenarios run once with the default listpack limit and once with it set
 * to 0 on both servers, so every command is proven on the skiplist too.
 */
class SortedSetsDifferentialTest extends ScriptedDifferentialTest {

  /** Whether a scenario runs on small sets in their compact form or forced to the skiplist. */
  enum Encoding { LISTPACK, SKIPLIST }

  private void useEncoding(Encoding encoding) {
    int entries = encoding == Encoding.SKIPLIST ? 0 : 128;
    diff.redis().call("CONFIG", "SET", "zset-max-listpack-entries", Integer.toString(entries));
    tideServer.server().db().config().zsetMaxListpackEntries = entries;
  }

  @AfterEach
  void restoreLimits() {
    diff.redis().call("CONFIG", "SET", "zset-max-listpack-entries", "128");
    diff.redis().call("CONFIG", "SET", "zset-max-listpack-value", "64");
    EngineConfig config = tideServer.server().db().config();
    config.zsetMaxListpackEntries = 128;
    config.zsetMaxListpackValue = 64;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void zaddOptionsAndErrors(Mode mode) {
    Check c = check(mode);
    c.run("ZADD", "z", "1", "a");
    c.run("ZADD", "z", "2", "b", "3", "c", "1", "a");
    c.run("ZADD", "z", "NX", "5", "a", "5", "d");
    c.run("ZADD", "z", "XX", "6", "a", "6", "e");
    c.run("ZADD", "z", "CH", "7", "a", "2", "b", "8", "f");
    c.run("ZADD", "z", "XX", "CH", "7", "a", "9", "b");
    c.run("ZADD", "z", "GT", "CH", "1", "a", "10", "b", "11", "g");
    c.run("ZADD", "z", "LT", "CH", "1", "a", "10", "b", "0", "h");
    c.run("ZADD", "z", "XX", "GT", "CH", "100", "a", "100", "zz");
    c.run("ZADD", "z", "XX", "LT", "50", "a");
    c.run("ZADD", "z", "INCR", "5", "a");
    c.run("ZADD", "z", "INCR", "5", "new");
    c.run("ZADD", "z", "INCR", "XX", "1", "absent");
    c.run("ZADD", "z", "INCR", "NX", "1", "a");
    c.run("ZADD", "z", "INCR", "GT", "-1", "a");
    c.run("ZADD", "z", "INCR", "LT", "-1", "a");
    c.run("ZADD", "z", "INCR", "GT", "0", "a");
    c.run("ZADD", "z", "incr", "ch", "xx", "1", "a");
    c.run("ZRANGE", "z", "0", "-1", "WITHSCORES");
    c.run("ZADD", "z", "XX", "NX", "1", "a");
    c.run("ZADD", "z", "GT", "LT", "1", "a");
    c.run("ZADD", "z", "GT", "NX", "1", "a");
    c.run("ZADD", "z", "LT", "NX", "1", "a");
    c.run("ZADD", "z", "INCR", "1", "a", "2", "b");
    c.run("ZADD", "z", "1", "a", "2");
    c.run("ZADD", "z", "1", "NX", "a");
    c.run("ZADD", "z", "NX");
    c.run("ZADD", "z", "NX", "XX", "1");
    c.run("ZADD", "z", "x", "a");
    c.run("ZADD", "z", "1", "a", "y", "b");
    c.run("ZADD", "z");
    c.run("ZADD", "z", "1");
    c.run("ZADD", "missing", "XX", "1", "a");
    c.run("ZCARD", "missing");
    c.run("SET", "s", "v");
    c.run("ZADD", "s", "1", "a");
    c.run("ZADD", "s", "x", "a");
    c.run("ZADD", "s", "XX", "NX", "1", "a");
    c.encoding("z");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void scoreSyntaxAndFormatting(Mode mode) {
    Check c = check(mode);
    String[] scores = {"0", "-0", "-0.0", "+5", "1.5", ".5", "5.", "1e3", "1E-3", "-1.5e+2", "0x10", "0X1p4",
        "0x.8", "inf", "+inf", "-inf", "Infinity", "-INF", "1e308", "1e-320", "4.9e-324", "0.1", "1e17", "123456789012345678",
        "9007199254740993", "3.14159265358979323846", "1e400", "-1e400", "1e-400", "nan", "NaN", "", " 1", "1 ",
        "1x", "--1", "0x", "e5", ".", "+", "(1"};
    for (int i = 0; i < scores.length; i++) {
      c.run("ZADD", "z", scores[i], "m" + i);
      c.run("ZSCORE", "z", "m" + i);
    }
    c.run("ZRANGE", "z", "0", "-1", "WITHSCORES");
    c.run("ZINCRBY", "z", "1", "m0");
    c.run("ZINCRBY", "z", "-0.0", "m0");
    c.run("ZINCRBY", "z", "-inf", "m14");
    c.run("ZINCRBY", "z", "inf", "m14");
    c.run("ZINCRBY", "z", "1", "nosuch");
    c.run("ZINCRBY", "z", "x", "m0");
    c.run("ZINCRBY", "z", "nx", "m0");
    c.run("ZINCRBY", "z", "incr", "m0");
    c.run("ZINCRBY", "z", "0.1", "m19");
    c.run("ZSCORE", "z", "m19");
    c.run("ZADD", "zero", "-0.0", "a");
    c.run("ZSCORE", "zero", "a");
    c.run("ZADD", "zero", "INCR", "-0.0", "b");
    c.run("ZSCORE", "zero", "b");
    c.run("ZINCRBY", "zero", "-0.0", "a");
    c.run("ZADD", "zero", "0", "a".repeat(65));
    c.run("ZADD", "zero", "-0.0", "c");
    c.run("ZSCORE", "zero", "a");
    c.run("ZSCORE", "zero", "c");
    c.run("ZRANGE", "zero", "0", "-1", "WITHSCORES");
    c.encoding("zero");
    c.run("SET", "s", "v");
    c.run("ZINCRBY", "s", "1", "a");
    c.run("ZINCRBY", "s", "x", "a");
    c.run("ZINCRBY", "z", "1");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void membersScoresAndRanks(Mode mode) {
    Check c = check(mode);
    c.run("ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d");
    c.run("ZREM", "z", "a", "x", "a");
    c.run("ZREM", "z", "x");
    c.run("ZREM", "missing", "a");
    c.run("ZCARD", "z");
    c.run("ZSCORE", "z", "b");
    c.run("ZSCORE", "z", "x");
    c.run("ZSCORE", "missing", "x");
    c.run("ZMSCORE", "z", "b", "x", "d", "b");
    c.run("ZMSCORE", "missing", "a", "b");
    for (String m : new String[] {"b", "c", "d", "x"}) {
      c.run("ZRANK", "z", m);
      c.run("ZREVRANK", "z", m);
    }
    c.run("ZRANK", "missing", "a");
    c.run("ZREVRANK", "missing", "a");
    c.run("SET", "s", "v");
    for (String[] cmd : new String[][] {{"ZREM", "s", "a"}, {"ZSCORE", "s", "a"}, {"ZMSCORE", "s", "a"},
        {"ZCARD", "s"}, {"ZRANK", "s", "a"}, {"ZREVRANK", "s", "a"}}) {
      c.run(cmd);
    }
    c.run("ZREM", "z", "b", "c", "d");
    c.encoding("z");
    c.run("ZREM", "z");
    c.run("ZSCORE", "z");
    c.run("ZMSCORE", "z");
    c.run("ZCARD");
    c.run("ZRANK", "z", "a", "WITHSCORE");
  }

  private static void fill(Check c, String key) {
    c.run("ZADD", key, "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "", "0", "aa", "0", "b\u00ff");
    c.run("ZADD", key, "1", "one", "2", "two", "2", "two-b", "3", "three", "-1", "minus", "1.5", "frac",
        "inf", "top", "-inf", "bottom");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void rangesOnBothEncodings(Mode mode) {
    for (Encoding e : Encoding.values()) {
      useEncoding(e);
      Check c = check(mode);
      String key = "z-" + e;
      fill(c, key);
      c.encoding(key);
      ranges(c, key);
      lexRanges(c, key + "-lex");
    }
  }

  private static void ranges(Check c, String key) {
    String[][] ranks = {{"0", "-1"}, {"0", "0"}, {"-1", "-1"}, {"2", "5"}, {"-5", "-2"}, {"-100", "100"},
        {"5", "2"}, {"16", "20"}, {"-9223372036854775808", "9223372036854775807"}};
    for (String[] r : ranks) {
      c.run("ZRANGE", key, r[0], r[1]);
      c.run("ZRANGE", key, r[0], r[1], "WITHSCORES");
      c.run("ZRANGE", key, r[0], r[1], "REV");
      c.run("ZRANGE", key, r[0], r[1], "REV", "WITHSCORES");
      c.run("ZREVRANGE", key, r[0], r[1], "WITHSCORES");
      c.run("ZRANGE", "missing", r[0], r[1]);
    }
    String[][] scores = {{"-inf", "+inf"}, {"0", "0"}, {"(0", "2"}, {"0", "(2"}, {"(0", "(2"}, {"1", "1.5"},
        {"(1", "(1"}, {"2", "1"}, {"-inf", "-inf"}, {"inf", "inf"}, {"(-inf", "(inf"}, {"-1", "(0"},
        {"", ""}, {"(", "5"}, {" 1", "5"}, {"0x1", "0x2"}, {"-infinity", "infinity"}};
    for (String[] s : scores) {
      c.run("ZRANGEBYSCORE", key, s[0], s[1]);
      c.run("ZRANGEBYSCORE", key, s[0], s[1], "WITHSCORES");
      c.run("ZREVRANGEBYSCORE", key, s[1], s[0], "WITHSCORES");
      c.run("ZRANGE", key, s[0], s[1], "BYSCORE", "WITHSCORES");
      c.run("ZRANGE", key, s[1], s[0], "BYSCORE", "REV");
      c.run("ZCOUNT", key, s[0], s[1]);
      c.run("ZCOUNT", "missing", s[0], s[1]);
    }
    String[][] limits = {{"0", "3"}, {"2", "2"}, {"1", "-1"}, {"0", "0"}, {"-1", "2"}, {"100", "1"},
        {"5", "-5"}, {"15", "10"}};
    for (String[] l : limits) {
      c.run("ZRANGEBYSCORE", key, "-inf", "+inf", "LIMIT", l[0], l[1]);
      c.run("ZRANGEBYSCORE", key, "0", "2", "WITHSCORES", "LIMIT", l[0], l[1]);
      c.run("ZREVRANGEBYSCORE", key, "+inf", "-inf", "LIMIT", l[0], l[1], "WITHSCORES");
      c.run("ZRANGE", key, "(3", "-1", "BYSCORE", "REV", "LIMIT", l[0], l[1]);
      c.run("ZRANGE", key, "0", "-1", "LIMIT", l[0], l[1]);
    }
    for (String[] bad : new String[][] {{"x", "1"}, {"1", "y"}, {"(x", "1"}, {"nan", "1"}, {"1 ", "2"}, {"((1", "2"}}) {
      c.run("ZRANGEBYSCORE", key, bad[0], bad[1]);
      c.run("ZRANGE", key, bad[0], bad[1], "BYSCORE");
      c.run("ZCOUNT", key, bad[0], bad[1]);
      c.run("ZCOUNT", "missing", bad[0], bad[1]);
      c.run("ZREMRANGEBYSCORE", "missing", bad[0], bad[1]);
    }
    c.run("ZRANGE", key, "x", "1");
    c.run("ZRANGE", key, "0", "1", "LIMIT", "0", "1");
    c.run("ZRANGE", key, "0", "1", "LIMIT", "0", "-1");
    c.run("ZRANGE", key, "0", "1", "LIMIT", "x", "1");
    c.run("ZRANGE", key, "0", "1", "LIMIT", "0");
    c.run("ZRANGE", key, "0", "1", "BYSCORE", "BYLEX");
    c.run("ZRANGE", key, "0", "1", "BYSCORE", "BYSCORE");
    c.run("ZRANGE", key, "0", "1", "REV", "REV");
    c.run("ZRANGE", key, "0", "1", "WITHSCORES", "WITHSCORES");
    c.run("ZRANGE", key, "0", "1", "FOO");
    c.run("ZRANGE", key, "-", "+", "BYLEX", "WITHSCORES");
    c.run("ZRANGEBYSCORE", key, "0", "1", "REV");
    c.run("ZRANGEBYSCORE", key, "0", "1", "BYLEX");
    c.run("ZRANGEBYSCORE", key, "0", "1", "LIMIT", "0");
    c.run("ZREVRANGE", key, "0", "1", "BYSCORE");
    c.run("ZREVRANGE", key, "0", "1", "REV");
    c.run("ZREVRANGE", key, "0", "1", "LIMIT", "0", "1");
    c.run("ZRANGE", key, "0");
    c.run("ZRANGEBYSCORE", key, "0");
    c.run("SET", "s", "v");
    c.run("ZRANGE", "s", "0", "1");
    c.run("ZRANGE", "s", "x", "1");
    c.run("ZRANGEBYSCORE", "s", "0", "1");
    c.run("ZCOUNT", "s", "0", "1");
  }

  private static void lexRanges(Check c, String key) {
    c.run("ZADD", key, "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "", "0", "aa", "0", "ab", "0", "b\u00ff");
    String[][] ranges = {{"-", "+"}, {"[", "+"}, {"(", "+"}, {"(a", "[c"}, {"[a", "(c"}, {"[aa", "[aa"}, {"(aa", "[aa"},
        {"+", "-"}, {"-", "-"}, {"+", "+"}, {"[b", "+"}, {"-", "(b"}, {"[z", "+"}, {"-", "[\u00ff"}, {"[c", "[a"}};
    for (String[] r : ranges) {
      c.run("ZRANGEBYLEX", key, r[0], r[1]);
      c.run("ZREVRANGEBYLEX", key, r[1], r[0]);
      c.run("ZRANGE", key, r[0], r[1], "BYLEX");
      c.run("ZRANGE", key, r[1], r[0], "BYLEX", "REV");
      c.run("ZRANGEBYLEX", key, r[0], r[1], "LIMIT", "1", "2");
      c.run("ZREVRANGEBYLEX", key, r[1], r[0], "LIMIT", "1", "-1");
      c.run("ZLEXCOUNT", key, r[0], r[1]);
      c.run("ZLEXCOUNT", "missing", r[0], r[1]);
    }
    for (String[] bad : new String[][] {{"a", "b"}, {"+a", "[c"}, {"-a", "[c"}, {"[a", "c"}, {"", "+"}}) {
      c.run("ZRANGEBYLEX", key, bad[0], bad[1]);
      c.run("ZLEXCOUNT", key, bad[0], bad[1]);
      c.run("ZRANGEBYLEX", "missing", bad[0], bad[1]);
      c.run("ZREMRANGEBYLEX", "missing", bad[0], bad[1]);
    }
    c.run("ZRANGEBYLEX", key, "-", "+", "WITHSCORES");
    c.run("ZRANGEBYLEX", key, "-", "+", "LIMIT", "1");
    c.run("ZRANGEBYLEX", key, "-", "+", "REV");
    c.run("ZREVRANGEBYLEX", key, "+", "-", "BYSCORE");
  }

  /** Lex queries on mixed scores are deterministic on a listpack, in Redis and here: same answers. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void lexQueriesOnMixedScoresOfACompactSet(Mode mode) {
    Check c = check(mode);
    c.run("ZADD", "mix", "-1", "m", "0", "a", "0", "b", "1", "c", "2", "z", "3", "d", "4", "a2");
    String[][] ranges = {{"[a", "[c"}, {"[b", "+"}, {"-", "[b"}, {"[n", "+"}, {"(c", "[a"}, {"-", "+"}, {"[c", "[c"}};
    for (String[] r : ranges) {
      c.run("ZRANGEBYLEX", "mix", r[0], r[1]);
      c.run("ZREVRANGEBYLEX", "mix", r[1], r[0]);
      c.run("ZLEXCOUNT", "mix", r[0], r[1]);
    }
    c.run("ZREMRANGEBYLEX", "mix", "[a", "[c");
    c.run("ZREMRANGEBYLEX", "mix", "[n", "+");
    c.run("ZRANGE", "mix", "0", "-1", "WITHSCORES");
    c.encoding("mix");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void removingRanges(Mode mode) {
    for (Encoding e : Encoding.values()) {
      useEncoding(e);
      Check c = check(mode);
      String key = "r-" + e;
      fill(c, key);
      c.run("ZREMRANGEBYRANK", key, "0", "0");
      c.run("ZREMRANGEBYRANK", key, "-2", "-1");
      c.run("ZREMRANGEBYRANK", key, "100", "200");
      c.run("ZREMRANGEBYRANK", key, "3", "1");
      c.run("ZRANGE", key, "0", "-1", "WITHSCORES");
      c.run("ZREMRANGEBYSCORE", key, "(0", "2");
      c.run("ZREMRANGEBYSCORE", key, "5", "6");
      c.run("ZRANGE", key, "0", "-1", "WITHSCORES");
      c.run("ZREMRANGEBYSCORE", key, "-inf", "(0"); // lex ranges are defined on equal scores
      c.run("ZREMRANGEBYLEX", key, "[b", "(d");
      c.run("ZREMRANGEBYLEX", key, "+", "-");
      c.run("ZRANGE", key, "0", "-1", "WITHSCORES");
      c.run("ZREMRANGEBYRANK", key, "x", "1");
      c.run("ZREMRANGEBYRANK", "missing", "x", "1");
      c.run("ZREMRANGEBYRANK", "missing", "0", "1");
      c.run("ZREMRANGEBYSCORE", key, "x", "1");
      c.run("ZREMRANGEBYLEX", key, "x", "1");
      c.run("ZREMRANGEBYSCORE", key, "-inf", "+inf");
      c.encoding(key);
      c.run("SET", "s", "v");
      c.run("ZREMRANGEBYRANK", "s", "0", "1");
      c.run("ZREMRANGEBYSCORE", "s", "0", "1");
      c.run("ZREMRANGEBYLEX", "s", "-", "+");
      c.run("ZREMRANGEBYRANK", key, "0");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void pops(Mode mode) {
    for (Encoding e : Encoding.values()) {
      useEncoding(e);
      Check c = check(mode);
      String key = "p-" + e;
      fill(c, key);
      c.run("ZPOPMIN", key);
      c.run("ZPOPMAX", key);
      c.run("ZPOPMIN", key, "1");
      c.run("ZPOPMAX", key, "2");
      c.run("ZPOPMIN", key, "0");
      c.run("ZPOPMIN", key, "3");
      c.run("ZPOPMAX", key, "100");
      c.run("ZCARD", key);
      c.run("ZPOPMIN", key);
      c.run("ZPOPMAX", key, "2");
      c.run("ZPOPMIN", "missing", "0");
      c.run("ZADD", key, "1", "a");
      c.run("ZPOPMIN", key, "-1");
      c.run("ZPOPMIN", key, "x");
      c.run("ZPOPMIN", key, "1", "2");
      c.run("ZPOPMAX", key, "9223372036854775808");
      c.run("SET", "s", "v");
      c.run("ZPOPMIN", "s");
      c.run("ZPOPMAX", "s", "0");
      c.run("ZPOPMIN");

      fill(c, key + "-b");
      c.run("BZPOPMIN", "missing", key + "-b", "0");
      c.run("BZPOPMAX", key + "-b", "missing", "0");
      c.run("BZPOPMIN", key + "-b", "1.5");
      c.run("BZPOPMIN", "s", key + "-b", "0");
      c.run("BZPOPMIN", key + "-b", "s", "0");
      c.run("BZPOPMAX", "missing", "s", "0");
      for (String timeout : new String[] {"x", "-1", "inf", "1e20", "", "nan"}) {
        c.run("BZPOPMIN", key + "-b", timeout);
        c.run("BZPOPMAX", "missing", timeout);
      }
      c.run("BZPOPMIN", "missing", "0.05");
      c.run("BZPOPMAX", "missing", "other", "0.05");
      c.run("BZPOPMIN", key + "-b");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void zscanOfCompactSetsAndItsErrors(Mode mode) {
    Check c = check(mode);
    c.run("ZADD", "z", "1", "a", "2.5", "b", "-0.0", "c", "1e17", "d", "4611686018427387904", "e",
        "4611686018427388928", "f", "0.1", "g", "inf", "h", "-4611686018427387904", "i", "12", "ab");
    c.run("ZSCAN", "z", "0");
    c.run("ZSCAN", "z", "0", "MATCH", "a*");
    c.run("ZSCAN", "z", "0", "MATCH", "*");
    c.run("ZSCAN", "z", "0", "COUNT", "1");
    c.run("ZSCAN", "z", "0", "match", "?", "count", "100");
    c.run("ZSCAN", "z", "18446744073709551615");
    c.run("ZSCAN", "z", "-1");
    c.run("ZSCAN", "z", "");
    c.run("ZSCAN", "z", "+0");
    c.run("ZSCAN", "z", "18446744073709551616");
    c.run("ZSCAN", "z", "x");
    c.run("ZSCAN", "z", "-");
    c.run("ZSCAN", "z", " 1");
    c.run("ZSCAN", "z", "0", "COUNT", "0");
    c.run("ZSCAN", "z", "0", "COUNT", "-1");
    c.run("ZSCAN", "z", "0", "COUNT", "x");
    c.run("ZSCAN", "z", "0", "MATCH");
    c.run("ZSCAN", "z", "0", "TYPE", "zset");
    c.run("ZSCAN", "z", "0", "FOO", "bar");
    c.run("ZSCAN", "missing", "0");
    c.run("ZSCAN", "missing", "0", "FOO");
    c.run("ZSCAN", "missing", "0", "COUNT", "x");
    c.run("ZSCAN", "missing", "x");
    c.run("SET", "s", "v");
    c.run("ZSCAN", "s", "0");
    c.run("ZSCAN", "s", "x");
    c.run("ZSCAN", "z");
  }

  @Test
  void zscanOfASkiplistVisitsEveryMemberWithItsScore() {
    SplittableRandom r = new SplittableRandom(11);
    List<String> cmd = new ArrayList<>(List.of("ZADD", "big"));
    for (int i = 0; i < 1000; i++) {
      cmd.add(r.nextInt(4) == 0 ? "-0.0" : Double.toString(r.nextInt(1000) / 7.0));
      cmd.add("member-" + i);
    }
    diff.check(cmd.toArray(new String[0]));
    checkEncoding("big");
    Map<Object, Object> redis = fullScan(diff.redis(), null, "10");
    Map<Object, Object> tide = fullScan(diff.tide(), null, "10");
    assertThat(tide).hasSize(1000).isEqualTo(redis);
    assertThat(fullScan(diff.tide(), "member-1*", "7")).isEqualTo(fullScan(diff.redis(), "member-1*", "7"))
        .hasSize(111);
  }

  /** Follows ZSCAN cursors to the end (bounded), collecting member → score text. */
  private static Map<Object, Object> fullScan(RespClient client, String pattern, String count) {
    Map<Object, Object> seen = new HashMap<>();
    String cursor = "0";
    for (int calls = 0; calls < 100_000; calls++) {
      List<String> cmd = new ArrayList<>(List.of("ZSCAN", "big", cursor, "COUNT", count));
      if (pattern != null) {
        cmd.add("MATCH");
        cmd.add(pattern);
      }
      List<?> reply = (List<?>) client.call(cmd.toArray(new String[0]));
      List<?> items = (List<?>) reply.get(1);
      for (int i = 0; i < items.size(); i += 2) {
        seen.put(items.get(i), items.get(i + 1));
      }
      cursor = (String) reply.get(0);
      if (cursor.equals("0")) {
        return seen;
      }
    }
    throw new AssertionError("ZSCAN did not finish");
  }

  /** Generic key commands see sorted sets as Redis does; COPY is deep in both encodings. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void keyCommandsOnSortedSets(Mode mode) {
    for (Encoding e : Encoding.values()) {
      useEncoding(e);
      Check c = check(mode);
      String key = "k-" + e;
      c.run("ZADD", key, "1", "a", "2", "b");
      c.run("TYPE", key);
      c.run("COPY", key, key + "-copy");
      c.encoding(key + "-copy");
      c.run("ZADD", key, "3", "c");
      c.run("ZINCRBY", key + "-copy", "10", "a");
      c.run("ZRANGE", key, "0", "-1", "WITHSCORES");
      c.run("ZRANGE", key + "-copy", "0", "-1", "WITHSCORES");
      c.run("DEL", key + "-copy");
      c.run("EXISTS", key + "-copy");
    }
  }

  @Test
  void encodingFollowsRedisAcrossEveryThreshold() {
    Check c = check(Mode.PARSED);
    for (int i = 0; i < 128; i++) {
      c.run("ZADD", "n", Integer.toString(i), "m" + i);
    }
    c.encoding("n");
    c.run("ZADD", "n", "5", "m5");
    c.run("ZADD", "n", "XX", "1", "not-there");
    c.encoding("n");
    c.run("ZADD", "n", "128", "m128");
    c.encoding("n");
    c.run("ZREMRANGEBYRANK", "n", "0", "120");
    c.encoding("n");
    c.run("ZRANGE", "n", "0", "-1", "WITHSCORES");

    c.run("ZADD", "v", "1", "x".repeat(64));
    c.encoding("v");
    c.run("ZADD", "v", "XX", "1", "y".repeat(65));
    c.encoding("v");
    c.run("ZADD", "v", "INCR", "1", "y".repeat(65));
    c.encoding("v");
    c.run("ZRANGE", "v", "0", "-1", "WITHSCORES");

    c.run("ZADD", "w", "1", "z".repeat(65));
    c.encoding("w");
    c.run("ZPOPMIN", "w");
    c.encoding("w");

    diff.redis().call("CONFIG", "SET", "zset-max-listpack-value", "3");
    tideServer.server().db().config().zsetMaxListpackValue = 3;
    c.run("ZADD", "u", "1", "abc");
    c.encoding("u");
    c.run("ZADD", "u", "1", "abcd");
    c.encoding("u");
    c.run("ZADD", "dup", "1", "a", "1", "a", "1", "a", "1", "a");
    c.encoding("dup");
    c.run("ZCARD", "dup");
  }

  @Test
  void largeRandomSetsAgreeOnEveryQuery() {
    Check c = check(Mode.PARSED);
    SplittableRandom r = new SplittableRandom(5);
    for (int batch = 0; batch < 20; batch++) {
      List<String> cmd = new ArrayList<>(List.of("ZADD", "big"));
      for (int i = 0; i < 100; i++) {
        cmd.add(Integer.toString(r.nextInt(500)));
        cmd.add("m" + r.nextInt(3000));
      }
      c.run(cmd.toArray(new String[0]));
    }
    c.encoding("big");
    for (int i = 0; i < 100; i++) {
      String member = "m" + r.nextInt(3000);
      c.run("ZRANK", "big", member);
      c.run("ZREVRANK", "big", member);
      c.run("ZSCORE", "big", member);
      String min = (r.nextBoolean() ? "(" : "") + r.nextInt(500);
      String max = (r.nextBoolean() ? "(" : "") + r.nextInt(500);
      c.run("ZCOUNT", "big", min, max);
      c.run("ZRANGEBYSCORE", "big", min, max, "WITHSCORES", "LIMIT", Integer.toString(r.nextInt(5)), "7");
      c.run("ZREVRANGEBYSCORE", "big", max, min, "LIMIT", Integer.toString(r.nextInt(5)), "7");
      String start = Integer.toString(r.nextInt(2200) - 1100);
      c.run("ZRANGE", "big", start, Integer.toString(Integer.parseInt(start) + r.nextInt(20)), "WITHSCORES");
      c.run("ZINCRBY", "big", Integer.toString(r.nextInt(100) - 50), member);
      if (i % 10 == 0) {
        c.run("ZREM", "big", member, "m" + r.nextInt(3000));
        c.run("ZREMRANGEBYSCORE", "big", min, min);
        c.run("ZPOPMIN", "big", "2");
        c.run("ZPOPMAX", "big");
      }
    }
    c.run("ZRANGE", "big", "0", "-1", "WITHSCORES");
  }
}
