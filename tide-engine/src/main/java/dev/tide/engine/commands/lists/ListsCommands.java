package dev.tide.engine.commands.lists;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.command.Ranks;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.ListValue;
import dev.tide.engine.types.ValueType;
import dev.tide.protocol.Reply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The list command family: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LREM LTRIM
 * LINSERT LPOS LMOVE BLPOP BRPOP BLMOVE, with Redis 7.0's argument checks, error texts, the order
 * in which it checks them, and its reply shapes in RESP2 and RESP3.
 *
 * <p>Blocking commands serve at once when a key has elements; otherwise they call
 * {@link CommandContext#block} and the executor runs them again when a key is signalled ready
 * (pushes signal through {@code Keyspace.add} and {@code Keyspace.modified}). On such a re-run a
 * key holding another type is skipped, as Redis 7.0 serves a blocked client only from a key of
 * the type it waits for. Inside MULTI they reply as a timeout at once, as Redis does.
 */
public final class ListsCommands {

  private ListsCommands() {
  }

  private static final String COUNT_NOT_POSITIVE = "ERR value is out of range, must be positive";
  private static final String LPOS_RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, "
      + "2 from the second ... or use negative to start from the end of the list";
  private static final String LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative";
  private static final String LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";

  public static void register(CommandTable table) {
    table.register(spec("lpush", -3, "write denyoom fast", "1.0.0", "Prepend one or multiple elements to a list")
        .keys(1, 1, 1).acl("@write", "@list", "@fast").impl(ctx -> push(ctx, true, false)));
    table.register(spec("rpush", -3, "write denyoom fast", "1.0.0", "Append one or multiple elements to a list")
        .keys(1, 1, 1).acl("@write", "@list", "@fast").impl(ctx -> push(ctx, false, false)));
    table.register(spec("lpushx", -3, "write denyoom fast", "2.2.0", "Prepend an element to a list, only if the list exists")
        .keys(1, 1, 1).acl("@write", "@list", "@fast").impl(ctx -> push(ctx, true, true)));
    table.register(spec("rpushx", -3, "write denyoom fast", "2.2.0", "Append an element to a list, only if the list exists")
        .keys(1, 1, 1).acl("@write", "@list", "@fast").impl(ctx -> push(ctx, false, true)));
    table.register(spec("lpop", -2, "write fast", "1.0.0", "Remove and get the first elements in a list")
        .keys(1, 1, 1).acl("@write", "@list", "@fast").impl(ctx -> pop(ctx, true)));
    table.register(spec("rpop", -2, "write fast", "1.0.0", "Remove and get the last elements in a list")
        .keys(1, 1, 1).acl("@write", "@list", "@fast").impl(ctx -> pop(ctx, false)));
    table.register(spec("llen", 2, "readonly fast", "1.0.0", "Get the length of a list")
        .keys(1, 1, 1).acl("@read", "@list", "@fast").impl(ListsCommands::llen));
    table.register(spec("lrange", 4, "readonly", "1.0.0", "Get a range of elements from a list")
        .keys(1, 1, 1).acl("@read", "@list", "@slow").impl(ListsCommands::lrange));
    table.register(spec("lindex", 3, "readonly", "1.0.0", "Get an element from a list by its index")
        .keys(1, 1, 1).acl("@read", "@list", "@slow").impl(ListsCommands::lindex));
    table.register(spec("lset", 4, "write denyoom", "1.0.0", "Set the value of an element in a list by its index")
        .keys(1, 1, 1).acl("@write", "@list", "@slow").impl(ListsCommands::lset));
    table.register(spec("lrem", 4, "write", "1.0.0", "Remove elements from a list")
        .keys(1, 1, 1).acl("@write", "@list", "@slow").impl(ListsCommands::lrem));
    table.register(spec("ltrim", 4, "write", "1.0.0", "Trim a list to the specified range")
        .keys(1, 1, 1).acl("@write", "@list", "@slow").impl(ListsCommands::ltrim));
    table.register(spec("linsert", 5, "write denyoom", "2.2.0", "Insert an element before or after another element in a list")
        .keys(1, 1, 1).acl("@write", "@list", "@slow").impl(ListsCommands::linsert));
    table.register(spec("lpos", -3, "readonly", "6.0.6", "Return the index of matching elements on a list")
        .keys(1, 1, 1).acl("@read", "@list", "@slow").impl(ListsCommands::lpos));
    table.register(spec("lmove", 5, "write denyoom", "6.2.0", "Pop an element from a list, push it to another list and return it")
        .keys(1, 2, 1).acl("@write", "@list", "@slow").impl(ListsCommands::lmove));
    table.register(spec("blpop", -3, "write noscript blocking", "2.0.0",
        "Remove and get the first element in a list, or block until one is available")
        .keys(1, -2, 1).acl("@write", "@list", "@slow", "@blocking").impl(ctx -> blockingPop(ctx, true)));
    table.register(spec("brpop", -3, "write noscript blocking", "2.0.0",
        "Remove and get the last element in a list, or block until one is available")
        .keys(1, -2, 1).acl("@write", "@list", "@slow", "@blocking").impl(ctx -> blockingPop(ctx, false)));
    table.register(spec("blmove", 6, "write denyoom noscript blocking", "6.2.0",
        "Pop an element from a list, push it to another list and return it; or block until one is available")
        .keys(1, 2, 1).acl("@write", "@list", "@slow", "@blocking").impl(ListsCommands::blmove));
  }

  private static CommandSpec.Builder spec(String name, int arity, String flags, String since, String summary) {
    return CommandSpec.builder(name, arity, flags).group("list").since(since).summary(summary);
  }

  // ---- pushes and pops ------------------------------------------------------------------------

  /** LPUSH RPUSH LPUSHX RPUSHX. */
  static void push(CommandContext ctx, boolean atHead, boolean onlyIfExists) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    ListValue list = ks.write(key, ValueType.LIST, ctx.nowMs());
    if (list == null) {
      if (onlyIfExists) {
        ctx.reply().integer(0);
        return;
      }
      list = new ListValue();
      for (int i = 2; i < ctx.argc(); i++) {
        list.push(ctx.arg(i), atHead);
      }
      ks.add(key, list, ctx.nowMs());
    } else {
      for (int i = 2; i < ctx.argc(); i++) {
        list.push(ctx.arg(i), atHead);
      }
      ks.modified(key);
    }
    ctx.reply().integer(list.length());
  }

  /** LPOP RPOP with Redis 7.0's reply shapes: a bulk without COUNT, an array with it. */
  static void pop(CommandContext ctx, boolean atHead) {
    if (ctx.argc() > 3) {
      throw new CommandException(Errors.wrongArity(ctx.spec().name()));
    }
    boolean hasCount = ctx.argc() == 3;
    long count = hasCount ? positiveLong(ctx.arg(2), COUNT_NOT_POSITIVE) : 1;
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    ListValue list = ks.write(key, ValueType.LIST, ctx.nowMs());
    Reply r = ctx.reply();
    if (list == null) {
      if (hasCount) {
        r.nullArray();
      } else {
        r.nullBulk();
      }
      return;
    }
    if (!hasCount) {
      r.bulk(list.pop(atHead));
      ks.modified(key);
      return;
    }
    long n = Math.min(count, list.length());
    r.array((int) n);
    for (long i = 0; i < n; i++) {
      r.bulk(list.pop(atHead));
    }
    if (n > 0) {
      ks.modified(key);
    }
  }

  // ---- reads ----------------------------------------------------------------------------------

  static void llen(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    ListValue list = ctx.keyspace(key).read(key, ValueType.LIST, ctx.nowMs());
    ctx.reply().integer(list == null ? 0 : list.length());
  }

  static void lrange(CommandContext ctx) {
    long start = Args.parseLong(ctx.arg(2));
    long end = Args.parseLong(ctx.arg(3));
    byte[] key = ctx.arg(1);
    ListValue list = ctx.keyspace(key).read(key, ValueType.LIST, ctx.nowMs());
    Reply r = ctx.reply();
    if (list == null) {
      r.array(0);
      return;
    }
    Ranks.Span span = Ranks.clamp(start, end, list.length());
    if (span == null) {
      r.array(0);
      return;
    }
    r.array((int) span.count());
    list.forEach(span.from(), span.to(), r::bulk);
  }

  static void lindex(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    ListValue list = ctx.keyspace(key).read(key, ValueType.LIST, ctx.nowMs());
    if (list == null) {
      ctx.reply().nullBulk();
      return;
    }
    long index = Args.parseLong(ctx.arg(2));
    byte[] value = list.get(index);
    if (value == null) {
      ctx.reply().nullBulk();
    } else {
      ctx.reply().bulk(value);
    }
  }

  static void lpos(CommandContext ctx) {
    long rank = 1;
    long count = -1;
    long maxlen = 0;
    for (int j = 3; j < ctx.argc(); j++) {
      boolean moreArgs = j + 1 < ctx.argc();
      if (ctx.argIs(j, "RANK") && moreArgs) {
        rank = Args.parseLong(ctx.arg(++j));
        if (rank == 0) {
          throw new CommandException(LPOS_RANK_ZERO);
        }
      } else if (ctx.argIs(j, "COUNT") && moreArgs) {
        count = positiveLong(ctx.arg(++j), LPOS_COUNT_NEGATIVE);
      } else if (ctx.argIs(j, "MAXLEN") && moreArgs) {
        maxlen = positiveLong(ctx.arg(++j), LPOS_MAXLEN_NEGATIVE);
      } else {
        throw Errors.syntax();
      }
    }
    boolean fromTail = false;
    if (rank < 0) {
      rank = -rank; // Long.MIN_VALUE stays negative, so every match qualifies, as in Redis
      fromTail = true;
    }
    byte[] key = ctx.arg(1);
    ListValue list = ctx.keyspace(key).read(key, ValueType.LIST, ctx.nowMs());
    Reply r = ctx.reply();
    if (list == null) {
      if (count != -1) {
        r.array(0);
      } else {
        r.nullBulk();
      }
      return;
    }
    byte[] element = ctx.arg(2);
    long len = list.length();
    ListValue.Cursor c = list.cursor(fromTail);
    long index = 0;
    long matches = 0;
    long[] found = count != -1 ? new long[8] : null;
    int foundCount = 0;
    long matchIndex = -1;
    while ((maxlen == 0 || index < maxlen) && c.next()) {
      if (c.currentEquals(element)) {
        matches++;
        if (matches >= rank) {
          long at = fromTail ? len - index - 1 : index;
          if (found != null) {
            if (foundCount == found.length) {
              found = Arrays.copyOf(found, found.length * 2);
            }
            found[foundCount++] = at;
            if (count != 0 && matches - rank + 1 >= count) {
              break;
            }
          } else {
            matchIndex = at;
            break;
          }
        }
      }
      index++;
    }
    if (found != null) {
      r.array(foundCount);
      for (int i = 0; i < foundCount; i++) {
        r.integer(found[i]);
      }
    } else if (matchIndex != -1) {
      r.integer(matchIndex);
    } else {
      r.nullBulk();
    }
  }

  // ---- in-place changes -----------------------------------------------------------------------

  static void lset(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    ListValue list = ks.write(key, ValueType.LIST, ctx.nowMs());
    if (list == null) {
      throw new CommandException(Errors.NO_SUCH_KEY);
    }
    long index = Args.parseLong(ctx.arg(2));
    if (!list.set(index, ctx.arg(3))) {
      throw new CommandException(Errors.OUT_OF_RANGE);
    }
    ks.modified(key);
    ctx.reply().ok();
  }

  static void lrem(CommandContext ctx) {
    long count = Args.parseLong(ctx.arg(2));
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    ListValue list = ks.write(key, ValueType.LIST, ctx.nowMs());
    if (list == null) {
      ctx.reply().integer(0);
      return;
    }
    long removed = list.remove(ctx.arg(3), count);
    if (removed > 0) {
      ks.modified(key);
    }
    ctx.reply().integer(removed);
  }

  static void ltrim(CommandContext ctx) {
    long start = Args.parseLong(ctx.arg(2));
    long end = Args.parseLong(ctx.arg(3));
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    ListValue list = ks.write(key, ValueType.LIST, ctx.nowMs());
    if (list == null) {
      ctx.reply().ok();
      return;
    }
    long len = list.length();
    Ranks.Span span = Ranks.clamp(start, end, len);
    long fromHead = span == null ? len : span.from(); // an empty range: everything goes
    long fromTail = span == null ? 0 : len - span.to() - 1;
    list.trimHead(fromHead);
    list.trimTail(fromTail);
    if (fromHead > 0 || fromTail > 0) {
      ks.modified(key);
    }
    ctx.reply().ok();
  }

  static void linsert(CommandContext ctx) {
    boolean after;
    if (ctx.argIs(2, "AFTER")) {
      after = true;
    } else if (ctx.argIs(2, "BEFORE")) {
      after = false;
    } else {
      throw Errors.syntax();
    }
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    ListValue list = ks.write(key, ValueType.LIST, ctx.nowMs());
    if (list == null) {
      ctx.reply().integer(0);
      return;
    }
    if (!list.insert(ctx.arg(3), ctx.arg(4), after)) {
      ctx.reply().integer(-1);
      return;
    }
    ks.modified(key);
    ctx.reply().integer(list.length());
  }

  // ---- moves and blocking ---------------------------------------------------------------------

  /** LEFT → true (head), RIGHT → false (tail); else a syntax error. */
  private static boolean end(byte[] arg) {
    if (Args.is(arg, "LEFT")) {
      return true;
    }
    if (Args.is(arg, "RIGHT")) {
      return false;
    }
    throw Errors.syntax();
  }

  static void lmove(CommandContext ctx) {
    boolean fromHead = end(ctx.arg(3));
    boolean toHead = end(ctx.arg(4));
    byte[] value = move(ctx, fromHead, toHead, false);
    if (value == null) {
      ctx.reply().nullBulk();
    } else {
      ctx.reply().bulk(value);
    }
  }

  /**
   * Pops from argv[1] and pushes to argv[2] (Redis's {@code lmoveGenericCommand}); returns the
   * element moved or null when the source is empty. {@code skipWrongSource} is for a blocked
   * client's re-run, which treats a source of another type as empty.
   */
  private static byte[] move(CommandContext ctx, boolean fromHead, boolean toHead, boolean skipWrongSource) {
    byte[] srcKey = ctx.arg(1);
    byte[] dstKey = ctx.arg(2);
    Keyspace src = ctx.keyspace(srcKey);
    Object srcValue = src.write(srcKey, ctx.nowMs());
    if (srcValue == null) {
      return null;
    }
    if (!(srcValue instanceof ListValue source)) {
      if (skipWrongSource) {
        return null;
      }
      throw Errors.wrongType();
    }
    Keyspace dst = ctx.keyspace(dstKey);
    ListValue destination = dst.write(dstKey, ValueType.LIST, ctx.nowMs());
    byte[] value = source.pop(fromHead);
    if (destination == null) {
      destination = new ListValue();
      destination.push(value, toHead);
      src.modified(srcKey); // may delete the emptied source before the destination is added
      dst.add(dstKey, destination, ctx.nowMs());
    } else {
      destination.push(value, toHead);
      if (destination != source) {
        src.modified(srcKey);
      }
      dst.modified(dstKey);
    }
    return value;
  }

  /** BLPOP BRPOP: {@code key [key ...] timeout}. */
  static void blockingPop(CommandContext ctx, boolean atHead) {
    long deadlineMs = Args.parseTimeoutDeadlineMs(ctx.arg(ctx.argc() - 1), ctx.nowMs());
    for (int j = 1; j < ctx.argc() - 1; j++) {
      byte[] key = ctx.arg(j);
      Keyspace ks = ctx.keyspace(key);
      Object value = ks.write(key, ctx.nowMs());
      if (value == null) {
        continue;
      }
      if (!(value instanceof ListValue list)) {
        if (ctx.isReprocessing()) {
          continue;
        }
        throw Errors.wrongType();
      }
      Reply r = ctx.reply();
      r.array(2);
      r.bulk(key);
      r.bulk(list.pop(atHead));
      ks.modified(key);
      return;
    }
    if (ctx.session().inTransaction()) {
      ctx.reply().nullArray();
      return;
    }
    ctx.block(distinctKeys(ctx.argv(), 1, ctx.argc() - 1), deadlineMs, Reply::nullArray);
  }

  /** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout. */
  static void blmove(CommandContext ctx) {
    boolean fromHead = end(ctx.arg(3));
    boolean toHead = end(ctx.arg(4));
    long deadlineMs = Args.parseTimeoutDeadlineMs(ctx.arg(5), ctx.nowMs());
    byte[] value = move(ctx, fromHead, toHead, ctx.isReprocessing());
    if (value != null) {
      ctx.reply().bulk(value);
      return;
    }
    if (ctx.session().inTransaction()) {
      ctx.reply().nullBulk(); // Redis: a null bulk inside MULTI, but a null array on timeout
      return;
    }
    ctx.block(new byte[][] {ctx.arg(1)}, deadlineMs, Reply::nullArray);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The keys {@code argv[from, to)} without repeats, in first-seen order (a waiter queues once per key). */
  static byte[][] distinctKeys(byte[][] argv, int from, int to) {
    List<byte[]> keys = new ArrayList<>(to - from);
    outer:
    for (int i = from; i < to; i++) {
      for (byte[] k : keys) {
        if (Arrays.equals(k, argv[i])) {
          continue outer;
        }
      }
      keys.add(argv[i]);
    }
    return keys.toArray(new byte[0][]);
  }

  /** Redis's {@code getPositiveLongFromObjectOrReply}: a long ≥ 0, else {@code error} (also for non-numbers). */
  static long positiveLong(byte[] arg, String error) {
    long[] out = new long[1];
    if (!Args.tryParseLong(arg, out) || out[0] < 0) {
      throw new CommandException(error);
    }
    return out[0];
  }
}
