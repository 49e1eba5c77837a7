package dev.tide.server.commands;

import dev.tide.server.testing.Differential.Mode;
import dev.tide.server.testing.DifferentialTestBase;
import org.junit.jupiter.api.Test;

import static dev.tide.server.commands.Fixtures.checkNear;
import static dev.tide.server.commands.Fixtures.makeList;

/** The string family against redis-server 7.0: replies, options, and every error path. */
class StringsDifferentialTest extends DifferentialTestBase {

  /** Milliseconds two PTTL readings may differ: the servers are asked a moment apart. */
  private static final long PTTL_TOLERANCE_MS = 2_000;
  /** Seconds two TTL readings may differ (rounded to the nearest second on each server). */
  private static final long TTL_TOLERANCE_S = 2;

  @Test
  void getAndSetBasics() {
    diff.check("GET", "k");
    diff.check("SET", "k", "v");
    diff.check("GET", "k");
    diff.check("SET", "k", "");
    diff.check("GET", "k");
    diff.check("STRLEN", "k");
    diff.check("SET", "k", "v2");
    diff.check("GET", "k");
    diff.check("SET", "bin", "a\u0000b\r\nc");
    diff.check("GET", "bin");
    diff.check("STRLEN", "bin");
    diff.check("GET");
    diff.check("GET", "a", "b");
    diff.check("SET", "k");
    diff.check("SET");
    diff.check("set", "lower", "case");
    diff.check("gEt", "lower");
  }

  @Test
  void setConditionsAndGet() {
    diff.check("SET", "k", "v", "NX");
    diff.check("SET", "k", "w", "NX");
    diff.check("GET", "k");
    diff.check("SET", "k", "w", "XX");
    diff.check("SET", "missing", "w", "XX");
    diff.check("EXISTS", "missing");
    diff.check("SET", "k", "x", "GET");
    diff.check("SET", "new", "x", "GET");
    diff.check("SET", "k", "y", "NX", "GET");
    diff.check("SET", "k2", "y", "NX", "GET");
    diff.check("SET", "absent", "y", "XX", "GET");
    diff.check("EXISTS", "absent");
    diff.check("SET", "k", "z", "XX", "GET");
    diff.check("GET", "k");
    diff.check("SET", "k", "v", "nx", "nx");
    diff.check("SET", "k", "v", "xx", "xx", "get", "get");
    diff.check("SET", "k", "v", "NX", "XX");
    diff.check("SET", "k", "v", "XX", "NX");
    diff.check("SET", "k", "v", "FOO");
    diff.check("SET", "k", "v", "GET", "FOO");
    diff.check("SET", "k", "v", "PERSIST");
    makeList(diff, tideServer, "list");
    diff.check("SET", "list", "v", "GET");
    diff.check("SET", "list", "v", "NX", "GET");
    diff.check("SET", "list", "v", "XX", "GET");
    diff.check("SET", "list", "v", "EX", "0", "GET");
    diff.check("SET", "list", "v", "FOO", "GET");
    diff.check("SET", "list", "v");
    diff.check("TYPE", "list");
    diff.check("GET", "list");
  }

