package dev.tide.engine.commands.strings;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.command.LongDouble;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.ValueType;
import dev.tide.protocol.Reply;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The string command family: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX INCR
 * DECR INCRBY DECRBY INCRBYFLOAT APPEND STRLEN GETRANGE (and its old name SUBSTR) SETRANGE, with Redis 7.0's arguments,
 * checks (in Redis's order, since the first failing check decides the error a client sees) and
 * error texts.
 *
 * <p>String values are immutable {@code byte[]}s: commands that change a string (APPEND,
 * SETRANGE, INCR ...) build a new array and store it, so a value handed to a reply or shared by
 * a COPY never changes under anyone. The price is that APPEND and SETRANGE copy the whole string
 * (Redis grows its buffer in place). {@link StringEncoding} explains the marks APPEND, SETRANGE
 * and INCRBYFLOAT leave for OBJECT ENCODING; {@code docs/strings-and-keys.md} the decisions.
 */
public final class StringsCommands {

  // Flags of SET and GETEX options (Redis's OBJ_* flags of parseExtendedStringArgumentsOrReply).
  private static final int NX = 1;
  private static final int XX = 1 << 1;
  private static final int GET = 1 << 2;
  private static final int KEEPTTL = 1 << 3;
  private static final int PERSIST = 1 << 4;
  private static final int EX = 1 << 5;
  private static final int PX = 1 << 6;
  private static final int EXAT = 1 << 7;
  private static final int PXAT = 1 << 8;
  private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

  private static final byte[] EMPTY = new byte[0];

  private StringsCommands() {
  }

  public static void register(CommandTable table) {
    table.register(string("get", 2, "readonly fast", "Get the value of a key", "1.0.0", "@read", "@fast")
        .impl(StringsCommands::get));
    table.register(string("set", -3, "write denyoom", "Set the string value of a key", "1.0.0", "@write", "@slow")
        .impl(StringsCommands::set));
    table.register(string("setnx", 3, "write denyoom fast", "Set the value of a key, only if the key does not exist",
        "1.0.0", "@write", "@fast").impl(StringsCommands::setnx));
    table.register(string("setex", 4, "write denyoom", "Set the value and expiration of a key", "2.0.0", "@write",
        "@slow").impl(ctx -> setWithExpire(ctx, EX, "setex")));
    table.register(string("psetex", 4, "write denyoom", "Set the value and expiration in milliseconds of a key",
        "2.6.0", "@write", "@slow").impl(ctx -> setWithExpire(ctx, PX, "psetex")));
    table.register(string("getset", 3, "write denyoom fast", "Set the string value of a key and return its old value",
        "1.0.0", "@write", "@fast").impl(StringsCommands::getset));
    table.register(string("getdel", 2, "write fast", "Get the value of a key and delete the key", "6.2.0", "@write",
        "@fast").impl(StringsCommands::getdel));
    table.register(string("getex", -2, "write fast", "Get the value of a key and optionally set its expiration",
        "6.2.0", "@write", "@fast").impl(StringsCommands::getex));
    table.register(CommandSpec.builder("mget", -2, "readonly fast").keys(1, -1, 1).group("string")
        .summary("Get the values of all the given keys").since("1.0.0").acl("@read", "@string", "@fast")
        .impl(StringsCommands::mget));
    table.register(CommandSpec.builder("mset", -3, "write denyoom").keys(1, -1, 2).group("string")
        .summary("Set multiple keys to multiple values").since("1.0.1").acl("@write", "@string", "@slow")
        .impl(ctx -> mset(ctx, false)));
    table.register(CommandSpec.builder("msetnx", -3, "write denyoom").keys(1, -1, 2).group("string")
        .summary("Set multiple keys to multiple values, only if none of the keys exist").since("1.0.1")
        .acl("@write", "@string", "@slow").impl(ctx -> mset(ctx, true)));
    table.register(string("incr", 2, "write denyoom fast", "Increment the integer value of a key by one", "1.0.0",
        "@write", "@fast").impl(ctx -> incrBy(ctx, 1)));
    table.register(string("decr", 2, "write denyoom fast", "Decrement the integer value of a key by one", "1.0.0",
        "@write", "@fast").impl(ctx -> incrBy(ctx, -1)));
    table.register(string("incrby", 3, "write denyoom fast", "Increment the integer value of a key by the given amount",
        "1.0.0", "@write", "@fast").impl(ctx -> incrBy(ctx, ctx.argLong(2))));
    table.register(string("decrby", 3, "write denyoom fast", "Decrement the integer value of a key by the given number",
        "1.0.0", "@write", "@fast").impl(StringsCommands::decrby));
    table.register(string("incrbyfloat", 3, "write denyoom fast", "Increment the float value of a key by the given amount",
        "2.6.0", "@write", "@fast").impl(StringsCommands::incrbyfloat));
    table.register(string("append", 3, "write denyoom fast", "Append a value to a key", "2.0.0", "@write", "@fast")
        .impl(StringsCommands::append));
    table.register(string("strlen", 2, "readonly fast", "Get the length of the value stored in a key", "2.2.0",
        "@read", "@fast").impl(StringsCommands::strlen));
    table.register(string("getrange", 4, "readonly", "Get a substring of the string stored at a key", "2.4.0",
        "@read", "@slow").impl(StringsCommands::getrange));
    table.register(string("substr", 4, "readonly", "Get a substring of the string stored at a key", "1.0.0",
        "@read", "@slow").impl(StringsCommands::getrange)); // GETRANGE's old name, still served by Redis 7.0
    table.register(string("setrange", 4, "write denyoom",
        "Overwrite part of a string at key starting at the specified offset", "2.2.0", "@write", "@slow")
        .impl(StringsCommands::setrange));
  }

  /** A one-key string command: key at argument 1. */
  private static CommandSpec.Builder string(String name, int arity, String flags, String summary, String since,
                                            String access, String speed) {
    return CommandSpec.builder(name, arity, flags).keys(1, 1, 1).group("string").summary(summary).since(since)
        .acl(access, "@string", speed);
  }

  // ---- GET SET and friends ----------------------------------------------------------------------

  static void get(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    byte[] value = ctx.keyspace(key).read(key, ValueType.STRING, ctx.nowMs());
    bulkOrNull(ctx.reply(), value);
  }

  /** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ts-ms | KEEPTTL]. */
  static void set(CommandContext ctx) {
    int[] flagsOut = new int[1];
    byte[] expireArg = parseOptions(ctx, 3, true, flagsOut);
    int flags = flagsOut[0];
    long when = expireArg == null ? 0 : expireMs(ctx, expireArg, flags, "set");
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    byte[] old = null;
    if ((flags & GET) != 0) {
      old = ks.read(key, ValueType.STRING, now);
    }
    boolean found = ks.write(key, now) != null;
    if ((flags & NX) != 0 && found || (flags & XX) != 0 && !found) {
      if ((flags & GET) != 0) {
        bulkOrNull(ctx.reply(), old);
      } else {
        ctx.reply().nullBulk();
      }
      return;
    }
    ks.set(key, ctx.arg(2), (flags & KEEPTTL) != 0, now);
    if (expireArg != null) {
      ks.setExpireAt(key, when);
    }
    if ((flags & GET) != 0) {
      bulkOrNull(ctx.reply(), old);
    } else {
      ctx.reply().ok();
    }
  }

  static void setnx(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    if (ks.write(key, ctx.nowMs()) != null) {
      ctx.reply().integer(0);
      return;
    }
    ks.set(key, ctx.arg(2), false, ctx.nowMs());
    ctx.reply().integer(1);
  }

  /** SETEX key seconds value, PSETEX key milliseconds value. */
  static void setWithExpire(CommandContext ctx, int unitFlag, String name) {
    long when = expireMs(ctx, ctx.arg(2), unitFlag, name);
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    ks.write(key, ctx.nowMs()); // expires a stale key first, as Redis's lookupKeyWrite does
    ks.set(key, ctx.arg(3), false, ctx.nowMs());
    ks.setExpireAt(key, when);
    ctx.reply().ok();
  }

  static void getset(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    byte[] old = ks.read(key, ValueType.STRING, ctx.nowMs());
    ks.set(key, ctx.arg(2), false, ctx.nowMs());
    bulkOrNull(ctx.reply(), old);
  }

  static void getdel(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    byte[] old = ks.read(key, ValueType.STRING, ctx.nowMs());
    if (old != null) {
      ks.delete(key);
    }
    bulkOrNull(ctx.reply(), old);
  }

  /** GETEX key [EX s | PX ms | EXAT ts | PXAT ts-ms | PERSIST]. */
  static void getex(CommandContext ctx) {
    int[] flagsOut = new int[1];
    byte[] expireArg = parseOptions(ctx, 2, false, flagsOut);
    int flags = flagsOut[0];
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    byte[] value = ks.read(key, ValueType.STRING, now);
    if (value == null) {
      ctx.reply().nullBulk();
      return;
    }
    long when = expireArg == null ? 0 : expireMs(ctx, expireArg, flags, "getex");
    ctx.reply().bulk(value);
    if ((flags & (EXAT | PXAT)) != 0 && when <= now) {
      ks.delete(key);
    } else if (expireArg != null) {
      ks.setExpireAt(key, when);
    } else if ((flags & PERSIST) != 0 && ks.removeExpire(key)) {
      ks.signalModified(key);
    }
  }

  /**
   * Parses SET's (forSet) or GETEX's options from argument {@code from}, with Redis's rules: an
   * option may repeat (the last expire value wins), conflicting ones are a syntax error. Returns
   * the expire argument or null; the flags go to {@code flagsOut[0]}.
   */
  private static byte[] parseOptions(CommandContext ctx, int from, boolean forSet, int[] flagsOut) {
    int flags = 0;
    byte[] expire = null;
    for (int j = from; j < ctx.argc(); j++) {
      byte[] opt = ctx.arg(j);
      boolean hasNext = j + 1 < ctx.argc();
      if (forSet && Args.is(opt, "NX") && (flags & XX) == 0) {
        flags |= NX;
      } else if (forSet && Args.is(opt, "XX") && (flags & NX) == 0) {
        flags |= XX;
      } else if (forSet && Args.is(opt, "GET")) {
        flags |= GET;
      } else if (forSet && Args.is(opt, "KEEPTTL") && (flags & (PERSIST | ANY_EXPIRE)) == 0) {
        flags |= KEEPTTL;
      } else if (!forSet && Args.is(opt, "PERSIST") && (flags & (KEEPTTL | ANY_EXPIRE)) == 0) {
        flags |= PERSIST;
      } else if (hasNext && expireOption(opt) != 0
          && (flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~expireOption(opt)))) == 0) {
        flags |= expireOption(opt);
        expire = ctx.arg(++j);
      } else {
        throw Errors.syntax();
      }
    }
    flagsOut[0] = flags;
    return expire;
  }

  private static int expireOption(byte[] opt) {
    if (Args.is(opt, "EX")) {
      return EX;
    } else if (Args.is(opt, "PX")) {
      return PX;
    } else if (Args.is(opt, "EXAT")) {
      return EXAT;
    } else if (Args.is(opt, "PXAT")) {
      return PXAT;
    }
    return 0;
  }

  /**
   * An expire argument as an absolute time in ms (Redis's {@code getExpireMillisecondsOrReply}):
   * an integer, positive, and not overflowing once converted to ms and made absolute.
   */
  private static long expireMs(CommandContext ctx, byte[] arg, int flags, String command) {
    long v = Args.parseLong(arg);
    boolean seconds = (flags & (EX | EXAT)) != 0;
    if (v <= 0 || seconds && v > Long.MAX_VALUE / 1000) {
      throw invalidExpire(command);
    }
    if (seconds) {
      v *= 1000;
    }
    if ((flags & (EX | PX)) != 0) {
      if (v > Long.MAX_VALUE - ctx.nowMs()) {
        throw invalidExpire(command);
      }
      v += ctx.nowMs();
    }
    return v;
  }

  /** "ERR invalid expire time in '<command>' command", shared with the EXPIRE family. */
  public static CommandException invalidExpire(String command) {
    return new CommandException("ERR invalid expire time in '" + command + "' command");
  }

  // ---- multi-key ---------------------------------------------------------------------------------

  static void mget(CommandContext ctx) {
    int n = ctx.argc() - 1;
    Reply reply = ctx.reply();
    reply.array(n);
    for (int i = 1; i <= n; i++) {
      byte[] key = ctx.arg(i);
      Object v = ctx.keyspace(key).read(key, ctx.nowMs());
      bulkOrNull(reply, v instanceof byte[] b ? b : null);
    }
  }

  static void mset(CommandContext ctx, boolean nx) {
    if (ctx.argc() % 2 == 0) {
      throw new CommandException(Errors.wrongArity(ctx.spec().name()));
    }
    long now = ctx.nowMs();
    if (nx) {
      for (int i = 1; i < ctx.argc(); i += 2) {
        byte[] key = ctx.arg(i);
        if (ctx.keyspace(key).write(key, now) != null) {
          ctx.reply().integer(0);
          return;
        }
      }
    }
    for (int i = 1; i < ctx.argc(); i += 2) {
      byte[] key = ctx.arg(i);
      Keyspace ks = ctx.keyspace(key);
      ks.write(key, now); // drop an expired key first, so its TTL is not kept
      ks.set(key, ctx.arg(i + 1), false, now);
    }
    if (nx) {
      ctx.reply().integer(1);
    } else {
      ctx.reply().ok();
    }
  }

  // ---- counters ----------------------------------------------------------------------------------

  static void decrby(CommandContext ctx) {
    long decrement = ctx.argLong(2);
    if (decrement == Long.MIN_VALUE) {
      throw new CommandException("ERR decrement would overflow");
    }
    incrBy(ctx, -decrement);
  }

  /** INCR DECR INCRBY DECRBY: the stored string must be a canonical 64-bit integer; TTL is kept. */
  static void incrBy(CommandContext ctx, long delta) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    byte[] value = ks.write(key, ValueType.STRING, now);
    long old = value == null ? 0 : Args.parseLong(value);
    if (delta < 0 && old < 0 && delta < Long.MIN_VALUE - old
        || delta > 0 && old > 0 && delta > Long.MAX_VALUE - old) {
      throw new CommandException(Errors.OVERFLOW);
    }
    long result = old + delta;
    ks.set(key, Args.bytes(result), true, now);
    ctx.reply().integer(result);
  }

  /** INCRBYFLOAT: both operands as x87 long doubles, as Redis computes it (see {@link LongDouble}). */
  static void incrbyfloat(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    byte[] value = ks.write(key, ValueType.STRING, now);
    LongDouble current = value == null ? LongDouble.ZERO : LongDouble.parse(value);
    LongDouble increment = LongDouble.parse(ctx.arg(2));
    if (current == null || increment == null) {
      throw Errors.notFloat();
    }
    LongDouble sum = current.add(increment);
    if (sum == null || sum.isInfinite()) {
      throw new CommandException("ERR increment would produce NaN or Infinity");
    }
    byte[] result = sum.toHumanString().getBytes(StandardCharsets.US_ASCII);
    ks.set(key, result, true, now);
    StringEncoding.mark(ks, key, StringEncoding.NO_INT);
    ctx.reply().bulk(result);
  }

  // ---- byte ranges -------------------------------------------------------------------------------

  static void append(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    byte[] suffix = ctx.arg(2);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    byte[] value = ks.write(key, ValueType.STRING, now);
    if (value == null) {
      ks.set(key, suffix, false, now);
      ctx.reply().integer(suffix.length);
      return;
    }
    checkStringLength(ctx, (long) value.length + suffix.length);
    byte[] joined = Arrays.copyOf(value, value.length + suffix.length);
    System.arraycopy(suffix, 0, joined, value.length, suffix.length);
    ks.set(key, joined, true, now);
    StringEncoding.mark(ks, key, StringEncoding.RAW);
    ctx.reply().integer(joined.length);
  }

  static void strlen(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    byte[] value = ctx.keyspace(key).read(key, ValueType.STRING, ctx.nowMs());
    ctx.reply().integer(value == null ? 0 : value.length);
  }

  /** GETRANGE key start end: inclusive, negative offsets from the end, clamped. */
  static void getrange(CommandContext ctx) {
    long start = ctx.argLong(2);
    long end = ctx.argLong(3);
    byte[] key = ctx.arg(1);
    byte[] value = ctx.keyspace(key).read(key, ValueType.STRING, ctx.nowMs());
    if (value == null || start < 0 && end < 0 && start > end) {
      ctx.reply().bulk(EMPTY);
      return;
    }
    long len = value.length;
    if (start < 0) {
      start = len + start;
    }
    if (end < 0) {
      end = len + end;
    }
    start = Math.max(start, 0);
    end = Math.max(end, 0);
    if (end >= len) {
      end = len - 1;
    }
    if (start > end || len == 0) {
      ctx.reply().bulk(EMPTY);
      return;
    }
    ctx.reply().bulk(value, (int) start, (int) (end - start + 1));
  }

  /** SETRANGE key offset value: overwrites from offset, padding with zero bytes. */
  static void setrange(CommandContext ctx) {
    long offset = ctx.argLong(2);
    if (offset < 0) {
      throw new CommandException("ERR offset is out of range");
    }
    byte[] key = ctx.arg(1);
    byte[] patch = ctx.arg(3);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    byte[] value = ks.write(key, ValueType.STRING, now);
    if (patch.length == 0) {
      ctx.reply().integer(value == null ? 0 : value.length); // nothing to write, nothing created
      return;
    }
    if (offset > Long.MAX_VALUE - patch.length) {
      throw stringTooLong();
    }
    checkStringLength(ctx, offset + patch.length);
    int newLength = (int) Math.max(value == null ? 0 : value.length, offset + patch.length);
    byte[] result = value == null ? new byte[newLength] : Arrays.copyOf(value, newLength);
    System.arraycopy(patch, 0, result, (int) offset, patch.length);
    ks.set(key, result, value != null, now);
    StringEncoding.mark(ks, key, StringEncoding.RAW);
    ctx.reply().integer(result.length);
  }

  /**
   * Redis's {@code checkStringLength}: a string may not grow past {@code proto-max-bulk-len}. A
   * Java array also stops just short of 2 GB, whatever that setting says.
   */
  private static void checkStringLength(CommandContext ctx, long length) {
    if (length > ctx.db().config().protoMaxBulkLen || length > MAX_ARRAY_LENGTH) {
      throw stringTooLong();
    }
  }

  /** Largest array the JVM reliably allocates (a few header words short of Integer.MAX_VALUE). */
  private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private static CommandException stringTooLong() {
    return new CommandException("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }

  private static void bulkOrNull(Reply reply, byte[] value) {
    if (value == null) {
      reply.nullBulk();
    } else {
      reply.bulk(value);
    }
  }
}
