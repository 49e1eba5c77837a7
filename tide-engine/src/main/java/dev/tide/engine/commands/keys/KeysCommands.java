package dev.tide.engine.commands.keys;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.command.Glob;
import dev.tide.engine.commands.strings.StringEncoding;
import dev.tide.engine.commands.strings.StringsCommands;
import dev.tide.engine.dict.ByteDict;
import dev.tide.engine.keyspace.AccessTracker;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.CollectionValue;
import dev.tide.engine.types.ValueType;
import dev.tide.protocol.Reply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys command family: DEL UNLINK EXISTS TYPE RENAME RENAMENX EXPIRE PEXPIRE EXPIREAT
 * PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST KEYS SCAN RANDOMKEY DBSIZE FLUSHDB FLUSHALL
 * COPY TOUCH OBJECT, with Redis 7.0's arguments, check order and error texts.
 *
 * <p><b>Shards.</b> Multi-key commands declare all their keys, so the executor holds the lock of
 * every shard involved; the keys of one command may live in different shards of this node
 * (RENAME moves a value between shards). Commands that look at the whole keyspace (KEYS, SCAN,
 * RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL) are flagged {@code all_shards}.
 *
 * <p><b>SCAN cursors.</b> A Tide cursor packs the shard being scanned into its low bits and that
 * shard's {@link ByteDict#scan} cursor above them: {@code cursor = dictCursor << shardBits | shard},
 * where {@code shardBits} is the number of bits needed for the highest shard index (4 for the
 * default 16 shards). A scan walks shard 0 to the end of its dict, then shard 1, and so on; the
 * cursor returns to 0 after the last shard. Each shard's dict cursor keeps Redis's guarantee
 * (every key present for the whole scan is returned at least once, across resizes), so the
 * whole scan keeps it too. Dict cursors stay below 2^30, so cursors fit well within 63 bits; a
 * client-made cursor naming a shard that does not exist ends the scan (reply cursor 0).
 */
public final class KeysCommands {

  /** Redis's default SCAN COUNT. */
  private static final long SCAN_DEFAULT_COUNT = 10;
  /** Dict steps a SCAN call may take per requested element (Redis: {@code maxiterations = count*10}). */
  private static final long SCAN_STEPS_PER_ELEMENT = 10;
  /** RANDOMKEY gives up on finding a live key after this many sampled shards (bounds the work). */
  private static final int RANDOMKEY_MAX_ROUNDS = 100;
  /** Databases a standalone Redis has; COPY DB accepts 0 only (Tide is one database, like Redis Cluster). */
  private static final int REDIS_DATABASES = 16;