  @Test
  void setExpireOptions() {
    diff.check("SET", "k", "v", "EX", "100");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    checkNear(diff, PTTL_TOLERANCE_MS, "PTTL", "k");
    diff.check("SET", "k", "v", "PX", "100000");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("SET", "k", "v", "EXAT", "4102444800");
    diff.check("EXPIRETIME", "k");
    diff.check("SET", "k", "v", "PXAT", "4102444800123");
    diff.check("PEXPIRETIME", "k");
    diff.check("SET", "k", "v2", "KEEPTTL");
    diff.check("PEXPIRETIME", "k");
    diff.check("SET", "k", "v3");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("SET", "k", "v", "ex", "10", "ex", "100");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("SET", "k", "v", "EX", "10", "NX", "GET");
    diff.check("SET", "k", "v", "XX", "PX", "5000", "GET");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("SET", "k", "v", "KEEPTTL", "KEEPTTL");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    // a time already past: the key is set and expires at once
    diff.check("SET", "past", "v", "EXAT", "1");
    diff.check("GET", "past");
    diff.check("EXISTS", "past");
    diff.check("SET", "past", "v", "PXAT", "1000");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "past");
    // errors
    for (String unit : new String[] {"EX", "PX", "EXAT", "PXAT"}) {
      diff.check("SET", "k", "v", unit);
      diff.check("SET", "k", "v", unit, "0");
      diff.check("SET", "k", "v", unit, "-1");
      diff.check("SET", "k", "v", unit, "abc");
      diff.check("SET", "k", "v", unit, "1.5");
      diff.check("SET", "k", "v", unit, "");
      diff.check("SET", "k", "v", unit, "9223372036854775807");
      diff.check("SET", "k", "v", unit, "9223372036854775808");
      diff.check("SET", "k", "v", unit, "-9223372036854775808");
      diff.check("SET", "k", "v", unit, "9223372036854775");
      diff.check("SET", "k", "v", unit, "9223372036854776");
      diff.check("SET", "k", "v", unit, "10", "KEEPTTL");
      diff.check("SET", "k", "v", "KEEPTTL", unit, "10");
    }
    diff.check("SET", "k", "v", "EX", "10", "PX", "10");
    diff.check("SET", "k", "v", "EXAT", "10", "PXAT", "10");
    diff.check("SET", "k", "v", "PX", "10", "EX", "10");
    diff.check("SET", "k", "v", "EX", "10", "EXAT", "10");
    diff.check("SET", "k", "v", "EX", "0", "NX", "XX");
    diff.check("SET", "k", "v", "EX", "abc", "FOO");
    diff.check("GET", "k");
  }

  @Test
  void setnxSetexPsetex() {
    diff.check("SETNX", "k", "v");
    diff.check("SETNX", "k", "w");
    diff.check("GET", "k");
    diff.check("SETNX", "k");
    diff.check("SETNX", "k", "v", "x");
    diff.check("SETEX", "k", "100", "v");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("GET", "k");
    diff.check("PSETEX", "k", "100000", "v2");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("GET", "k");
    for (String cmd : new String[] {"SETEX", "PSETEX"}) {
      diff.check(cmd, "k", "0", "v");
      diff.check(cmd, "k", "-5", "v");
      diff.check(cmd, "k", "abc", "v");
      diff.check(cmd, "k", "9223372036854775807", "v");
      diff.check(cmd, "k", "9223372036854775808", "v");
      diff.check(cmd, "k", "10");
      diff.check(cmd, "k", "10", "v", "x");
    }
    makeList(diff, tideServer, "list");
    diff.check("SETNX", "list", "v");
    diff.check("SETEX", "list", "100", "v");
    diff.check("TYPE", "list");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "list");
  }

  @Test
  void getsetGetdelGetex() {
    diff.check("GETSET", "k", "v1");
    diff.check("GETSET", "k", "v2");
    diff.check("GET", "k");
    diff.check("SET", "t", "v", "EX", "100");
    diff.check("GETSET", "t", "w");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "t");
    diff.check("GETDEL", "k");
    diff.check("GETDEL", "k");
    diff.check("EXISTS", "k");
    diff.check("GETSET", "k");
    diff.check("GETDEL", "k", "x");
    makeList(diff, tideServer, "list");
    diff.check("GETSET", "list", "v");
    diff.check("GETDEL", "list");
    diff.check("TYPE", "list");

    diff.check("SET", "k", "v");
    diff.check("GETEX", "k");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("GETEX", "k", "EX", "100");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("GETEX", "k", "PX", "200000");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("GETEX", "k", "EXAT", "4102444800");
    diff.check("EXPIRETIME", "k");
    diff.check("GETEX", "k", "PXAT", "4102444800555");
    diff.check("PEXPIRETIME", "k");
    diff.check("GETEX", "k", "PERSIST");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("GETEX", "k", "persist", "persist");
    diff.check("GETEX", "k", "ex", "10", "ex", "20");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
    diff.check("GETEX", "k", "EXAT", "1");
    diff.check("EXISTS", "k");
    diff.check("SET", "k", "v");
    diff.check("GETEX", "k", "PXAT", "1");
    diff.check("GET", "k");
    diff.check("SET", "k", "v");
    for (String unit : new String[] {"EX", "PX", "EXAT", "PXAT"}) {
      diff.check("GETEX", "k", unit);
      diff.check("GETEX", "k", unit, "0");
      diff.check("GETEX", "k", unit, "-1");
      diff.check("GETEX", "k", unit, "x");
      diff.check("GETEX", "k", unit, "9223372036854775807");
      diff.check("GETEX", "k", unit, "10", "PERSIST");
      diff.check("GETEX", "k", "PERSIST", unit, "10");
      diff.check("GETEX", "missing", unit, "0");
      diff.check("GETEX", "list", unit, "0");
    }
    diff.check("GETEX", "k", "EX", "10", "PX", "10");
    diff.check("GETEX", "k", "KEEPTTL");
    diff.check("GETEX", "k", "NX");
    diff.check("GETEX", "k", "GET");
    diff.check("GETEX", "k", "FOO");
    diff.check("GETEX", "missing", "FOO");
    diff.check("GETEX", "missing");
    diff.check("GETEX", "list");
    diff.check("GETEX");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "k");
  }

  @Test
  void mgetMsetMsetnx() {
    diff.check("MSET", "a", "1", "b", "2", "c", "3");
    diff.check("MGET", "a", "b", "c", "missing", "a");
    makeList(diff, tideServer, "list");
    diff.check("MGET", "list", "a");
    diff.check("MSET", "a");
    diff.check("MSET", "a", "1", "b");
    diff.check("MSET");
    diff.check("MGET");
    diff.check("MSET", "a", "x", "a", "y");
    diff.check("GET", "a");
    diff.check("SET", "t", "v", "EX", "100");
    diff.check("MSET", "t", "w");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "t");
    diff.check("MSET", "list", "now-a-string");
    diff.check("TYPE", "list");
    diff.check("MSETNX", "a", "1", "new", "2");
    diff.check("EXISTS", "new");
    diff.check("MSETNX", "new", "1", "new2", "2");
    diff.check("MGET", "new", "new2");
    diff.check("MSETNX", "n3", "1", "n3", "2");
    diff.check("GET", "n3");
    diff.check("MSETNX", "a");
    diff.check("MSETNX", "a", "1", "b");
    // keys spread over many shards of Tide
    String[] args = new String[1 + 2 * 50];
    args[0] = "MSET";
    String[] get = new String[1 + 50];
    get[0] = "MGET";
    for (int i = 0; i < 50; i++) {
      args[1 + 2 * i] = "key:" + i;
      args[2 + 2 * i] = "value:" + i;
      get[1 + i] = "key:" + i;
    }
    diff.check(args);
    diff.check(get);
    diff.check("DBSIZE");
  }

  @Test
  void integerCounters() {
    diff.check("INCR", "n");
    diff.check("INCR", "n");
    diff.check("DECR", "n");
    diff.check("DECR", "n");
    diff.check("DECR", "n");
    diff.check("INCRBY", "n", "100");
    diff.check("INCRBY", "n", "-250");
    diff.check("DECRBY", "n", "-7");
    diff.check("DECRBY", "n", "7");
    diff.check("GET", "n");
    diff.check("SET", "n", "9223372036854775806");
    diff.check("INCR", "n");
    diff.check("INCR", "n");
    diff.check("GET", "n");
    diff.check("SET", "n", "-9223372036854775807");
    diff.check("DECR", "n");
    diff.check("DECR", "n");
    diff.check("INCRBY", "n", "-1");
    diff.check("SET", "n", "1");
    diff.check("INCRBY", "n", "9223372036854775807");
    diff.check("DECRBY", "n", "9223372036854775807");
    diff.check("DECRBY", "n", "9223372036854775807");
    diff.check("DECRBY", "n", "-9223372036854775808");
    diff.check("DECRBY", "notint", "-9223372036854775808");
    diff.check("INCRBY", "n", "-9223372036854775808");
    diff.check("INCRBY", "n", "9223372036854775808");
    diff.check("INCRBY", "n", "1.5");
    diff.check("INCRBY", "n", "");
    diff.check("INCRBY", "n", " 1");
    diff.check("INCRBY", "n", "+1");
    diff.check("INCRBY", "n", "01");
    diff.check("INCRBY", "n", "-0");
    diff.check("INCRBY", "n", "0");
    for (String stored : new String[] {"1.5", " 1", "1 ", "01", "+1", "-0", "", "abc", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901", "1e3", "0x10"}) {
      diff.check("SET", "bad", stored);
      diff.check("INCR", "bad");
      diff.check("DECRBY", "bad", "1");
      diff.check("GET", "bad");
    }
    diff.check("SET", "t", "5", "EX", "100");
    diff.check("INCR", "t");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "t");
    makeList(diff, tideServer, "list");
    diff.check("INCR", "list");
    diff.check("DECR", "list");
    diff.check("INCRBY", "list", "x");
    diff.check("INCRBY", "list", "2");
    diff.check("DECRBY", "list", "2");
    diff.check("INCR");
    diff.check("INCR", "a", "b");
    diff.check("INCRBY", "a");
    diff.check("DECRBY", "a", "1", "2");
  }

  @Test
  void incrbyfloatMatchesLongDoubleArithmetic() {
    diff.check("INCRBYFLOAT", "f", "10.5");
    diff.check("INCRBYFLOAT", "f", "0.1");
    diff.check("INCRBYFLOAT", "f", "-5.0e3");
    diff.check("INCRBYFLOAT", "f", "5.0e3");
    diff.check("GET", "f");
    String[][] cases = {
        {"10.50", "0.1"}, {"5.0e3", "2.0e2"}, {"3", "1e-20"}, {"3", "-3"}, {"0.1", "0.2"}, {"1", "1e30"},
        {"1e30", "0.1"}, {"-9223372036854775806", "0x10"}, {"0", "0x1.8p1"}, {"0", "0X1P-3"}, {"1", "+.5"},
        {"1", "5."}, {"1", "1E2"}, {"1", "-0"}, {"1.7976931348623157e308", "1.7976931348623157e308"},
        {"1", "1e4932"}, {"1", "1e-4940"}, {"0", "123456789.123456789123456789"}, {"0", "-0.000000000000000001"},
        {"0", "0.000000000000000005"}, {"0", "0.000000000000000015"}, {"0", "2.5e-17"}, {"0", "1e20"},
        {"0", "12345678901234567890123"}, {"0", "3.14159265358979323846264338327950288"}, {"7", "1\u0000zzz"},
        {"7", "\u0000"}, {"1e5", "1"}, {"-1", "1"}, {"0.0000001", "0"}, {"1.5e-7", "1e-8"},
        {"99999999999999999999", "1"}, {"18446744073709551615", "1"}, {"18446744073709551617", "0"},
    };
    for (String[] c : cases) {
      diff.check("SET", "f", c[0]);
      diff.check("INCRBYFLOAT", "f", c[1]);
      diff.check("GET", "f");
      diff.check("OBJECT", "ENCODING", "f");
    }
    String[] invalid = {"", " 1", "1 ", "nan", "NaN", "-nan", "1e", "1e+", "0x", "0x1p", "abc", "1.2.3", "--1", "1e5000",
        "1e-5000", "0x1p20000", "infin", "+", ".", "1,5", "1_0", "\t1"};
    diff.check("SET", "f", "1");
    for (String bad : invalid) {
      diff.check("INCRBYFLOAT", "f", bad);
      diff.check("SET", "g", bad);
      diff.check("INCRBYFLOAT", "g", "1");
    }
    diff.check("GET", "f");
    diff.check("INCRBYFLOAT", "f", "inf");
    diff.check("INCRBYFLOAT", "f", "-inf");
    diff.check("INCRBYFLOAT", "f", "Infinity");
    diff.check("SET", "f", "inf");
    diff.check("INCRBYFLOAT", "f", "1");
    diff.check("SET", "f", "1e4932");
    diff.check("INCRBYFLOAT", "f", "1e4932");
    diff.check("SET", "f", "1e4931");
    diff.check("INCRBYFLOAT", "f", "1e4931");
    diff.check("SET", "f", "1".repeat(5119));
    diff.check("INCRBYFLOAT", "f", "1");
    diff.check("SET", "f", "0".repeat(5118) + "1");
    diff.check("INCRBYFLOAT", "f", "1");
    diff.check("SET", "f", "0".repeat(5119) + "1");
    diff.check("INCRBYFLOAT", "f", "1");
    diff.check("INCRBYFLOAT", "f", "0".repeat(5119) + "1");
    diff.check("SET", "t", "1", "EX", "100");
    diff.check("INCRBYFLOAT", "t", "1.5");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "t");
    makeList(diff, tideServer, "list");
    diff.check("INCRBYFLOAT", "list", "1");
    diff.check("INCRBYFLOAT", "list", "x");
    diff.check("INCRBYFLOAT", "f");
    diff.check("INCRBYFLOAT", "f", "1", "2");
  }

  @Test
  void appendAndStrlen() {
    diff.check("APPEND", "k", "hello");
    diff.check("APPEND", "k", " world");
    diff.check("GET", "k");
    diff.check("STRLEN", "k");
    diff.check("APPEND", "k", "");
    diff.check("APPEND", "empty", "");
    diff.check("EXISTS", "empty");
    diff.check("STRLEN", "empty");
    diff.check("STRLEN", "missing");
    diff.check("SET", "t", "a", "EX", "100");
    diff.check("APPEND", "t", "b");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "t");
    diff.check("SET", "n", "12");
    diff.check("APPEND", "n", "3");
    diff.check("INCR", "n");
    makeList(diff, tideServer, "list");
    diff.check("APPEND", "list", "x");
    diff.check("STRLEN", "list");
    diff.check("APPEND", "k");
    diff.check("STRLEN");
    diff.check("STRLEN", "a", "b");
  }

  @Test
  void getrangeAndSetrange() {
    diff.check("SET", "k", "Hello World");
    String[][] ranges = {{"0", "4"}, {"0", "-1"}, {"-5", "-1"}, {"-3", "-4"}, {"-100", "100"}, {"3", "1"},
        {"5", "5"}, {"10", "10"}, {"11", "20"}, {"-1", "-5"}, {"9223372036854775807", "-9223372036854775808"},
        {"-9223372036854775808", "9223372036854775807"}, {"0", "0"}, {"-1", "0"}, {"1", "-11"}, {"1", "-12"}};
    for (String[] r : ranges) {
      diff.check("GETRANGE", "k", r[0], r[1]);
      diff.check("GETRANGE", "missing", r[0], r[1]);
    }
    diff.check("SET", "empty", "");
    diff.check("GETRANGE", "empty", "0", "-1");
    diff.check("GETRANGE", "k", "0", "abc");
    diff.check("GETRANGE", "k", "x", "1");
    diff.check("GETRANGE", "missing", "0", "abc");
    diff.check("GETRANGE", "k", "0");
    diff.check("SUBSTR", "k", "0", "1");

    diff.check("SETRANGE", "k", "6", "Redis");
    diff.check("GET", "k");
    diff.check("SETRANGE", "k", "20", "!");
    diff.check("GET", "k");
    diff.check("STRLEN", "k");
    diff.check("SETRANGE", "k", "0", "");
    diff.check("SETRANGE", "k", "100", "");
    diff.check("STRLEN", "k");
    diff.check("SETRANGE", "new", "3", "abc");
    diff.check("GET", "new");
    diff.check("SETRANGE", "nothing", "0", "");
    diff.check("SETRANGE", "nothing", "5", "");
    diff.check("EXISTS", "nothing");
    diff.check("SETRANGE", "k", "-1", "x");
    diff.check("SETRANGE", "missing", "-1", "x");
    diff.check("SETRANGE", "k", "abc", "x");
    diff.check("SETRANGE", "k", "536870912", "x");
    diff.check("SETRANGE", "k", "536870911", "xx");
    diff.check("SETRANGE", "missing", "536870912", "x");
    diff.check("SETRANGE", "missing", "536870912", "");
    diff.check("SETRANGE", "k", "9223372036854775807", "x");
    diff.check("SETRANGE", "k", "9223372036854775808", "x");
    diff.check("SET", "t", "abc", "EX", "100");
    diff.check("SETRANGE", "t", "1", "X");
    checkNear(diff, TTL_TOLERANCE_S, "TTL", "t");
    diff.check("GET", "t");
    makeList(diff, tideServer, "list");
    diff.check("SETRANGE", "list", "0", "x");
    diff.check("SETRANGE", "list", "0", "");
    diff.check("SETRANGE", "list", "-1", "x");
    diff.check("GETRANGE", "list", "0", "1");
    diff.check("GETRANGE", "list", "0", "x");
    diff.check("SETRANGE", "k", "0");
  }

  @Test
  void objectEncodingOfStringsFollowsHowTheyWereWritten() {
    String[] values = {"0", "1", "-1", "123", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "12345678901234567890", "01", "+1", "-0", "1.5", " 1", "", "a", "x".repeat(44), "x".repeat(45),
        "1".repeat(44), "y".repeat(1000)};
    for (String v : values) {
      diff.check("SET", "k", v);
      diff.check("OBJECT", "ENCODING", "k");
      diff.check("OBJECT", "REFCOUNT", "k");
      diff.check("GETSET", "g", v);
      diff.check("OBJECT", "ENCODING", "g");
      diff.check("MSET", "m", v);
      diff.check("OBJECT", "ENCODING", "m");
      diff.check("DEL", "a");
      diff.check("APPEND", "a", v);
      diff.check("OBJECT", "ENCODING", "a");
      diff.check("APPEND", "a", "");
      diff.check("OBJECT", "ENCODING", "a");
      diff.check("SET", "s", v);
      diff.check("SETRANGE", "s", "0", "");
      diff.check("OBJECT", "ENCODING", "s");
      diff.check("SETRANGE", "s", "0", "1");
      diff.check("OBJECT", "ENCODING", "s");
      diff.check("COPY", "s", "c", "REPLACE");
      diff.check("OBJECT", "ENCODING", "c");
      diff.check("COPY", "k", "c2", "REPLACE");
      diff.check("OBJECT", "ENCODING", "c2");
      diff.check("OBJECT", "REFCOUNT", "c2");
      diff.check("RENAME", "c", "r");
      diff.check("OBJECT", "ENCODING", "r");
      diff.check("SET", "r", v);
      diff.check("OBJECT", "ENCODING", "r");
    }
    diff.check("SET", "i", "5");
    diff.check("INCR", "i");
    diff.check("OBJECT", "ENCODING", "i");
    diff.check("OBJECT", "REFCOUNT", "i");
    diff.check("INCRBY", "i", "100000");
    diff.check("OBJECT", "REFCOUNT", "i");
    diff.check("INCRBYFLOAT", "i", "1");
    diff.check("OBJECT", "ENCODING", "i");
    diff.check("INCR", "i");
    diff.check("OBJECT", "ENCODING", "i");
    diff.check("INCRBYFLOAT", "fl", "1e40");
    diff.check("OBJECT", "ENCODING", "fl");
    diff.check("SET", "e", "v", "EX", "100");
    diff.check("APPEND", "e", "w");
    diff.check("EXPIRE", "e", "200");
    diff.check("OBJECT", "ENCODING", "e");
    diff.check("SET", "e", "v", "KEEPTTL");
    diff.check("OBJECT", "ENCODING", "e");
  }

  @Test
  void unknownCommandsAndArityNamesMatch() {
    diff.check(Mode.EXACT, "SETEX", "k");
    diff.check(Mode.EXACT, "GETRANGE", "k", "1");
    diff.check(Mode.EXACT, "SETRANGE", "k", "1");
    diff.check(Mode.EXACT, "APPEND", "k");
    diff.check(Mode.EXACT, "INCRBYFLOAT", "k");
    diff.check(Mode.EXACT, "GETDEL");
  }
}
