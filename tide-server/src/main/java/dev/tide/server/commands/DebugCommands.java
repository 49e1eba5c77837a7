package dev.tide.server.commands;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.Memory;
import dev.tide.server.TideServer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * DEBUG, the subset Tide needs for benchmarks and tests: {@code DEBUG POPULATE count [prefix]
 * [size]} (Redis's semantics: keys {@code prefix:N}, values {@code value:N} cut or zero-padded to
 * {@code size}, existing keys left alone) and {@code DEBUG HELP}.
 *
 * <p>Unlike Redis 7.0, Tide does not gate DEBUG behind {@code enable-debug-command}: the only
 * subcommand is POPULATE, which is bounded (see {@link #populate}) and cannot crash the server.
 * It is flagged {@code admin}, so ACLs can deny it.
 */
public final class DebugCommands {

  /** Redis's error for a bad count or size. */
  static final String NOT_POSITIVE = "ERR value is out of range, must be positive";
  /** Share of the free heap one POPULATE may claim, so it cannot drive the JVM out of memory. */
  static final double POPULATE_MAX_HEAP_SHARE = 0.9;

  private DebugCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    table.register(CommandSpec.builder("debug", -2, "admin noscript loading stale all_shards").group("server")
        .summary("A container for debugging commands.").acl("@admin", "@slow", "@dangerous")
        .impl(DebugCommands::debug));
  }

  static void debug(CommandContext ctx) {
    String sub = ctx.argString(1);
    if (Args.is(ctx.arg(1), "populate") && ctx.argc() >= 3 && ctx.argc() <= 5) {
      populate(ctx);
    } else if (Args.is(ctx.arg(1), "help") && ctx.argc() == 2) {
      String[] lines = {
          "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "POPULATE <count> [<prefix>] [<size>]",
          "    Create <count> string keys named key:<num>. If <prefix> is specified then",
          "    it is used instead of the 'key' prefix. These are not propagated to",
          "    replicas. Cluster slots are not respected so keys not belonging to the",
          "    current node can be created in cluster mode.",
          "HELP",
          "    Print this help."};
      ctx.reply().array(lines.length);
      for (String l : lines) {
        ctx.reply().simple(l);
      }
    } else {
      throw new CommandException("ERR unknown subcommand or wrong number of arguments for '" + sub
          + "'. Try DEBUG HELP.");
    }
  }

  /**
   * Creates {@code count} keys. Runs with every shard locked (the command is {@code all_shards}),
   * as Redis runs it on its one thread. Refused up front when the keys would not fit in the
   * free heap, instead of letting the JVM run out of memory part-way.
   */
  static void populate(CommandContext ctx) {
    long count = positive(ctx.arg(2));
    byte[] prefix = ctx.argc() > 3 ? ctx.arg(3) : "key".getBytes(StandardCharsets.US_ASCII);
    long size = ctx.argc() > 4 ? positive(ctx.arg(4)) : 0;
    int digits = Long.toString(Math.max(0, count - 1)).length();
    long valueLength = size == 0 ? "value:".length() + digits : size;
    // What each key will hold: node, key and value arrays, and its share of the dict table.
    long perKey = Memory.DICT_NODE + Memory.bytes(prefix.length + 1 + digits)
        + Memory.bytes((int) Math.min(valueLength, Integer.MAX_VALUE - 64)) + 2L * Memory.REFERENCE;
    Runtime rt = Runtime.getRuntime();
    long freeHeap = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (size > Integer.MAX_VALUE - 64 || count > (long) (freeHeap * POPULATE_MAX_HEAP_SHARE) / perKey) {
      long neededMb = (long) ((double) count * perKey / (1 << 20));
      throw new CommandException("ERR DEBUG POPULATE would need about " + neededMb + " MB of heap, more than the "
          + (freeHeap >> 20) + " MB free");
    }
    long now = ctx.nowMs();
    byte[] keyBuf = Arrays.copyOf(prefix, prefix.length + 21);
    keyBuf[prefix.length] = ':';
    for (long j = 0; j < count; j++) {
      byte[] num = Long.toString(j).getBytes(StandardCharsets.US_ASCII);
      byte[] key = Arrays.copyOf(keyBuf, prefix.length + 1 + num.length);
      System.arraycopy(num, 0, key, prefix.length + 1, num.length);
      Keyspace ks = ctx.keyspace(key);
      if (ks.exists(key, now)) {
        continue;
      }
      byte[] text = ("value:" + j).getBytes(StandardCharsets.US_ASCII);
      byte[] value = size == 0 ? text : Arrays.copyOf(text, (int) size); // zero-padded or cut, as Redis
      ks.add(key, value, now);
    }
    ctx.reply().ok();
  }

  private static long positive(byte[] arg) {
    long[] out = new long[1];
    if (!Args.tryParseLong(arg, out) || out[0] < 0 || (out[0] == 0 && arg[0] == '-')) {
      throw new CommandException(NOT_POSITIVE);
    }
    return out[0];
  }
}
