package dev.tide.server.commands;

import dev.tide.server.testing.Differential.Mode;
import dev.tide.server.testing.DifferentialTestBase;
import dev.tide.server.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.tide.server.commands.Fixtures.checkNear;
import static dev.tide.server.commands.Fixtures.makeList;
import static dev.tide.server.commands.Fixtures.scanAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The keys family against redis-server 7.0: replies, options, and every error path. */
class KeysDifferentialTest extends DifferentialTestBase {

  private static final long PTTL_TOLERANCE_MS = 2_000;
  /** Seconds two TTL readings may differ (rounded to the nearest second on each server). */
  private static final long TTL_TOLERANCE_S = 2;

  /** Keys with awkward bytes for pattern matching (the same set GlobTest recorded from Redis). */
  private static final String[] PATTERN_KEYS = {"", "a", "b", "]", "^", "_", "-", "ab", "abc", "a*c", "a?c", "[x",
      "x]", "\\", "a\\", "aXc", "A", "hello", "hallo", "hxllo", "heeeello", "h", "\\x", "a-]", "Hello", "HELLO"};
  private static final String[] PATTERNS = {"*", "**", "?", "[a-]", "[a-]*", "[]", "[]a]", "[^]a]", "[^a]", "[!a]",
      "[a", "[ab", "a[", "\\", "\\\\", "a\\\\", "[\\]]", "[\\\\]", "[z-a]", "[a-c]", "*c", "a*c", "a\\*c", "a\\?c",
      "h?llo", "h*llo", "h[^e]llo", "h[a-b]llo", "*[", "[-]", "[a-]]", "[]]", "?*", "*?", "\\a", "[^]", "[^", "*a*",
      "*a*c*", "a**c", "h*l*o", "*\\\\", "[a-]b*", "[A-Z]*", "h[a-z]llo", "", "nomatch", "hello"};

  @Test
  void delUnlinkExistsTouch() {
    diff.check("MSET", "a", "1", "b", "2", "c", "3");
    diff.check("EXISTS", "a", "a", "b", "missing");
    diff.check("TOUCH", "a", "b", "missing", "a");
    diff.check("DEL", "a", "a", "missing");
    diff.check("EXISTS", "a");
    diff.check("UNLINK", "b", "c", "c");
    diff.check("DBSIZE");
    diff.check("DEL", "missing");
    diff.check("SET", "gone", "v", "PXAT", "1"); // already expired: invisible from now on
    diff.check("EXISTS", "gone");
    diff.check("SET", "gone", "v", "PXAT", "1");
    diff.check("DEL", "gone");
    diff.check("SET", "gone", "v", "PXAT", "1");
    diff.check("TOUCH", "gone");
    diff.check("DEL");
    diff.check("UNLINK");
    diff.check("EXISTS");
    diff.check("TOUCH");
    makeList(diff, tideServer, "list");
    diff.check("EXISTS", "list");
    diff.check("DEL", "list");
    diff.check("EXISTS", "list");
  }

  @Test
  void typeOfEachValue() {
    diff.check("SET", "s", "v");
    makeList(diff, tideServer, "list");
    diff.check("TYPE", "s");
    diff.check("TYPE", "list");
    diff.check("TYPE", "missing");
    diff.check("TYPE");
    diff.check("TYPE", "a", "b");
  }

