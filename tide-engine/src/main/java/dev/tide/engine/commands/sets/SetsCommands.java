package dev.tide.engine.commands.sets;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CollectionScan;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.SetValue;
import dev.tide.engine.types.ValueType;
import dev.tide.protocol.Reply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sets command family: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE
 * SINTER SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE SINTERCARD SSCAN, with Redis 7.0's arity,
 * errors, error order and reply shapes (RESP3: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a
 * count reply sets; SRANDMEMBER with a count an array).
 *
 * <p>Multi-key commands declare all their keys, so the executor holds every shard they touch.
 * Results of SUNION/SDIFF and of the STORE variants are built as Redis builds them (starting as
 * an intset), so their encodings, and the ascending order of integer results, match Redis.
 */
public final class SetsCommands {

  public static final String COUNT_NOT_POSITIVE = "ERR value is out of range, must be positive";
  public static final String COUNT_RANGE =
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
  public static final String NUMKEYS_NOT_POSITIVE = "ERR numkeys should be greater than 0";
  public static final String NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
  public static final String LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
  /**
   * Largest reply of SRANDMEMBER with a negative count (repeats allowed). Redis 7.0 has no limit
   * and builds the whole reply in memory, which can take the server down; 2^24 picks keeps a
   * reply of short members within a few hundred MB.
   */
  public static final long MAX_RANDOM_REPEATS = 1L << 24;

  private SetsCommands() {
  }

  private static CommandSpec.Builder spec(String name, int arity, String flags, String summary, String since,
                                          String... acl) {
    return CommandSpec.builder(name, arity, flags).group("set").summary(summary).since(since).acl(acl);
  }

  public static void register(CommandTable table) {
    table.register(spec("sadd", -3, "write denyoom fast", "Add one or more members to a set", "1.0.0",
        "@write", "@set", "@fast").keys(1, 1, 1).impl(SetsCommands::sadd));
    table.register(spec("srem", -3, "write fast", "Remove one or more members from a set", "1.0.0",
        "@write", "@set", "@fast").keys(1, 1, 1).impl(SetsCommands::srem));
    table.register(spec("smembers", 2, "readonly", "Get all the members in a set", "1.0.0",
        "@read", "@set", "@slow").keys(1, 1, 1).impl(SetsCommands::smembers));
    table.register(spec("sismember", 3, "readonly fast", "Determine if a given value is a member of a set", "1.0.0",
        "@read", "@set", "@fast").keys(1, 1, 1).impl(SetsCommands::sismember));
    table.register(spec("smismember", -3, "readonly fast",
        "Returns the membership associated with the given elements for a set", "6.2.0",
        "@read", "@set", "@fast").keys(1, 1, 1).impl(SetsCommands::smismember));
    table.register(spec("scard", 2, "readonly fast", "Get the number of members in a set", "1.0.0",
        "@read", "@set", "@fast").keys(1, 1, 1).impl(SetsCommands::scard));
    table.register(spec("spop", -2, "write fast", "Remove and return one or multiple random members from a set",
        "1.0.0", "@write", "@set", "@fast").keys(1, 1, 1).impl(SetsCommands::spop));
    table.register(spec("srandmember", -2, "readonly", "Get one or multiple random members from a set", "1.0.0",
        "@read", "@set", "@slow").keys(1, 1, 1).impl(SetsCommands::srandmember));
    table.register(spec("smove", 4, "write fast", "Move a member from one set to another", "1.0.0",
        "@write", "@set", "@fast").keys(1, 2, 1).impl(SetsCommands::smove));
    table.register(spec("sinter", -2, "readonly", "Intersect multiple sets", "1.0.0",
        "@read", "@set", "@slow").keys(1, -1, 1).impl(ctx -> sinter(ctx, false)));
    table.register(spec("sinterstore", -3, "write denyoom",
        "Intersect multiple sets and store the resulting set in a key", "1.0.0",
        "@write", "@set", "@slow").keys(1, -1, 1).impl(ctx -> sinter(ctx, true)));
    table.register(spec("sunion", -2, "readonly", "Add multiple sets", "1.0.0",
        "@read", "@set", "@slow").keys(1, -1, 1).impl(ctx -> unionDiff(ctx, false, false)));
    table.register(spec("sunionstore", -3, "write denyoom",
        "Add multiple sets and store the resulting set in a key", "1.0.0",
        "@write", "@set", "@slow").keys(1, -1, 1).impl(ctx -> unionDiff(ctx, false, true)));
    table.register(spec("sdiff", -2, "readonly", "Subtract multiple sets", "1.0.0",
        "@read", "@set", "@slow").keys(1, -1, 1).impl(ctx -> unionDiff(ctx, true, false)));
    table.register(spec("sdiffstore", -3, "write denyoom",
        "Subtract multiple sets and store the resulting set in a key", "1.0.0",
        "@write", "@set", "@slow").keys(1, -1, 1).impl(ctx -> unionDiff(ctx, true, true)));
    table.register(spec("sintercard", -3, "readonly",
        "Intersect multiple sets and return the cardinality of the result", "7.0.0",
        "@read", "@set", "@slow").keys(SetsCommands::sintercardKeys).impl(SetsCommands::sintercard));
    table.register(spec("sscan", -3, "readonly", "Incrementally iterate Set elements", "2.8.0",
        "@read", "@set", "@slow").keys(1, 1, 1).impl(SetsCommands::sscan));
  }

