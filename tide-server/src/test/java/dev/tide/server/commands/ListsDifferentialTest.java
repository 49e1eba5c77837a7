package dev.tide.server.commands;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every list command, option and error against redis-server 7.0: replies compared exactly, in
 * RESP2 (parsed and raw bytes) and RESP3 (raw bytes). Blocking behaviour with several clients is
 * in {@link ListsBlockingTest}.
 */
class ListsDifferentialTest extends ScriptedDifferentialTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void pushesAndLength(Mode mode) {
    Check c = check(mode);
    c.run("LPUSH", "l", "a");
    c.run("LPUSH", "l", "b", "c", "d");
    c.run("RPUSH", "l", "e", "f");
    c.run("LRANGE", "l", "0", "-1");
    c.run("LLEN", "l");
    c.run("LLEN", "missing");
    c.run("LPUSHX", "missing", "a");
    c.run("RPUSHX", "missing", "a", "b");
    c.run("LPUSHX", "l", "x", "y");
    c.run("RPUSHX", "l", "z");
    c.run("LRANGE", "l", "0", "-1");
    c.run("RPUSH", "empty-string", "");
    c.run("LRANGE", "empty-string", "0", "-1");
    c.run("SET", "s", "v");
    for (String cmd : new String[] {"LPUSH", "RPUSH", "LPUSHX", "RPUSHX"}) {
      c.run(cmd, "s", "a");
      c.run(cmd, "l");
      c.run(cmd);
    }
    c.run("LLEN", "s");
    c.run("LLEN");
    c.run("LLEN", "a", "b");
    c.encoding("l");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void popsWithAndWithoutCount(Mode mode) {
    Check c = check(mode);
    c.run("RPUSH", "l", "a", "b", "c", "d", "e");
    c.run("LPOP", "l");
    c.run("RPOP", "l");
    c.run("LPOP", "l", "0");
    c.run("LPOP", "l", "2");
    c.run("RPOP", "l", "5");
    c.run("LLEN", "l");
    c.run("LPOP", "l");
    c.run("RPOP", "l");
    c.run("LPOP", "l", "1");
    c.run("RPOP", "l", "0");
    c.run("RPUSH", "l", "a", "b");
    for (String cmd : new String[] {"LPOP", "RPOP"}) {
      c.run(cmd, "l", "-1");
      c.run(cmd, "l", "x");
      c.run(cmd, "l", "1.5");
      c.run(cmd, "l", "1", "2");
      c.run(cmd, "missing", "-1");
      c.run(cmd);
    }
    c.run("LPOP", "l", "9223372036854775807");
    c.run("RPUSH", "l", "x");
    c.run("LPOP", "l", "9223372036854775808");
    c.run("SET", "s", "v");
    c.run("LPOP", "s");
    c.run("RPOP", "s", "2");
    c.run("LPOP", "s", "0");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void rangeAndIndex(Mode mode) {
    Check c = check(mode);
    c.run("RPUSH", "l", "a", "b", "c", "d", "e", "f");
    String[][] ranges = {{"0", "-1"}, {"0", "0"}, {"-1", "-1"}, {"1", "3"}, {"-3", "-2"}, {"-100", "100"},
        {"5", "1"}, {"6", "10"}, {"-7", "0"}, {"2", "-5"}, {"-9223372036854775808", "9223372036854775807"},
        {"x", "1"}, {"1", "y"}, {"1.5", "2"}, {"9223372036854775808", "1"}};
    for (String[] r : ranges) {
      c.run("LRANGE", "l", r[0], r[1]);
      c.run("LRANGE", "missing", r[0], r[1]);
    }
    for (String i : new String[] {"0", "5", "6", "-1", "-6", "-7", "100", "x", "-9223372036854775808"}) {
      c.run("LINDEX", "l", i);
      c.run("LINDEX", "missing", i);
    }
    c.run("SET", "s", "v");
    c.run("LRANGE", "s", "0", "1");
    c.run("LRANGE", "s", "x", "1");
    c.run("LINDEX", "s", "0");
    c.run("LINDEX", "s", "x");
    c.run("LRANGE", "l", "0");
    c.run("LINDEX", "l");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void setElements(Mode mode) {
    Check c = check(mode);
    c.run("RPUSH", "l", "a", "b", "c");
    c.run("LSET", "l", "0", "A");
    c.run("LSET", "l", "-1", "C");
    c.run("LSET", "l", "1", "a much longer element than before, to resize the node it lives in");
    c.run("LRANGE", "l", "0", "-1");
    c.run("LSET", "l", "3", "x");
    c.run("LSET", "l", "-4", "x");
    c.run("LSET", "l", "x", "x");
    c.run("LSET", "l", "-9223372036854775808", "x");
    c.run("LSET", "missing", "0", "x");
    c.run("LSET", "missing", "x", "x");
    c.run("SET", "s", "v");
    c.run("LSET", "s", "0", "x");
    c.run("LSET", "l", "0");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void removeTrimInsert(Mode mode) {
    Check c = check(mode);
    c.run("RPUSH", "l", "a", "b", "a", "c", "a", "b", "a");
    c.run("LREM", "l", "1", "a");
    c.run("LRANGE", "l", "0", "-1");
    c.run("LREM", "l", "-2", "a");
    c.run("LRANGE", "l", "0", "-1");
    c.run("LREM", "l", "0", "b");
    c.run("LREM", "l", "0", "zz");
    c.run("LRANGE", "l", "0", "-1");
    c.run("LREM", "l", "0", "a");
    c.run("LREM", "l", "0", "c");
    c.run("LLEN", "l");
    c.run("LREM", "l", "x", "a");
    c.run("LREM", "missing", "x", "a");
    c.run("LREM", "missing", "0", "a");
    c.run("RPUSH", "m", "a", "a", "a");
    c.run("LREM", "m", "-9223372036854775808", "a");
    c.run("LLEN", "m");

    c.run("RPUSH", "t", "1", "2", "3", "4", "5", "6");
    c.run("LTRIM", "t", "1", "-2");
    c.run("LRANGE", "t", "0", "-1");
    c.run("LTRIM", "t", "-100", "100");
    c.run("LRANGE", "t", "0", "-1");
    c.run("LTRIM", "t", "1", "1");
    c.run("LRANGE", "t", "0", "-1");
    c.run("LTRIM", "t", "5", "1");
    c.run("LLEN", "t");
    c.run("LTRIM", "t", "0", "-1");
    c.run("LTRIM", "t", "x", "1");
    c.run("LTRIM", "missing", "x", "1");

    c.run("RPUSH", "i", "a", "b", "c");
    c.run("LINSERT", "i", "BEFORE", "a", "0");
    c.run("LINSERT", "i", "after", "c", "d");
    c.run("LINSERT", "i", "AFTER", "b", "b2");
    c.run("LINSERT", "i", "before", "zz", "x");
    c.run("LRANGE", "i", "0", "-1");
    c.run("LINSERT", "i", "middle", "a", "x");
    c.run("LINSERT", "missing", "before", "a", "x");
    c.run("LINSERT", "missing", "nowhere", "a", "x");
    c.run("SET", "s", "v");
    c.run("LINSERT", "s", "before", "a", "x");
    c.run("LREM", "s", "0", "a");
    c.run("LTRIM", "s", "0", "1");
    c.run("LINSERT", "i", "before", "a");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void lposOptions(Mode mode) {
    Check c = check(mode);
    c.run("RPUSH", "l", "a", "b", "c", "a", "b", "c", "a");
    String[][] options = {{}, {"RANK", "2"}, {"RANK", "-1"}, {"RANK", "-2"}, {"RANK", "4"}, {"RANK", "-4"},
        {"COUNT", "0"}, {"COUNT", "2"}, {"COUNT", "10"}, {"RANK", "-1", "COUNT", "0"}, {"COUNT", "2", "RANK", "-2"},
        {"COUNT", "0", "MAXLEN", "4"}, {"RANK", "2", "MAXLEN", "3"}, {"RANK", "-1", "MAXLEN", "2"},
        {"MAXLEN", "0"}, {"MAXLEN", "1"}, {"RANK", "9223372036854775807"}, {"RANK", "-9223372036854775808"},
        {"RANK", "-9223372036854775808", "COUNT", "2"}, {"COUNT", "1", "COUNT", "2"}, {"RANK", "1", "RANK", "-1"},
        {"rank", "1", "count", "1", "maxlen", "7"},
        {"RANK", "0"}, {"RANK", "x"}, {"RANK", "-9223372036854775809"}, {"COUNT", "-1"}, {"COUNT", "x"},
        {"MAXLEN", "-1"}, {"MAXLEN", "9223372036854775808"}, {"RANK"}, {"COUNT"}, {"FOO", "1"}, {"RANK", "1", "COUNT"}};
    for (String[] opts : options) {
      for (String element : new String[] {"a", "c", "zz"}) {
        c.run(concat(new String[] {"LPOS", "l", element}, opts));
      }
      c.run(concat(new String[] {"LPOS", "missing", "a"}, opts));
    }
    c.run("SET", "s", "v");
    c.run("LPOS", "s", "a");
    c.run("LPOS", "s", "a", "RANK", "0");
    c.run("LPOS", "l");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void lmoveEveryDirection(Mode mode) {
    Check c = check(mode);
    c.run("RPUSH", "src", "1", "2", "3", "4");
    c.run("LMOVE", "src", "dst", "LEFT", "RIGHT");
    c.run("LMOVE", "src", "dst", "RIGHT", "LEFT");
    c.run("LMOVE", "src", "dst", "left", "left");
    c.run("LMOVE", "src", "dst", "right", "right");
    c.run("LRANGE", "dst", "0", "-1");
    c.run("LLEN", "src");
    c.run("LMOVE", "src", "dst", "LEFT", "RIGHT");
    c.run("RPUSH", "rot", "a", "b", "c");
    c.run("LMOVE", "rot", "rot", "LEFT", "RIGHT");
    c.run("LMOVE", "rot", "rot", "RIGHT", "LEFT");
    c.run("LRANGE", "rot", "0", "-1");
    c.run("RPUSH", "one", "x");
    c.run("LMOVE", "one", "one", "LEFT", "RIGHT");
    c.run("LRANGE", "one", "0", "-1");
    c.run("LMOVE", "missing", "dst", "LEFT", "RIGHT");
    c.run("LMOVE", "src", "dst", "UP", "RIGHT");
    c.run("LMOVE", "src", "dst", "LEFT", "DOWN");
    c.run("SET", "s", "v");
    c.run("LMOVE", "s", "dst", "LEFT", "RIGHT");
    c.run("LMOVE", "dst", "s", "LEFT", "RIGHT");
    c.run("LMOVE", "missing", "s", "LEFT", "RIGHT");
    c.run("LRANGE", "dst", "0", "-1");
    c.run("LMOVE", "src", "dst", "LEFT");
    c.run("LMOVE", "src", "dst", "LEFT", "RIGHT", "0");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void blockingCommandsServeAtOnceOrCheckTheirArguments(Mode mode) {
    Check c = check(mode);
    c.run("RPUSH", "a", "1", "2");
    c.run("RPUSH", "b", "3");
    c.run("BLPOP", "missing", "a", "b", "0");
    c.run("BRPOP", "missing", "a", "b", "0");
    c.run("BRPOP", "a", "b", "1");
    c.run("BLPOP", "a", "b", "0.5");
    c.run("RPUSH", "a", "x", "y");
    c.run("BLMOVE", "a", "b", "LEFT", "RIGHT", "0");
    c.run("BLMOVE", "a", "b", "RIGHT", "LEFT", "0");
    c.run("LRANGE", "b", "0", "-1");
    for (String timeout : new String[] {"x", "-1", "inf", "-inf", "1e20", "nan", "", " 1", "1 "}) {
      c.run("BLPOP", "b", timeout);
      c.run("BRPOP", "b", timeout);
      c.run("BLMOVE", "b", "c", "LEFT", "RIGHT", timeout);
    }
    c.run("BLMOVE", "b", "c", "SIDEWAYS", "RIGHT", "0");
    c.run("BLMOVE", "b", "c", "LEFT", "SIDEWAYS", "x");
    c.run("SET", "s", "v");
    c.run("BLPOP", "s", "b", "0");
    c.run("BLPOP", "b", "s", "0");
    c.run("BLPOP", "missing", "s", "0");
    c.run("BLMOVE", "s", "c", "LEFT", "RIGHT", "0");
    c.run("BLMOVE", "b", "s", "LEFT", "RIGHT", "0");
    c.run("BLPOP", "b");
    c.run("BLMOVE", "b", "c", "LEFT", "RIGHT");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void blockingCommandsTimeOutWithRedisNullShapes(Mode mode) {
    Check c = check(mode);
    c.run("BLPOP", "missing", "0.05");
    c.run("BRPOP", "missing", "other", "0.05");
    c.run("BLMOVE", "missing", "dst", "LEFT", "RIGHT", "0.05");
    c.run("LLEN", "dst");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void largeListsAcrossManyNodes(Mode mode) {
    Check c = check(mode);
    SplittableRandom r = new SplittableRandom(7);
    for (int batch = 0; batch < 40; batch++) {
      List<String> cmd = new ArrayList<>(List.of(batch % 2 == 0 ? "RPUSH" : "LPUSH", "big"));
      for (int i = 0; i < 50; i++) {
        cmd.add("v" + batch + "-" + i + "-" + "x".repeat(r.nextInt(300)));
      }
      c.run(cmd.toArray(new String[0]));
    }
    c.run("LLEN", "big");
    c.run("LRANGE", "big", "0", "-1");
    c.run("LRANGE", "big", "500", "1200");
    for (int i = 0; i < 30; i++) {
      String index = Integer.toString(r.nextInt(4400) - 2200);
      c.run("LINDEX", "big", index);
      c.run("LSET", "big", index, "set-" + i);
    }
    c.run("LINSERT", "big", "AFTER", "set-3", "inserted");
    c.run("LREM", "big", "0", "set-5");
    c.run("LTRIM", "big", "100", "-100");
    c.run("LPOP", "big", "150");
    c.run("RPOP", "big", "150");
    c.run("LPOS", "big", "inserted");
    c.run("LRANGE", "big", "0", "-1");
    c.encoding("big");
  }

  @Test
  void emptiedListsAreDeleted() {
    Check c = check(Mode.PARSED);
    c.run("RPUSH", "l", "a");
    c.run("LPOP", "l");
    c.encoding("l");
    c.run("RPUSH", "l", "a", "b");
    c.run("LREM", "l", "0", "a");
    c.run("LREM", "l", "0", "b");
    c.encoding("l");
    c.run("RPUSH", "l", "a");
    c.run("LTRIM", "l", "1", "0");
    c.encoding("l");
    c.run("RPUSH", "l", "a");
    c.run("LMOVE", "l", "other", "LEFT", "LEFT");
    c.encoding("l");
    c.encoding("other");
    c.run("RPUSHX", "l", "a");
    c.run("LPUSHX", "l", "a");
  }

  /** Generic key commands see lists as Redis does; COPY is deep (the copy does not follow the source). */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void keyCommandsOnLists(Mode mode) {
    Check c = check(mode);
    c.run("RPUSH", "l", "a", "b", "c");
    c.run("TYPE", "l");
    c.run("COPY", "l", "l2");
    c.run("RPUSH", "l", "d");
    c.run("LSET", "l2", "0", "changed");
    c.run("LRANGE", "l", "0", "-1");
    c.run("LRANGE", "l2", "0", "-1");
    c.encoding("l2");
    c.run("RENAME", "l2", "l3");
    c.run("LRANGE", "l3", "0", "-1");
    c.run("DEL", "l3");
    c.run("EXISTS", "l3");
    c.run("BLPOP", "l3", "l", "0");
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
