package dev.tide.server.commands;

import dev.tide.engine.command.CommandTable;
import dev.tide.server.TideServer;

/** Registers the commands that work on connections and the server rather than on keys. */
public final class ServerCommands {

  private ServerCommands() {
  }

  public static void registerAll(CommandTable table, TideServer server) {
    ConnectionCommands.register(table, server);
    TransactionCommands.register(table, server);
    PubSubCommands.register(table, server);
    AdminCommands.register(table, server);
    DebugCommands.register(table, server);
  }
}