  // ---- single-key writes -----------------------------------------------------------------------

  static void sadd(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    SetValue s = ks.write(key, ValueType.SET, ctx.nowMs());
    boolean created = s == null;
    if (created) {
      s = SetValue.createFor(ctx.arg(2));
    }
    int max = ks.config().setMaxIntsetEntries;
    long added = 0;
    for (int i = 2; i < ctx.argc(); i++) {
      if (s.add(ctx.arg(i), max)) {
        added++;
      }
    }
    if (created) {
      ks.add(key, s, ctx.nowMs());
    } else if (added > 0) {
      ks.modified(key);
    }
    ctx.reply().integer(added);
  }

  static void srem(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    SetValue s = ks.write(key, ValueType.SET, ctx.nowMs());
    long removed = 0;
    if (s != null) {
      for (int i = 2; i < ctx.argc() && s.size() > 0; i++) {
        if (s.remove(ctx.arg(i))) {
          removed++;
        }
      }
      if (removed > 0) {
        ks.modified(key);
      }
    }
    ctx.reply().integer(removed);
  }

  static void spop(CommandContext ctx) {
    if (ctx.argc() > 3) {
      throw Errors.syntax();
    }
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    Reply r = ctx.reply();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (ctx.argc() == 2) {
      SetValue s = ks.write(key, ValueType.SET, ctx.nowMs());
      if (s == null) {
        r.nullBulk();
        return;
      }
      byte[] member = s.popRandom(random);
      ks.modified(key);
      r.bulk(member);
      return;
    }
    long[] parsed = new long[1];
    if (!Args.tryParseLong(ctx.arg(2), parsed) || parsed[0] < 0) {
      throw new CommandException(COUNT_NOT_POSITIVE);
    }
    long count = parsed[0];
    SetValue s = ks.write(key, ValueType.SET, ctx.nowMs());
    if (s == null || count == 0) {
      r.set(0);
      return;
    }
    if (count >= s.size()) {
      List<byte[]> all = s.members();
      ks.delete(key);
      r.set(all.size());
      for (byte[] m : all) {
        r.bulk(m);
      }
      return;
    }
    List<byte[]> popped = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      popped.add(s.popRandom(random));
    }
    ks.modified(key);
    r.set(popped.size());
    for (byte[] m : popped) {
      r.bulk(m);
    }
  }

  static void smove(CommandContext ctx) {
    byte[] srcKey = ctx.arg(1);
    byte[] dstKey = ctx.arg(2);
    byte[] member = ctx.arg(3);
    Keyspace srcKs = ctx.keyspace(srcKey);
    Keyspace dstKs = ctx.keyspace(dstKey);
    Object src = srcKs.write(srcKey, ctx.nowMs());
    Object dst = dstKs.write(dstKey, ctx.nowMs());
    if (src == null) {
      ctx.reply().integer(0);
      return;
    }
    if (!(src instanceof SetValue srcSet) || (dst != null && !(dst instanceof SetValue))) {
      throw Errors.wrongType();
    }
    if (src == dst) {
      ctx.reply().integer(srcSet.contains(member) ? 1 : 0);
      return;
    }
    if (!srcSet.remove(member)) {
      ctx.reply().integer(0);
      return;
    }
    srcKs.modified(srcKey); // deletes the source when it became empty
    SetValue dstSet = (SetValue) dst;
    if (dstSet == null) {
      dstSet = SetValue.createFor(member);
      dstSet.add(member, dstKs.config().setMaxIntsetEntries);
      dstKs.add(dstKey, dstSet, ctx.nowMs());
    } else if (dstSet.add(member, dstKs.config().setMaxIntsetEntries)) {
      dstKs.modified(dstKey);
    }
    ctx.reply().integer(1);
  }

  // ---- single-key reads ------------------------------------------------------------------------

  private static SetValue read(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    return ctx.keyspace(key).read(key, ValueType.SET, ctx.nowMs());
  }

  static void smembers(CommandContext ctx) {
    SetValue s = read(ctx);
    Reply r = ctx.reply();
    if (s == null) {
      r.set(0);
      return;
    }
    r.set(s.size());
    s.forEach(r::bulk);
  }

  static void sismember(CommandContext ctx) {
    SetValue s = read(ctx);
    ctx.reply().integer(s != null && s.contains(ctx.arg(2)) ? 1 : 0);
  }

  static void smismember(CommandContext ctx) {
    SetValue s = read(ctx);
    Reply r = ctx.reply();
    r.array(ctx.argc() - 2);
    for (int i = 2; i < ctx.argc(); i++) {
      r.integer(s != null && s.contains(ctx.arg(i)) ? 1 : 0);
    }
  }

  static void scard(CommandContext ctx) {
    SetValue s = read(ctx);
    ctx.reply().integer(s == null ? 0 : s.size());
  }

  static void srandmember(CommandContext ctx) {
    if (ctx.argc() > 3) {
      throw Errors.syntax();
    }
    Reply r = ctx.reply();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (ctx.argc() == 2) {
      SetValue s = read(ctx);
      if (s == null) {
        r.nullBulk();
      } else {
        r.bulk(s.randomMember(random));
      }
      return;
    }
    long count = ctx.argLong(2);
    if (count == Long.MIN_VALUE) {
      throw new CommandException(COUNT_RANGE);
    }
    SetValue s = read(ctx);
    if (s == null || count == 0) {
      r.array(0);
      return;
    }
    if (count < 0) {
      long n = -count;
      if (n > MAX_RANDOM_REPEATS) {
        throw new CommandException("ERR value is out of range");
      }
      r.array((int) n);
      for (long i = 0; i < n; i++) {
        r.bulk(s.randomMember(random));
      }
      return;
    }
    List<byte[]> picked = count >= s.size() ? s.members() : s.randomDistinctMembers((int) count, random);
    r.array(picked.size());
    for (byte[] m : picked) {
      r.bulk(m);
    }
  }

  static void sscan(CommandContext ctx) {
    long cursor = CollectionScan.parseCursor(ctx.arg(2));
    SetValue s = read(ctx);
    Reply r = ctx.reply();
    if (s == null) {
      r.array(2);
      r.bulk("0");
      r.array(0);
      return;
    }
    CollectionScan.Options options = CollectionScan.parseOptions(ctx, 3);
    List<byte[]> items = new ArrayList<>();
    long next;
    if (s.isIntset()) {
      next = s.scan(cursor, m -> {
        if (options.matches(m)) {
          items.add(m);
        }
      });
    } else {
      long maxIterations = options.count() * CollectionScan.MAX_ITERATIONS_PER_COUNT;
      long[] visited = {0};
      next = cursor;
      do {
        next = s.scan(next, m -> {
          visited[0]++;
          if (options.matches(m)) {
            items.add(m);
          }
        });
      } while (next != 0 && maxIterations-- > 0 && visited[0] < options.count());
    }
    r.array(2);
    r.bulk(CollectionScan.formatCursor(next));
    r.array(items.size());
    for (byte[] m : items) {
      r.bulk(m);
    }
  }

  // ---- multi-key -------------------------------------------------------------------------------

  /**
   * The sets stored at {@code argv[from..]} (null for missing keys), type-checked all before any
   * work, as Redis does.
   */
  private static SetValue[] lookupSets(CommandContext ctx, int from, int to, boolean forWrite) {
    SetValue[] sets = new SetValue[to - from];
    for (int i = from; i < to; i++) {
      byte[] key = ctx.arg(i);
      Keyspace ks = ctx.keyspace(key);
      sets[i - from] = forWrite ? ks.write(key, ValueType.SET, ctx.nowMs()) : ks.read(key, ValueType.SET, ctx.nowMs());
    }
    return sets;
  }

  /** Replies with a set's members, or stores it at {@code dstKey} (deleting the key when empty). */
  private static void replyOrStore(CommandContext ctx, SetValue result, byte[] dstKey) {
    Reply r = ctx.reply();
    if (dstKey == null) {
      r.set(result.size());
      result.forEach(r::bulk);
      return;
    }
    Keyspace ks = ctx.keyspace(dstKey);
    if (result.size() == 0) {
      ks.delete(dstKey);
    } else {
      ks.set(dstKey, result, false, ctx.nowMs());
    }
    r.integer(result.size());
  }

  static void sinter(CommandContext ctx, boolean store) {
    byte[] dstKey = store ? ctx.arg(1) : null;
    int from = store ? 2 : 1;
    SetValue[] sets = lookupSets(ctx, from, ctx.argc(), store);
    SetValue result = SetValue.createIntset();
    boolean anyEmpty = Arrays.stream(sets).anyMatch(s -> s == null);
    if (!anyEmpty) {
      SetValue[] bySize = sets.clone();
      Arrays.sort(bySize, Comparator.comparingInt(SetValue::size));
      int max = ctx.keyspace(ctx.arg(from)).config().setMaxIntsetEntries;
      SetValue out = result;
      bySize[0].forEach(m -> {
        if (inAllOthers(bySize, m)) {
          out.add(m, max);
        }
      });
    }
    if (!store) {
      // Redis replies in the order of the smallest set; an intset is ascending either way
      replyOrStore(ctx, result, null);
      return;
    }
    replyOrStore(ctx, result, dstKey);
  }

  private static boolean inAllOthers(SetValue[] bySize, byte[] member) {
    for (int j = 1; j < bySize.length; j++) {
      if (bySize[j] != bySize[0] && !bySize[j].contains(member)) {
        return false;
      }
    }
    return true;
  }

  static void unionDiff(CommandContext ctx, boolean diff, boolean store) {
    byte[] dstKey = store ? ctx.arg(1) : null;
    int from = store ? 2 : 1;
    SetValue[] sets = lookupSets(ctx, from, ctx.argc(), store);
    int max = ctx.keyspace(ctx.arg(from)).config().setMaxIntsetEntries;
    SetValue result = SetValue.createIntset();
    if (!diff) {
      for (SetValue s : sets) {
        if (s != null) {
          s.forEach(m -> result.add(m, max));
        }
      }
    } else if (sets[0] != null) {
      sets[0].forEach(m -> {
        for (int j = 1; j < sets.length; j++) {
          if (sets[j] != null && sets[j].contains(m)) {
            return;
          }
        }
        result.add(m, max);
      });
    }
    replyOrStore(ctx, result, dstKey);
  }

  /** SINTERCARD's keys: {@code numkeys} keys from argument 2; none when numkeys is malformed. */
  static int[] sintercardKeys(byte[][] argv) {
    if (argv.length < 3) {
      return new int[0];
    }
    long[] n = new long[1];
    if (!Args.tryParseLong(argv[1], n) || n[0] < 1 || n[0] > argv.length - 2) {
      return new int[0];
    }
    int[] keys = new int[(int) n[0]];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = 2 + i;
    }
    return keys;
  }

  static void sintercard(CommandContext ctx) {
    long[] parsed = new long[1];
    if (!Args.tryParseLong(ctx.arg(1), parsed) || parsed[0] < 1) {
      throw new CommandException(NUMKEYS_NOT_POSITIVE);
    }
    long numKeys = parsed[0];
    if (numKeys > ctx.argc() - 2) {
      throw new CommandException(NUMKEYS_TOO_MANY);
    }
    long limit = 0;
    for (int j = 2 + (int) numKeys; j < ctx.argc(); j++) {
      boolean moreArgs = ctx.argc() - 1 - j > 0;
      if (ctx.argIs(j, "limit") && moreArgs) {
        j++;
        if (!Args.tryParseLong(ctx.arg(j), parsed) || parsed[0] < 0) {
          throw new CommandException(LIMIT_NEGATIVE);
        }
        limit = parsed[0];
      } else {
        throw Errors.syntax();
      }
    }
    SetValue[] sets = lookupSets(ctx, 2, 2 + (int) numKeys, false);
    if (Arrays.stream(sets).anyMatch(s -> s == null)) {
      ctx.reply().integer(0);
      return;
    }
    SetValue[] bySize = sets.clone();
    Arrays.sort(bySize, Comparator.comparingInt(SetValue::size));
    long cardinality = 0;
    for (byte[] m : bySize[0].members()) {
      if (inAllOthers(bySize, m)) {
        cardinality++;
        if (limit > 0 && cardinality >= limit) {
          break;
        }
      }
    }
    ctx.reply().integer(cardinality);
  }
}