  @Test
  void renameAndRenamenx() {
    diff.check("RENAME", "missing", "x");
    diff.check("RENAME", "missing", "missing");
    diff.check("RENAMENX", "missing", "x");
    diff.check("RENAMENX", "missing", "missing");
    diff.check("SET", "a", "1");
    diff.check("RENAME", "a", "a");
    diff.check("RENAMENX", "a", "a");
    diff.check("RENAME", "a", "b");
    diff.check("MGET", "a", "b");
    diff.check("SET", "c", "3", "EX", "100");
    diff.check("RENAME", "c", "b");
    diff.check("GET", "b");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "b");
    checkNear(diff, PTTL_TOLERANCE_MS, "PTTL", "b");
    diff.check("EXISTS", "c");
    diff.check("SET", "d", "4");
    diff.check("RENAME", "d", "b");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "b");
    diff.check("SET", "e", "5");
    diff.check("RENAMENX", "e", "b");
    diff.check("RENAMENX", "e", "f");
    diff.check("MGET", "b", "e", "f");
    diff.check("SET", "g", "7", "PXAT", "4102444800123");
    diff.check("RENAMENX", "g", "h");
    diff.check("PEXPIRETIME", "h");
    makeList(diff, tideServer, "list");
    diff.check("RENAME", "list", "list2");
    diff.check("TYPE", "list2");
    diff.check("RENAME", "f", "list2");
    diff.check("TYPE", "list2");
    diff.check("RENAME", "a");
    diff.check("RENAMENX", "a", "b", "c");
  }

  @Test
  void renameAndCopyAcrossShards() {
    // find two keys in different shards of the Tide node, so values really move between shards
    String src = "src";
    String dst = null;
    for (int i = 0; i < 1000 && dst == null; i++) {
      String candidate = "dst" + i;
      if (tideServer.server().db().shardIndex(bytes(candidate)) != tideServer.server().db().shardIndex(bytes(src))) {
        dst = candidate;
      }
    }
    assertThat(dst).isNotNull();
    diff.check("SET", src, "v", "EX", "100");
    diff.check("COPY", src, dst);
    diff.check("MGET", src, dst);
    diff.check("TTL", dst);
    diff.check("DEL", dst);
    diff.check("RENAME", src, dst);
    diff.check("MGET", src, dst);
    diff.check("TTL", dst);
    diff.check("RENAMENX", dst, src);
    diff.check("MGET", src, dst);
    diff.check("DBSIZE");
  }

  @Test
  void expireFamilyOptionsAndErrors() {
    diff.check("SET", "k", "v");
    for (String cmd : new String[] {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
      diff.check(cmd, "k", "100", "NX", "XX");
      diff.check(cmd, "k", "100", "NX", "GT");
      diff.check(cmd, "k", "100", "LT", "NX");
      diff.check(cmd, "k", "100", "GT", "LT");
      diff.check(cmd, "k", "100", "FOO");
      diff.check(cmd, "k", "abc", "FOO");
      diff.check(cmd, "k", "abc", "NX", "XX");
      diff.check(cmd, "k", "100", "NX", "FOO");
      diff.check(cmd, "k", "abc");
      diff.check(cmd, "k", "");
      diff.check(cmd, "k", "1.5");
      diff.check(cmd, "k", "9223372036854775808");
      diff.check(cmd, "k", "9223372036854775807");
      diff.check(cmd, "k", "9223372036854776");
      diff.check(cmd, "k", "9223372036854775");
      diff.check(cmd, "k", "-9223372036854776");
      diff.check(cmd, "missing", "100");
      diff.check(cmd, "missing", "100", "FOO");
      diff.check(cmd, "missing", "abc");
      diff.check(cmd, "k");
      diff.check("SET", "k", "v");
    }
    diff.check("EXPIRE", "k", "-9223372036854775");
    diff.check("EXISTS", "k");
    diff.check("SET", "k", "v");
    diff.check("PEXPIRE", "k", "-9223372036854775808");
    diff.check("EXISTS", "k");
  }

  @Test
  void expireConditionsAndTtlReadings() {
    diff.check("SET", "k", "v");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("PTTL", "k");
    diff.check("EXPIRETIME", "k");
    diff.check("PEXPIRETIME", "k");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "missing");
    diff.check("PTTL", "missing");
    diff.check("EXPIRETIME", "missing");
    diff.check("PEXPIRETIME", "missing");
    diff.check("EXPIRE", "k", "100", "XX");
    diff.check("EXPIRE", "k", "100", "GT");
    diff.check("EXPIRE", "k", "100", "LT");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("EXPIRE", "k", "50", "NX");
    diff.check("EXPIRE", "k", "200", "XX");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("EXPIRE", "k", "100", "GT");
    diff.check("EXPIRE", "k", "300", "GT");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("EXPIRE", "k", "400", "LT");
    diff.check("EXPIRE", "k", "100", "LT");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("EXPIRE", "k", "200", "XX", "GT");
    diff.check("EXPIRE", "k", "50", "XX", "GT");
    diff.check("EXPIRE", "k", "100", "xx", "lt", "xx");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    checkNear(diff, PTTL_TOLERANCE_MS, "PTTL", "k");
    diff.check("PERSIST", "k");
    diff.check("PERSIST", "k");
    diff.check("PERSIST", "missing");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("EXPIRE", "k", "10", "GT");
    diff.check("EXPIRE", "k", "10", "XX");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("PEXPIRE", "k", "100000");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("EXPIREAT", "k", "4102444800");
    diff.check("EXPIRETIME", "k");
    diff.check("PEXPIRETIME", "k");
    diff.check("PEXPIREAT", "k", "4102444800499");
    diff.check("EXPIRETIME", "k");
    diff.check("PEXPIREAT", "k", "4102444800500");
    diff.check("EXPIRETIME", "k");
    diff.check("PEXPIREAT", "k", "9223372036854775807");
    diff.check("PEXPIRETIME", "k");
    diff.check("EXPIRETIME", "k");
    diff.check("EXPIREAT", "k", "9223372036854775");
    diff.check("PEXPIRETIME", "k");
    // times already past delete the key, with or without conditions that allow it
    diff.check("EXPIRE", "k", "0");
    diff.check("EXISTS", "k");
    diff.check("SET", "k", "v");
    diff.check("EXPIRE", "k", "-10", "LT");
    diff.check("EXISTS", "k");
    diff.check("SET", "k", "v");
    diff.check("EXPIREAT", "k", "1000000000");
    diff.check("EXISTS", "k");
    diff.check("SET", "k", "v");
    diff.check("PEXPIREAT", "k", "0");
    diff.check("EXISTS", "k");
    diff.check("SET", "k", "v");
    diff.check("EXPIRE", "k", "-1", "GT");
    diff.check("EXISTS", "k");
    diff.check("TTL");
    diff.check("PTTL", "a", "b");
    diff.check("EXPIRETIME");
    diff.check("PERSIST");
    makeList(diff, tideServer, "list");
    diff.check("EXPIRE", "list", "100");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "list");
    diff.check("PERSIST", "list");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "list");
  }

  @Test
  void keysWithTrickyPatterns() {
    for (String k : PATTERN_KEYS) {
      diff.check("SET", k, "1");
    }
    for (String p : PATTERNS) {
      diff.unordered("KEYS", p);
    }
    diff.check("SET", "expired", "v", "PXAT", "1");
    diff.unordered("KEYS", "*");
    diff.check("KEYS");
    diff.check("KEYS", "a", "b");
  }

  @Test
  void scanReturnsTheSameKeysAsRedis() {
    for (String k : PATTERN_KEYS) {
      diff.check("SET", k, "1");
    }
    for (int i = 0; i < 1500; i++) {
      diff.check(Mode.IGNORE, "SET", "key:" + i, Integer.toString(i));
    }
    makeList(diff, tideServer, "list");
    String[][] optionSets = {{}, {"COUNT", "1"}, {"COUNT", "7"}, {"COUNT", "1000000"}, {"MATCH", "key:1*"},
        {"MATCH", "*"}, {"MATCH", "[a-]"}, {"MATCH", "h*llo", "COUNT", "3"}, {"TYPE", "string"}, {"TYPE", "LIST"},
        {"TYPE", "hash"}, {"TYPE", "nosuchtype"}, {"MATCH", "key:2?", "TYPE", "string", "COUNT", "50"},
        {"count", "5", "count", "100"}, {"MATCH", "nomatch"}};
    for (String[] options : optionSets) {
      Set<String> expected = scanAll(diff.redis(), options);
      Set<String> actual = scanAll(diff.tide(), options);
      assertThat(actual).as("SCAN %s", String.join(" ", options)).isEqualTo(expected);
    }
  }

  @Test
  void scanArgumentErrors() {
    diff.check("SET", "a", "1");
    diff.check("SCAN", "abc");
    diff.check("SCAN", " 0");
    diff.check("SCAN", "0 ");
    diff.check("SCAN", "0x1");
    diff.check("SCAN", "1.5");
    diff.check("SCAN", "18446744073709551616");
    diff.check("SCAN", "99999999999999999999999");
    diff.check("SCAN", "+");
    diff.check("SCAN", "-");
    diff.check("SCAN", "0", "COUNT", "0");
    diff.check("SCAN", "0", "COUNT", "-1");
    diff.check("SCAN", "0", "COUNT", "abc");
    diff.check("SCAN", "0", "COUNT", "9223372036854775808");
    diff.check("SCAN", "0", "COUNT");
    diff.check("SCAN", "0", "MATCH");
    diff.check("SCAN", "0", "TYPE");
    diff.check("SCAN", "0", "FOO", "bar");
    diff.check("SCAN", "0", "MATCH", "*", "FOO");
    diff.check("SCAN", "abc", "FOO");
    diff.check("SCAN");
    // valid cursors whose exact next value is implementation-specific
    for (String cursor : new String[] {"", "+0", "-0", "007", "18446744073709551615", "-1", "12345"}) {
      diff.check(Mode.SHAPE, "SCAN", cursor);
    }
    diff.check("SCAN", "0");
    diff.check("SCAN", "0", "COUNT", "9223372036854775807");
  }

  @Test
  void randomkeyDbsizeAndFlush() {
    diff.check("RANDOMKEY");
    diff.check("DBSIZE");
    diff.check("SET", "only", "v");
    diff.check("RANDOMKEY");
    diff.check("MSET", "a", "1", "b", "2", "c", "3");
    diff.check(Mode.SHAPE, "RANDOMKEY");
    Object random = diff.tide().call("RANDOMKEY");
    assertThat(diff.tide().call("EXISTS", (String) random)).isEqualTo(1L);
    diff.check("DBSIZE");
    diff.check("RANDOMKEY", "x");
    diff.check("DBSIZE", "x");
    diff.check("FLUSHDB", "foo");
    diff.check("FLUSHALL", "foo");
    diff.check("FLUSHALL", "ASYNC", "SYNC");
    diff.check("FLUSHDB", "SYNC", "SYNC");
    diff.check("DBSIZE");
    diff.check("FLUSHDB", "sync");
    diff.check("DBSIZE");
    diff.check("MSET", "a", "1", "b", "2");
    diff.check("FLUSHALL", "async");
    diff.check("DBSIZE");
    diff.check("MSET", "a", "1", "b", "2");
    diff.check("FLUSHDB", "ASYNC");
    diff.check("MSET", "a", "1", "b", "2");
    diff.check("FLUSHALL", "SYNC");
    diff.check("MSET", "a", "1", "b", "2");
    diff.check("FLUSHDB");
    diff.check("KEYS", "*");
    diff.check("RANDOMKEY");
  }

  @Test
  void randomkeySkipsExpiredKeys() {
    diff.check("SET", "live", "v");
    for (int i = 0; i < 50; i++) {
      diff.check("SET", "dead" + i, "v", "PXAT", "1");
    }
    for (int i = 0; i < 20; i++) {
      diff.check("RANDOMKEY");
    }
  }

  @Test
  void copyOptionsAndErrors() {
    diff.check("SET", "a", "1", "EX", "100");
    diff.check("COPY", "a", "b");
    diff.check("MGET", "a", "b");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "b");
    diff.check("COPY", "a", "b");
    diff.check("SET", "a", "2");
    diff.check("COPY", "a", "b", "REPLACE");
    diff.check("GET", "b");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "b");
    diff.check("COPY", "a", "a");
    diff.check("COPY", "missing", "missing");
    diff.check("COPY", "missing", "x");
    diff.check("COPY", "a", "c", "DB", "0");
    diff.check("COPY", "a", "c", "db", "0", "replace");
    diff.check("COPY", "a", "d", "REPLACE", "REPLACE", "DB", "0", "DB", "0");
    diff.check("COPY", "a", "c", "DB", "16");
    diff.check("COPY", "a", "c", "DB", "-1");
    diff.check("COPY", "a", "c", "DB", "abc");
    diff.check("COPY", "a", "c", "DB", "99999999999");
    diff.check("COPY", "a", "c", "DB");
    diff.check("COPY", "a", "c", "FOO");
    diff.check("COPY", "a", "a", "DB", "0");
    diff.check("COPY", "a", "a", "FOO");
    diff.check("COPY", "missing", "c", "DB", "16");
    diff.check("COPY", "a");
    diff.check("DBSIZE");
    makeList(diff, tideServer, "list");
    diff.check("COPY", "list", "a");
    diff.check("COPY", "list", "a", "REPLACE");
    diff.check("TYPE", "a");
    diff.check("TYPE", "list");
  }

  @Test
  void copyToAnotherDatabaseIsRefusedAsInRedisCluster() {
    try (RespClient tide = tideServer.client()) {
      tide.call("SET", "a", "1");
      assertThat(tide.call("COPY", "a", "b", "DB", "1"))
          .isEqualTo(new RespClient.Err("ERR Copying to another database is not allowed in cluster mode"));
      assertThat(tide.call("COPY", "missing", "b", "DB", "15"))
          .isEqualTo(new RespClient.Err("ERR Copying to another database is not allowed in cluster mode"));
      assertThat(tide.call("EXISTS", "b")).isEqualTo(0L);
    }
  }

  @Test
  void copyOfACollectionIsIndependentOfItsSource() {
    assumeTrue(Fixtures.tideHasLists(tideServer), "needs the list family");
    diff.check("RPUSH", "l", "a", "b", "c");
    diff.check("COPY", "l", "l2");
    diff.check("RPUSH", "l", "d");
    diff.check("LPOP", "l2");
    diff.check("LRANGE", "l", "0", "-1");
    diff.check("LRANGE", "l2", "0", "-1");
    diff.check("OBJECT", "ENCODING", "l2");
  }

  @Test
  void objectSubcommands() {
    diff.check("SET", "s", "v");
    diff.check("OBJECT", "HELP");
    diff.check("object", "help");
    diff.check("OBJECT", "HELP", "x");
    diff.check("OBJECT");
    diff.check("OBJECT", "FOO");
    diff.check("OBJECT", "foo", "s");
    diff.check("OBJECT", "FOO", "a", "b");
    for (String sub : new String[] {"ENCODING", "FREQ", "IDLETIME", "REFCOUNT", "encoding", "Refcount"}) {
      diff.check("OBJECT", sub);
      diff.check("OBJECT", sub, "s", "extra");
      diff.check("OBJECT", sub, "missing");
    }
    diff.check("OBJECT", "ENCODING", "s");
    diff.check("OBJECT", "REFCOUNT", "s");
    diff.check("OBJECT", "FREQ", "s");
    diff.check(Mode.SHAPE, "OBJECT", "IDLETIME", "s");
    Object idle = diff.tide().call("OBJECT", "IDLETIME", "s");
    assertThat((Long) idle).isBetween(0L, 5L);
    makeList(diff, tideServer, "list");
    diff.check("OBJECT", "REFCOUNT", "list");
    diff.check("OBJECT", "FREQ", "list");
  }

  @Test
  void keyCommandArityErrors() {
    for (String cmd : new String[] {"DEL", "UNLINK", "EXISTS", "TOUCH", "TYPE", "TTL", "PTTL", "EXPIRETIME",
        "PEXPIRETIME", "PERSIST", "KEYS", "SCAN", "OBJECT"}) {
      diff.check(cmd);
    }
    for (String cmd : new String[] {"RENAME", "RENAMENX", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "COPY"}) {
      diff.check(cmd, "k");
    }
    List<String> tooMany = new ArrayList<>(List.of("DBSIZE", "a", "b"));
    diff.check(tooMany.toArray(new String[0]));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
