package dev.tide.server.commands;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.server.TideServer;
import dev.tide.server.info.ServerInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Server commands: INFO and TIME here, CONFIG in {@link ConfigCommands}, COMMAND in
 * {@link CommandCommands}. Also starts the sampling INFO's instantaneous figures need.
 */
public final class AdminCommands {

  private AdminCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    ServerInfo info = new ServerInfo(server);
    server.addPeriodicTask(() -> info.tick(server.now()));
    table.register(CommandSpec.builder("info", -1, "loading stale connection").group("server")
        .summary("Returns information and statistics about the server.").acl("@slow", "@dangerous")
        .impl(ctx -> info(ctx, info)));
    table.register(CommandSpec.builder("time", 1, "loading stale fast connection").group("server").since("2.6.0")
        .summary("Returns the server time.").acl("@fast").impl(AdminCommands::time));
    ConfigCommands.register(table, server, info);
    CommandCommands.register(table);
  }

  /** INFO [section ...]: a bulk string in RESP2, a verbatim "txt" string in RESP3. */
  static void info(CommandContext ctx, ServerInfo info) {
    List<String> sections = new ArrayList<>();
    for (int i = 1; i < ctx.argc(); i++) {
      sections.add(ctx.argString(i));
    }
    ctx.reply().verbatim("txt", info.render(sections, ctx.nowMs()));
  }

  /** TIME: seconds and microseconds, as two bulk strings. The clock has millisecond resolution. */
  static void time(CommandContext ctx) {
    long nowMs = ctx.nowMs();
    ctx.reply().array(2);
    ctx.reply().bulk(Long.toString(Math.floorDiv(nowMs, 1000)));
    ctx.reply().bulk(Long.toString(Math.floorMod(nowMs, 1000) * 1000));
  }
}
