package dev.tide.server.commands;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.server.TideServer;
import dev.tide.server.config.ConfigException;
import dev.tide.server.config.Setting;
import dev.tide.server.config.Settings;
import dev.tide.server.info.ServerInfo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The CONFIG container: GET SET RESETSTAT HELP, over the settings table of {@link Settings}.
 *
 * <p>CONFIG SET is all or nothing, as in Redis 7: every name is checked (known, mutable, not
 * given twice), then every value is parsed, and only when all are good are they stored; the
 * running node then follows the new values ({@link TideServer#applySettings()}). Settings are
 * changed under one lock so two concurrent CONFIG SETs cannot interleave.
 */
final class ConfigCommands {

  private ConfigCommands() {
  }

  static void register(CommandTable table, TideServer server, ServerInfo info) {
    String flags = "admin noscript loading stale connection";
    String[] acl = {"@admin", "@slow", "@dangerous"};
    table.register(CommandSpec.builder("config", -2, "connection").group("server").since("2.0.0")
        .summary("A container for server configuration commands.").acl("@slow")
        .subcommands(
            CommandSpec.builder("get", -3, flags).group("server").since("2.0.0")
                .summary("Returns the values of the settings whose names match the patterns.").acl(acl)
                .impl(ctx -> get(ctx, server)),
            CommandSpec.builder("set", -4, flags).group("server").since("2.0.0")
                .summary("Changes settings of the running node.").acl(acl).impl(ctx -> set(ctx, server)),
            CommandSpec.builder("resetstat", 2, flags).group("server").since("2.0.0")
                .summary("Resets the statistics INFO reports.").acl(acl).impl(ctx -> resetStat(ctx, server, info)),
            CommandSpec.builder("help", 2, "loading stale connection").group("server").since("5.0.0")
                .summary("Describes the CONFIG subcommands.").acl("@slow")
                .impl(ctx -> ClientCommands.reply(ctx, HELP))));
  }

  /**
   * CONFIG GET pattern [pattern ...]: a map of name to value, each name once. As in Redis, a glob
   * reports a setting under its name and under each alias it matches.
   */
  static void get(CommandContext ctx, TideServer server) {
    Map<String, Settings.Match> byName = new LinkedHashMap<>();
    for (int i = 2; i < ctx.argc(); i++) {
      for (Settings.Match m : Settings.matching(ctx.argString(i))) {
        byName.putIfAbsent(m.reportedName().toLowerCase(Locale.ROOT), m);
      }
    }
    ctx.reply().map(byName.size());
    synchronized (server.config()) {
      for (Settings.Match m : byName.values()) {
        ctx.reply().bulk(m.reportedName());
        ctx.reply().bulk(m.setting().show(server.config()));
      }
    }
  }

  /** CONFIG SET name value [name value ...]. */
  static void set(CommandContext ctx, TideServer server) {
    if ((ctx.argc() - 2) % 2 != 0) {
      throw Errors.syntax();
    }
    List<Setting<?>> settings = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 2; i < ctx.argc(); i += 2) {
      String given = ctx.argString(i);
      Setting<?> s = Settings.lookup(given);
      if (s == null) {
        throw new CommandException("ERR Unknown option or number of arguments for CONFIG SET - '" + given + "'");
      }
      if (!s.mutable()) {
        throw failed(given, "can't set immutable config");
      }
      if (!seen.add(given.toLowerCase(Locale.ROOT))) {
        throw failed(given, "duplicate parameter");
      }
      settings.add(s);
      names.add(given.toLowerCase(Locale.ROOT));
    }
    synchronized (server.config()) {
      List<Runnable> stores = new ArrayList<>(settings.size());
      for (int k = 0; k < settings.size(); k++) {
        try {
          stores.add(settings.get(k).prepare(server.config(), ctx.argString(3 + 2 * k)));
        } catch (ConfigException e) {
          throw failed(names.get(k), e.getMessage());
        }
      }
      stores.forEach(Runnable::run);
      server.applySettings();
    }
    ctx.reply().ok();
  }

  private static CommandException failed(String name, String reason) {
    return new CommandException("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason);
  }

  /**
   * CONFIG RESETSTAT: command and error statistics, keyspace hits and misses, expired and evicted
   * key counts, connection counters, the memory peak and the ops rate start again.
   */
  static void resetStat(CommandContext ctx, TideServer server, ServerInfo info) {
    server.stats().reset();
    Database db = server.db();
    for (int i = 0; i < db.shardCount(); i++) {
      Keyspace ks = db.shard(i);
      ks.lock().lock();
      try {
        ks.resetStats();
      } finally {
        ks.lock().unlock();
      }
    }
    server.clients().resetStats();
    info.resetStats();
    ctx.reply().ok();
  }

  private static final List<String> HELP = List.of(
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern> [<pattern> ...]",
      "    Return the settings whose names match the glob-like patterns, with their values.",
      "SET <directive> <value> [<directive> <value> ...]",
      "    Change settings; all of them or, on any error, none.",
      "RESETSTAT",
      "    Reset the statistics reported by INFO.",
      "HELP",
      "    Print this help.");
}
