package dev.tide.server.commands;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.server.TideServer;
import dev.tide.server.connection.ClientConnection;

/** Connection commands: PING ECHO QUIT (TODO: HELLO AUTH SELECT CLIENT RESET). */
public final class ConnectionCommands {

  private ConnectionCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    table.register(CommandSpec.builder("ping", -1, "fast connection").group("connection")
        .summary("Returns the server's liveliness response.").acl("@fast", "@connection")
        .impl(ConnectionCommands::ping));
    table.register(CommandSpec.builder("echo", 2, "fast connection").group("connection")
        .summary("Returns the given string.").acl("@fast", "@connection").impl(ctx -> ctx.reply().bulk(ctx.arg(1))));
    table.register(CommandSpec.builder("quit", -1, "no_auth fast connection allow_busy").group("connection")
        .summary("Closes the connection.").acl("@fast", "@connection").impl(ctx -> {
          ctx.reply().ok();
          ((ClientConnection) ctx.session()).closeAfterReply();
        }));
  }

  static void ping(CommandContext ctx) {
    if (ctx.argc() > 2) {
      ctx.reply().error("ERR wrong number of arguments for 'ping' command");
      return;
    }
    ClientConnection conn = (ClientConnection) ctx.session();
    if (conn.subscriptionCount() > 0 && conn.protocol() == 2) {
      ctx.reply().array(2);
      ctx.reply().bulk("pong");
      ctx.reply().bulk(ctx.argc() == 2 ? ctx.arg(1) : new byte[0]);
      return;
    }
    if (ctx.argc() == 2) {
      ctx.reply().bulk(ctx.arg(1));
    } else {
      ctx.reply().simple("PONG");
    }
  }
}
