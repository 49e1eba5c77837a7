package dev.tide.server.commands;

import dev.tide.engine.command.CommandTable;
import dev.tide.server.TideServer;

/** MULTI EXEC DISCARD WATCH UNWATCH. */
public final class TransactionCommands {

  private TransactionCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    // filled in by the family's implementation
  }
}
