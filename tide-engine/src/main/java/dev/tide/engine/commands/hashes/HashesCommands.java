package dev.tide.engine.commands.hashes;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CollectionScan;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.command.LongDouble;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.HashValue;
import dev.tide.engine.types.ValueType;
import dev.tide.protocol.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hashes command family: HSET HSETNX HGET HMGET HMSET HDEL HLEN HSTRLEN HEXISTS HGETALL HKEYS
 * HVALS HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, with Redis 7.0's arity, errors, error order and
 * reply shapes (RESP3: HGETALL is a map, HRANDFIELD WITHVALUES an array of pairs).
 *
 * <p>Values are {@link HashValue}s; the encoding thresholds come from {@link EngineConfig} at the
 * time of each write. Commands that change a hash in place call {@link Keyspace#modified}, which
 * also deletes a hash left empty.
 */
public final class HashesCommands {

  public static final String HASH_NOT_INTEGER = "ERR hash value is not an integer";
  public static final String HASH_NOT_FLOAT = "ERR hash value is not a float";
  public static final String INCR_NAN_OR_INF = "ERR value is NaN or Infinity";
  public static final String RESULT_NAN_OR_INF = "ERR increment would produce NaN or Infinity";
  public static final String COUNT_RANGE =
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
  public static final String OUT_OF_RANGE = "ERR value is out of range";
  /**
   * Largest reply of HRANDFIELD with a negative count (repeats allowed). Redis 7.0 has no limit
   * and builds the whole reply in memory, which can take the server down; 2^24 picks keeps a
   * reply of short fields within a few hundred MB.
   */
  public static final long MAX_RANDOM_REPEATS = 1L << 24;

  private HashesCommands() {
  }

  private static CommandSpec.Builder spec(String name, int arity, String flags, String summary, String since,
                                          String... acl) {
    return CommandSpec.builder(name, arity, flags).keys(1, 1, 1).group("hash").summary(summary).since(since)
        .acl(acl);
  }

  public static void register(CommandTable table) {
    table.register(spec("hset", -4, "write denyoom fast", "Set the string value of a hash field", "2.0.0",
        "@write", "@hash", "@fast").impl(ctx -> hset(ctx, false)));
    table.register(spec("hmset", -4, "write denyoom fast", "Set multiple hash fields to multiple values", "2.0.0",
        "@write", "@hash", "@fast").impl(ctx -> hset(ctx, true)));
    table.register(spec("hsetnx", 4, "write denyoom fast",
        "Set the value of a hash field, only if the field does not exist", "2.0.0",
        "@write", "@hash", "@fast").impl(HashesCommands::hsetnx));
    table.register(spec("hget", 3, "readonly fast", "Get the value of a hash field", "2.0.0",
        "@read", "@hash", "@fast").impl(HashesCommands::hget));
    table.register(spec("hmget", -3, "readonly fast", "Get the values of all the given hash fields", "2.0.0",
        "@read", "@hash", "@fast").impl(HashesCommands::hmget));
    table.register(spec("hdel", -3, "write fast", "Delete one or more hash fields", "2.0.0",
        "@write", "@hash", "@fast").impl(HashesCommands::hdel));
    table.register(spec("hlen", 2, "readonly fast", "Get the number of fields in a hash", "2.0.0",
        "@read", "@hash", "@fast").impl(HashesCommands::hlen));
    table.register(spec("hstrlen", 3, "readonly fast", "Get the length of the value of a hash field", "3.2.0",
        "@read", "@hash", "@fast").impl(HashesCommands::hstrlen));
    table.register(spec("hexists", 3, "readonly fast", "Determine if a hash field exists", "2.0.0",
        "@read", "@hash", "@fast").impl(HashesCommands::hexists));
    table.register(spec("hgetall", 2, "readonly", "Get all the fields and values in a hash", "2.0.0",
        "@read", "@hash", "@slow").impl(ctx -> hgetall(ctx, true, true)));
    table.register(spec("hkeys", 2, "readonly", "Get all the fields in a hash", "2.0.0",
        "@read", "@hash", "@slow").impl(ctx -> hgetall(ctx, true, false)));
    table.register(spec("hvals", 2, "readonly", "Get all the values in a hash", "2.0.0",
        "@read", "@hash", "@slow").impl(ctx -> hgetall(ctx, false, true)));
    table.register(spec("hincrby", 4, "write denyoom fast",
        "Increment the integer value of a hash field by the given number", "2.0.0",
        "@write", "@hash", "@fast").impl(HashesCommands::hincrby));
    table.register(spec("hincrbyfloat", 4, "write denyoom fast",
        "Increment the float value of a hash field by the given amount", "2.6.0",
        "@write", "@hash", "@fast").impl(HashesCommands::hincrbyfloat));
    table.register(spec("hrandfield", -2, "readonly", "Get one or multiple random fields from a hash", "6.2.0",
        "@read", "@hash", "@slow").impl(HashesCommands::hrandfield));
    table.register(spec("hscan", -3, "readonly", "Incrementally iterate hash fields and associated values",
        "2.8.0", "@read", "@hash", "@slow").impl(HashesCommands::hscan));
  }

  // ---- writes ----------------------------------------------------------------------------------

  static void hset(CommandContext ctx, boolean hmset) {
    if (ctx.argc() % 2 != 0) {
      throw new CommandException(Errors.wrongArity(hmset ? "hmset" : "hset"));
    }
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    EngineConfig cfg = ks.config();
    HashValue h = ks.write(key, ValueType.HASH, ctx.nowMs());
    boolean created = h == null;
    if (created) {
      h = HashValue.create();
    }
    long added = 0;
    for (int i = 2; i < ctx.argc(); i += 2) {
      if (h.put(ctx.arg(i), ctx.arg(i + 1), cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue)) {
        added++;
      }
    }
    store(ks, key, h, created, ctx.nowMs());
    if (hmset) {
      ctx.reply().ok();
    } else {
      ctx.reply().integer(added);
    }
  }

  static void hsetnx(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    EngineConfig cfg = ks.config();
    HashValue h = ks.write(key, ValueType.HASH, ctx.nowMs());
    if (h != null && h.contains(ctx.arg(2))) {
      ctx.reply().integer(0);
      return;
    }
    boolean created = h == null;
    if (created) {
      h = HashValue.create();
    }
    h.put(ctx.arg(2), ctx.arg(3), cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
    store(ks, key, h, created, ctx.nowMs());
    ctx.reply().integer(1);
  }

  /** Adds a new hash to the keyspace, or tells it an existing one changed. */
  private static void store(Keyspace ks, byte[] key, HashValue h, boolean created, long nowMs) {
    if (created) {
      ks.add(key, h, nowMs);
    } else {
      ks.modified(key);
    }
  }

  static void hdel(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    HashValue h = ks.write(key, ValueType.HASH, ctx.nowMs());
    if (h == null) {
      ctx.reply().integer(0);
      return;
    }
    long deleted = 0;
    for (int i = 2; i < ctx.argc() && h.size() > 0; i++) {
      if (h.remove(ctx.arg(i))) {
        deleted++;
      }
    }
    if (deleted > 0) {
      ks.modified(key);
    }
    ctx.reply().integer(deleted);
  }

  static void hincrby(CommandContext ctx) {
    long increment = ctx.argLong(3);
    byte[] key = ctx.arg(1);
    byte[] field = ctx.arg(2);
    Keyspace ks = ctx.keyspace(key);
    EngineConfig cfg = ks.config();
    HashValue h = ks.write(key, ValueType.HASH, ctx.nowMs());
    long current = 0;
    if (h != null) {
      byte[] old = h.get(field);
      if (old != null) {
        long[] parsed = new long[1];
        if (!Args.tryParseLong(old, parsed)) {
          throw new CommandException(HASH_NOT_INTEGER);
        }
        current = parsed[0];
      }
    }
    long result;
    try {
      result = Math.addExact(current, increment);
    } catch (ArithmeticException e) {
      throw new CommandException(Errors.OVERFLOW);
    }
    boolean created = h == null;
    if (created) {
      h = HashValue.create();
    }
    h.put(field, Args.bytes(result), cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
    store(ks, key, h, created, ctx.nowMs());
    ctx.reply().integer(result);
  }

  static void hincrbyfloat(CommandContext ctx) {
    LongDouble increment = LongDouble.parse(ctx.arg(3));
    if (increment == null) {
      throw Errors.notFloat();
    }
    if (increment.isInfinite()) {
      throw new CommandException(INCR_NAN_OR_INF);
    }
    byte[] key = ctx.arg(1);
    byte[] field = ctx.arg(2);
    Keyspace ks = ctx.keyspace(key);
    EngineConfig cfg = ks.config();
    HashValue h = ks.write(key, ValueType.HASH, ctx.nowMs());
    LongDouble current = LongDouble.ZERO;
    if (h != null) {
      byte[] old = h.get(field);
      if (old != null) {
        current = LongDouble.parse(old);
        if (current == null) {
          throw new CommandException(HASH_NOT_FLOAT);
        }
        if (current.isInfinite()) {
          throw new CommandException(RESULT_NAN_OR_INF);
        }
      }
    }
    LongDouble sum = current.add(increment);
    if (sum == null || sum.isInfinite()) {
      throw new CommandException(RESULT_NAN_OR_INF);
    }
    byte[] text = sum.toHumanString().getBytes(StandardCharsets.US_ASCII);
    boolean created = h == null;
    if (created) {
      h = HashValue.create();
    }
    h.put(field, text, cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
    store(ks, key, h, created, ctx.nowMs());
    ctx.reply().bulk(text);
  }

  // ---- reads -----------------------------------------------------------------------------------

  private static HashValue read(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    return ctx.keyspace(key).read(key, ValueType.HASH, ctx.nowMs());
  }

  static void hget(CommandContext ctx) {
    HashValue h = read(ctx);
    byte[] v = h == null ? null : h.get(ctx.arg(2));
    if (v == null) {
      ctx.reply().nullBulk();
    } else {
      ctx.reply().bulk(v);
    }
  }

  static void hmget(CommandContext ctx) {
    HashValue h = read(ctx);
    Reply r = ctx.reply();
    r.array(ctx.argc() - 2);
    for (int i = 2; i < ctx.argc(); i++) {
      byte[] v = h == null ? null : h.get(ctx.arg(i));
      if (v == null) {
        r.nullBulk();
      } else {
        r.bulk(v);
      }
    }
  }

  static void hlen(CommandContext ctx) {
    HashValue h = read(ctx);
    ctx.reply().integer(h == null ? 0 : h.size());
  }

  static void hstrlen(CommandContext ctx) {
    HashValue h = read(ctx);
    ctx.reply().integer(h == null ? 0 : Math.max(0, h.valueLength(ctx.arg(2))));
  }

  static void hexists(CommandContext ctx) {
    HashValue h = read(ctx);
    ctx.reply().integer(h != null && h.contains(ctx.arg(2)) ? 1 : 0);
  }

  /** HGETALL (a map), HKEYS and HVALS (arrays). */
  static void hgetall(CommandContext ctx, boolean fields, boolean values) {
    HashValue h = read(ctx);
    Reply r = ctx.reply();
    int n = h == null ? 0 : h.size();
    if (fields && values) {
      r.map(n);
    } else {
      r.array(n);
    }
    if (h == null) {
      return;
    }
    h.forEach((fb, fo, fl, vb, vo, vl) -> {
      if (fields) {
        r.bulk(fb, fo, fl);
      }
      if (values) {
        r.bulk(vb, vo, vl);
      }
    });
  }

  static void hrandfield(CommandContext ctx) {
    if (ctx.argc() == 2) {
      HashValue h = read(ctx);
      if (h == null) {
        ctx.reply().nullBulk();
      } else {
        ctx.reply().bulk(h.randomEntry(ThreadLocalRandom.current())[0]);
      }
      return;
    }
    long count = ctx.argLong(2);
    if (count == Long.MIN_VALUE) {
      throw new CommandException(COUNT_RANGE);
    }
    boolean withValues = false;
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !ctx.argIs(3, "withvalues"))) {
      throw Errors.syntax();
    } else if (ctx.argc() == 4) {
      withValues = true;
      if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
        throw new CommandException(OUT_OF_RANGE);
      }
    }
    HashValue h = read(ctx);
    Reply r = ctx.reply();
    if (h == null || count == 0) {
      r.array(0);
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean pairsAsArrays = withValues && r.protocol() >= 3;
    if (count < 0) {
      long n = -count;
      if (n > MAX_RANDOM_REPEATS) {
        throw new CommandException(OUT_OF_RANGE);
      }
      r.array((int) (withValues && !pairsAsArrays ? n * 2 : n));
      boolean wv = withValues;
      h.randomEntriesWithRepeats(n, random, e -> writeEntry(r, e, wv, pairsAsArrays));
      return;
    }
    List<byte[][]> picked = count >= h.size() ? h.entries() : h.randomDistinctEntries((int) count, random);
    r.array(withValues && !pairsAsArrays ? picked.size() * 2 : picked.size());
    for (byte[][] e : picked) {
      writeEntry(r, e, withValues, pairsAsArrays);
    }
  }

  private static void writeEntry(Reply r, byte[][] entry, boolean withValues, boolean pairsAsArrays) {
    if (pairsAsArrays) {
      r.array(2);
    }
    r.bulk(entry[0]);
    if (withValues) {
      r.bulk(entry[1]);
    }
  }

  static void hscan(CommandContext ctx) {
    long cursor = CollectionScan.parseCursor(ctx.arg(2));
    HashValue h = read(ctx);
    Reply r = ctx.reply();
    if (h == null) {
      r.array(2);
      r.bulk("0");
      r.array(0);
      return;
    }
    CollectionScan.Options options = CollectionScan.parseOptions(ctx, 3);
    List<byte[]> items = new ArrayList<>();
    HashValue.EntryVisitor collect = (fb, fo, fl, vb, vo, vl) -> {
      byte[] f = java.util.Arrays.copyOfRange(fb, fo, fo + fl);
      if (options.matches(f)) {
        items.add(f);
        items.add(java.util.Arrays.copyOfRange(vb, vo, vo + vl));
      }
    };
    long next;
    if (h.isListpack()) {
      next = h.scan(cursor, collect);
    } else {
      // Redis counts returned items (fields and values) against COUNT, before filtering
      long maxIterations = options.count() * CollectionScan.MAX_ITERATIONS_PER_COUNT;
      long[] visited = {0};
      HashValue.EntryVisitor counting = (fb, fo, fl, vb, vo, vl) -> {
        visited[0] += 2;
        collect.visit(fb, fo, fl, vb, vo, vl);
      };
      next = cursor;
      do {
        next = h.scan(next, counting);
      } while (next != 0 && maxIterations-- > 0 && visited[0] < options.count());
    }
    r.array(2);
    r.bulk(CollectionScan.formatCursor(next));
    r.array(items.size());
    for (byte[] item : items) {
      r.bulk(item);
    }
  }
}