  private static final String[] OBJECT_HELP = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };

  private KeysCommands() {
  }

  public static void register(CommandTable table) {
    table.register(generic("del", -2, "write", "Delete a key", "1.0.0", "@write", "@slow").keys(1, -1, 1)
        .impl(KeysCommands::del));
    table.register(generic("unlink", -2, "write fast",
        "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0",
        "@write", "@fast").keys(1, -1, 1).impl(KeysCommands::del));
    table.register(generic("exists", -2, "readonly fast", "Determine if a key exists", "1.0.0", "@read", "@fast")
        .keys(1, -1, 1).impl(KeysCommands::exists));
    table.register(generic("type", 2, "readonly fast", "Determine the type stored at key", "1.0.0", "@read", "@fast")
        .keys(1, 1, 1).impl(KeysCommands::type));
    table.register(generic("rename", 3, "write", "Rename a key", "1.0.0", "@write", "@slow").keys(1, 2, 1)
        .impl(ctx -> rename(ctx, false)));
    table.register(generic("renamenx", 3, "write fast", "Rename a key, only if the new key does not exist", "1.0.0",
        "@write", "@fast").keys(1, 2, 1).impl(ctx -> rename(ctx, true)));
    table.register(generic("expire", -3, "write fast", "Set a key's time to live in seconds", "1.0.0", "@write",
        "@fast").keys(1, 1, 1).impl(ctx -> expire(ctx, ctx.nowMs(), true, "expire")));
    table.register(generic("pexpire", -3, "write fast", "Set a key's time to live in milliseconds", "2.6.0",
        "@write", "@fast").keys(1, 1, 1).impl(ctx -> expire(ctx, ctx.nowMs(), false, "pexpire")));
    table.register(generic("expireat", -3, "write fast", "Set the expiration for a key as a UNIX timestamp", "1.2.0",
        "@write", "@fast").keys(1, 1, 1).impl(ctx -> expire(ctx, 0, true, "expireat")));
    table.register(generic("pexpireat", -3, "write fast",
        "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "@write", "@fast")
        .keys(1, 1, 1).impl(ctx -> expire(ctx, 0, false, "pexpireat")));
    table.register(generic("ttl", 2, "readonly fast", "Get the time to live for a key in seconds", "1.0.0", "@read",
        "@fast").keys(1, 1, 1).impl(ctx -> ttl(ctx, false, false)));
    table.register(generic("pttl", 2, "readonly fast", "Get the time to live for a key in milliseconds", "2.6.0",
        "@read", "@fast").keys(1, 1, 1).impl(ctx -> ttl(ctx, true, false)));
    table.register(generic("expiretime", 2, "readonly fast", "Get the expiration Unix timestamp for a key", "7.0.0",
        "@read", "@fast").keys(1, 1, 1).impl(ctx -> ttl(ctx, false, true)));
    table.register(generic("pexpiretime", 2, "readonly fast",
        "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "@read", "@fast").keys(1, 1, 1)
        .impl(ctx -> ttl(ctx, true, true)));
    table.register(generic("persist", 2, "write fast", "Remove the expiration from a key", "2.2.0", "@write", "@fast")
        .keys(1, 1, 1).impl(KeysCommands::persist));
    table.register(CommandSpec.builder("keys", 2, "readonly all_shards").group("generic")
        .summary("Find all keys matching the given pattern").since("1.0.0")
        .acl("@keyspace", "@read", "@slow", "@dangerous").impl(KeysCommands::keys));
    table.register(CommandSpec.builder("scan", -2, "readonly all_shards").group("generic")
        .summary("Incrementally iterate the keys space").since("2.8.0").acl("@keyspace", "@read", "@slow")
        .impl(KeysCommands::scan));
    table.register(CommandSpec.builder("randomkey", 1, "readonly all_shards").group("generic")
        .summary("Return a random key from the keyspace").since("1.0.0").acl("@keyspace", "@read", "@slow")
        .impl(KeysCommands::randomkey));
    table.register(CommandSpec.builder("dbsize", 1, "readonly fast all_shards").group("server")
        .summary("Return the number of keys in the selected database").since("1.0.0")
        .acl("@keyspace", "@read", "@fast").impl(KeysCommands::dbsize));
    table.register(CommandSpec.builder("flushdb", -1, "write all_shards").group("server")
        .summary("Remove all keys from the current database").since("1.0.0")
        .acl("@keyspace", "@write", "@slow", "@dangerous").impl(KeysCommands::flush));
    table.register(CommandSpec.builder("flushall", -1, "write all_shards").group("server")
        .summary("Remove all keys from all databases").since("1.0.0")
        .acl("@keyspace", "@write", "@slow", "@dangerous").impl(KeysCommands::flush));
    table.register(generic("copy", -3, "write denyoom", "Copy a key", "6.2.0", "@write", "@slow").keys(1, 2, 1)
        .impl(KeysCommands::copy));
    table.register(generic("touch", -2, "readonly fast",
        "Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1", "@read",
        "@fast").keys(1, -1, 1).impl(KeysCommands::touch));
    table.register(CommandSpec.builder("object", -2, "readonly").group("generic")
        .summary("A container for object introspection commands").since("2.2.3").acl("@keyspace", "@read", "@slow")
        .keys(KeysCommands::objectKeys).impl(KeysCommands::object));
  }

  private static CommandSpec.Builder generic(String name, int arity, String flags, String summary, String since,
                                             String access, String speed) {
    return CommandSpec.builder(name, arity, flags).group("generic").summary(summary).since(since)
        .acl("@keyspace", access, speed);
  }

  // ---- existence and type ------------------------------------------------------------------------

  /** DEL and UNLINK (Tide frees memory through the GC either way). Expired keys do not count. */
  static void del(CommandContext ctx) {
    long now = ctx.nowMs();
    int deleted = 0;
    for (int i = 1; i < ctx.argc(); i++) {
      byte[] key = ctx.arg(i);
      Keyspace ks = ctx.keyspace(key);
      if (ks.exists(key, now) && ks.delete(key)) {
        deleted++;
      }
    }
    ctx.reply().integer(deleted);
  }

  /** EXISTS counts every argument naming a live key, repeats included. */
  static void exists(CommandContext ctx) {
    long now = ctx.nowMs();
    int found = 0;
    for (int i = 1; i < ctx.argc(); i++) {
      byte[] key = ctx.arg(i);
      if (ctx.keyspace(key).exists(key, now)) {
        found++;
      }
    }
    ctx.reply().integer(found);
  }

  static void touch(CommandContext ctx) {
    long now = ctx.nowMs();
    int found = 0;
    for (int i = 1; i < ctx.argc(); i++) {
      byte[] key = ctx.arg(i);
      if (ctx.keyspace(key).read(key, now) != null) {
        found++;
      }
    }
    ctx.reply().integer(found);
  }

  static void type(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Object v = ctx.keyspace(key).peek(key, ctx.nowMs());
    ctx.reply().simple(v == null ? "none" : ValueType.of(v).redisName());
  }

  // ---- RENAME and COPY ---------------------------------------------------------------------------

  /**
   * RENAME / RENAMENX: the value, its TTL and its access data move to the new name (possibly in
   * another shard); an existing destination is replaced (RENAME) or left alone (RENAMENX).
   */
  static void rename(CommandContext ctx, boolean nx) {
    byte[] src = ctx.arg(1);
    byte[] dst = ctx.arg(2);
    long now = ctx.nowMs();
    Keyspace from = ctx.keyspace(src);
    Keyspace to = ctx.keyspace(dst);
    Object value = from.write(src, now);
    if (value == null) {
      throw new CommandException(Errors.NO_SUCH_KEY);
    }
    if (Arrays.equals(src, dst)) {
      if (nx) {
        ctx.reply().integer(0);
      } else {
        ctx.reply().ok();
      }
      return;
    }
    long expireAt = from.expireAt(src);
    int meta = from.node(src).meta;
    if (to.write(dst, now) != null) {
      if (nx) {
        ctx.reply().integer(0);
        return;
      }
      to.delete(dst);
    }
    from.delete(src);
    to.set(dst, value, false, now);
    if (expireAt != -1) {
      to.setExpireAt(dst, expireAt);
    }
    to.node(dst).meta = meta; // the same object in Redis: LRU/LFU data and encoding marks move along
    if (nx) {
      ctx.reply().integer(1);
    } else {
      ctx.reply().ok();
    }
  }

  /** COPY source destination [DB destination-db] [REPLACE]: a deep copy with the source's TTL. */
  static void copy(CommandContext ctx) {
    boolean replace = false;
    long targetDb = 0;
    for (int j = 3; j < ctx.argc(); j++) {
      int additional = ctx.argc() - j - 1;
      if (ctx.argIs(j, "REPLACE")) {
        replace = true;
      } else if (ctx.argIs(j, "DB") && additional >= 1) {
        targetDb = ctx.argLong(j + 1);
        if (targetDb < Integer.MIN_VALUE || targetDb > Integer.MAX_VALUE) {
          // Redis's getIntFromObjectOrReply: an integer, then a separate range check
          throw new CommandException("ERR value is out of range, value must between -2147483648 and 2147483647");
        }
        if (targetDb < 0 || targetDb >= REDIS_DATABASES) {
          throw new CommandException("ERR DB index is out of range");
        }
        j++;
      } else {
        throw Errors.syntax();
      }
    }
    if (targetDb != 0) {
      // Tide has one database per node, as Redis Cluster; answer as Redis Cluster does
      throw new CommandException("ERR Copying to another database is not allowed in cluster mode");
    }
    byte[] src = ctx.arg(1);
    byte[] dst = ctx.arg(2);
    if (Arrays.equals(src, dst)) {
      throw new CommandException("ERR source and destination objects are the same");
    }
    long now = ctx.nowMs();
    Keyspace from = ctx.keyspace(src);
    Keyspace to = ctx.keyspace(dst);
    Object value = from.read(src, now);
    if (value == null) {
      ctx.reply().integer(0);
      return;
    }
    if (to.write(dst, now) != null) {
      if (!replace) {
        ctx.reply().integer(0);
        return;
      }
      to.delete(dst);
    }
    long expireAt = from.expireAt(src);
    Object copy;
    int stringFlags = 0;
    if (value instanceof byte[] bytes) {
      copy = bytes; // strings are never changed in place, so the array can be shared
      stringFlags = StringEncoding.flagsForCopy(bytes, StringEncoding.flags(from.node(src)));
    } else {
      copy = ((CollectionValue) value).copy();
    }
    to.set(dst, copy, false, now);
    if (expireAt != -1) {
      to.setExpireAt(dst, expireAt);
    }
    if (stringFlags != 0) {
      StringEncoding.mark(to, dst, stringFlags);
    }
    ctx.reply().integer(1);
  }

  // ---- expiry ------------------------------------------------------------------------------------

  private static final int EXPIRE_NX = 1;
  private static final int EXPIRE_XX = 2;
  private static final int EXPIRE_GT = 4;
  private static final int EXPIRE_LT = 8;

  /**
   * EXPIRE PEXPIRE EXPIREAT PEXPIREAT key time [NX | XX | GT | LT] (Redis's
   * {@code expireGenericCommand}): options are checked first, then the time (negative times are
   * allowed, overflow is not), then the key. A time already past deletes the key. A key without
   * TTL counts as an infinite TTL for GT and LT.
   *
   * @param baseMs what the time is relative to: now for EXPIRE/PEXPIRE, 0 for the AT forms
   */
  static void expire(CommandContext ctx, long baseMs, boolean seconds, String command) {
    int flags = 0;
    for (int j = 3; j < ctx.argc(); j++) {
      if (ctx.argIs(j, "NX")) {
        flags |= EXPIRE_NX;
      } else if (ctx.argIs(j, "XX")) {
        flags |= EXPIRE_XX;
      } else if (ctx.argIs(j, "GT")) {
        flags |= EXPIRE_GT;
      } else if (ctx.argIs(j, "LT")) {
        flags |= EXPIRE_LT;
      } else {
        throw new CommandException("ERR Unsupported option " + ctx.argString(j));
      }
    }
    if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
      throw new CommandException("ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) {
      throw new CommandException("ERR GT and LT options at the same time are not compatible");
    }
    long when = ctx.argLong(2);
    if (seconds) {
      if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
        throw StringsCommands.invalidExpire(command);
      }
      when *= 1000;
    }
    if (when > Long.MAX_VALUE - baseMs) {
      throw StringsCommands.invalidExpire(command);
    }
    when += baseMs;
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    if (ks.write(key, now) == null) {
      ctx.reply().integer(0);
      return;
    }
    if (flags != 0) {
      long current = ks.expireAt(key);
      boolean refused = (flags & EXPIRE_NX) != 0 && current != -1
          || (flags & EXPIRE_XX) != 0 && current == -1
          || (flags & EXPIRE_GT) != 0 && (current == -1 || when <= current)
          || (flags & EXPIRE_LT) != 0 && current != -1 && when >= current;
      if (refused) {
        ctx.reply().integer(0);
        return;
      }
    }
    if (when <= now) {
      ks.delete(key);
    } else {
      ks.setExpireAt(key, when);
    }
    ctx.reply().integer(1);
  }

  /**
   * TTL PTTL EXPIRETIME PEXPIRETIME: -2 for a missing key, -1 without expiry; seconds are
   * rounded to the nearest, as Redis does.
   */
  static void ttl(CommandContext ctx, boolean ms, boolean absolute) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    if (ks.peek(key, now) == null) {
      ctx.reply().integer(-2);
      return;
    }
    long expireAt = ks.expireAt(key);
    if (expireAt == -1) {
      ctx.reply().integer(-1);
      return;
    }
    long t = Math.max(absolute ? expireAt : expireAt - now, 0);
    // seconds rounded to the nearest, without overflowing near Long.MAX_VALUE
    ctx.reply().integer(ms ? t : t / 1000 + (t % 1000 + 500) / 1000);
  }

  static void persist(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    if (ks.write(key, ctx.nowMs()) != null && ks.removeExpire(key)) {
      ks.signalModified(key);
      ctx.reply().integer(1);
    } else {
      ctx.reply().integer(0);
    }
  }

  // ---- whole keyspace ----------------------------------------------------------------------------

  /** KEYS pattern: every live key that matches, across all shards; expired keys are skipped, not deleted. */
  static void keys(CommandContext ctx) {
    byte[] pattern = ctx.arg(1);
    boolean all = pattern.length == 1 && pattern[0] == '*';
    long now = ctx.nowMs();
    Database db = ctx.db();
    List<byte[]> found = new ArrayList<>();
    for (int s = 0; s < db.shardCount(); s++) {
      Keyspace ks = db.shard(s);
      ks.forEach(node -> {
        byte[] key = node.key();
        if (!all && !Glob.matches(pattern, key)) {
          return;
        }
        long expireAt = ks.expiresSize() == 0 ? -1 : ks.expireAt(key);
        if (expireAt == -1 || expireAt > now) {
          found.add(key);
        }
      });
    }
    Reply reply = ctx.reply();
    reply.array(found.size());
    for (byte[] key : found) {
      reply.bulk(key);
    }
  }

  /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]; see the class comment for cursors. */
  static void scan(CommandContext ctx) {
    long cursor = parseCursor(ctx.arg(1));
    long count = SCAN_DEFAULT_COUNT;
    byte[] pattern = null;
    String typeName = null;
    for (int i = 2; i < ctx.argc(); i += 2) {
      boolean hasValue = i + 1 < ctx.argc();
      if (hasValue && ctx.argIs(i, "COUNT")) {
        count = ctx.argLong(i + 1);
        if (count < 1) {
          throw Errors.syntax();
        }
      } else if (hasValue && ctx.argIs(i, "MATCH")) {
        byte[] p = ctx.arg(i + 1);
        pattern = p.length == 1 && p[0] == '*' ? null : p;
      } else if (hasValue && ctx.argIs(i, "TYPE")) {
        typeName = ctx.argString(i + 1);
      } else {
        throw Errors.syntax();
      }
    }
    Database db = ctx.db();
    int shardBits = shardBits(db.shardCount());
    long shardMask = (1L << shardBits) - 1;
    int shard = (int) (cursor & shardMask);
    long dictCursor = cursor >>> shardBits;
    List<byte[]> keys = new ArrayList<>();
    List<Keyspace> owners = new ArrayList<>();
    long next = 0;
    if (shard < db.shardCount()) {
      long steps = count > Long.MAX_VALUE / SCAN_STEPS_PER_ELEMENT ? Long.MAX_VALUE : count * SCAN_STEPS_PER_ELEMENT;
      boolean done = false;
      do {
        Keyspace ks = db.shard(shard);
        dictCursor = ks.scan(dictCursor, node -> {
          keys.add(node.key());
          owners.add(ks);
        });
        if (dictCursor == 0 && ++shard == db.shardCount()) {
          done = true;
        }
      } while (!done && --steps > 0 && keys.size() < count);
      next = done ? 0 : dictCursor << shardBits | shard;
    }
    long now = ctx.nowMs();
    List<byte[]> out = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = keys.get(i);
      if (pattern != null && !Glob.matches(pattern, key)) {
        continue;
      }
      ByteDict.Node<Object> node = owners.get(i).liveNode(key, now); // deletes it when expired
      if (node == null) {
        continue;
      }
      if (typeName != null && !ValueType.of(node.value()).redisName().equalsIgnoreCase(typeName)) {
        continue;
      }
      out.add(key);
    }
    Reply reply = ctx.reply();
    reply.array(2);
    reply.bulk(Long.toUnsignedString(next));
    reply.array(out.size());
    for (byte[] key : out) {
      reply.bulk(key);
    }
  }

  /** Bits needed to hold every shard index (0 for one shard). */
  static int shardBits(int shardCount) {
    return shardCount <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(shardCount - 1);
  }

  /**
   * A SCAN cursor as C's {@code strtoul} reads it, with Redis's checks: no leading space, the
   * whole text a decimal number (an optional sign; '-' wraps around), no overflow of 64 bits.
   * The text ends at a NUL byte, as a C string does; an empty text is cursor 0.
   */
  static long parseCursor(byte[] b) {
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    if (end == 0) {
      return 0;
    }
    CommandException invalid = new CommandException("ERR invalid cursor");
    int i = 0;
    boolean negative = false;
    if (b[0] == '+' || b[0] == '-') {
      negative = b[0] == '-';
      i = 1;
    }
    if (i == end) {
      throw invalid;
    }
    long v = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw invalid;
      }
      // v * 10 + d must stay below 2^64, compared unsigned
      if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
        throw invalid;
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  static void randomkey(CommandContext ctx) {
    Database db = ctx.db();
    long now = ctx.nowMs();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int round = 0; round < RANDOMKEY_MAX_ROUNDS; round++) {
      long total = 0;
      for (int s = 0; s < db.shardCount(); s++) {
        total += db.shard(s).size();
      }
      if (total == 0) {
        break;
      }
      long pick = random.nextLong(total);
      int s = 0;
      while (pick >= db.shard(s).size()) {
        pick -= db.shard(s).size();
        s++;
      }
      Keyspace ks = db.shard(s);
      byte[] key = ks.randomKey(now);
      if (key != null && ks.exists(key, now)) {
        ctx.reply().bulk(key);
        return;
      }
    }
    ctx.reply().nullBulk();
  }

  static void dbsize(CommandContext ctx) {
    Database db = ctx.db();
    long total = 0;
    for (int s = 0; s < db.shardCount(); s++) {
      total += db.shard(s).size();
    }
    ctx.reply().integer(total);
  }

  /** FLUSHDB and FLUSHALL [ASYNC | SYNC]: Tide has one database, and frees memory through the GC either way. */
  static void flush(CommandContext ctx) {
    if (ctx.argc() > 2 || ctx.argc() == 2 && !ctx.argIs(1, "ASYNC") && !ctx.argIs(1, "SYNC")) {
      throw Errors.syntax();
    }
    Database db = ctx.db();
    for (int s = 0; s < db.shardCount(); s++) {
      db.shard(s).flush();
    }
    ctx.reply().ok();
  }

  // ---- OBJECT ------------------------------------------------------------------------------------

  private static int[] objectKeys(byte[][] argv) {
    if (argv.length == 3 && isObjectKeySubcommand(argv[1])) {
      return new int[] {2};
    }
    return new int[0];
  }

  private static boolean isObjectKeySubcommand(byte[] sub) {
    return Args.is(sub, "ENCODING") || Args.is(sub, "FREQ") || Args.is(sub, "IDLETIME") || Args.is(sub, "REFCOUNT");
  }

  /** OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT key, OBJECT HELP. Looking does not touch the key. */
  static void object(CommandContext ctx) {
    byte[] sub = ctx.arg(1);
    if (Args.is(sub, "HELP")) {
      if (ctx.argc() != 2) {
        throw new CommandException(Errors.wrongArity("object|help"));
      }
      ctx.reply().array(OBJECT_HELP.length);
      for (String line : OBJECT_HELP) {
        ctx.reply().simple(line);
      }
      return;
    }
    if (!isObjectKeySubcommand(sub)) {
      throw new CommandException("ERR unknown subcommand '" + ctx.argString(1) + "'. Try OBJECT HELP.");
    }
    String name = ctx.argString(1).toLowerCase(Locale.ROOT);
    if (ctx.argc() != 3) {
      throw new CommandException(Errors.wrongArity("object|" + name));
    }
    byte[] key = ctx.arg(2);
    Keyspace ks = ctx.keyspace(key);
    long now = ctx.nowMs();
    ByteDict.Node<Object> node = ks.liveNode(key, now);
    if (node == null) {
      ctx.reply().nullBulk();
      return;
    }
    Object value = node.value();
    EngineConfig config = ctx.db().config();
    switch (name) {
      case "encoding" -> ctx.reply().bulk(value instanceof byte[] b
          ? StringEncoding.encoding(b, StringEncoding.flags(node))
          : ((CollectionValue) value).encoding());
      case "refcount" -> ctx.reply().integer(value instanceof byte[] b
          ? StringEncoding.refcount(b, StringEncoding.flags(node), config)
          : 1);
      case "freq" -> {
        if (!config.maxmemoryPolicy.isLfu()) {
          throw new CommandException("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
              + "Please note that when switching between policies at runtime LRU and LFU data will take some time "
              + "to adjust.");
        }
        ctx.reply().integer(ks.access().frequency(node.meta, now));
      }
      default -> { // idletime
        if (config.maxmemoryPolicy.isLfu()) {
          throw new CommandException("ERR An LFU maxmemory policy is selected, idle time not tracked. "
              + "Please note that when switching between policies at runtime LRU and LFU data will take some time "
              + "to adjust.");
        }
        ctx.reply().integer(AccessTracker.idleMs(node.meta, now) / 1000);
      }
    }
  }
}
