package dev.tide.engine.commands.strings;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.ValueType;

/**
 * The string command family: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX INCR
 * DECR INCRBY DECRBY INCRBYFLOAT APPEND STRLEN GETRANGE SETRANGE.
 */
public final class StringsCommands {

  private StringsCommands() {
  }

  public static void register(CommandTable table) {
    table.register(CommandSpec.builder("get", 2, "readonly fast").keys(1, 1, 1).group("string")
        .summary("Returns the string value of a key.").acl("@read", "@string", "@fast").impl(StringsCommands::get));
    table.register(CommandSpec.builder("set", -3, "write denyoom").keys(1, 1, 1).group("string")
        .summary("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")
        .acl("@write", "@string", "@slow").impl(StringsCommands::set));
  }

  static void get(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    byte[] value = ctx.keyspace(key).read(key, ValueType.STRING, ctx.nowMs());
    if (value == null) {
      ctx.reply().nullBulk();
    } else {
      ctx.reply().bulk(value);
    }
  }

  // TODO(strings): EX PX EXAT PXAT NX XX KEEPTTL GET options
  static void set(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    ks.set(key, ctx.arg(2), false, ctx.nowMs());
    ctx.reply().ok();
  }
}
