package dev.tide.server.commands;

import dev.tide.engine.command.CommandTable;
import dev.tide.server.TideServer;

/** INFO CONFIG COMMAND TIME. */
public final class AdminCommands {

  private AdminCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    // filled in by the family's implementation
  }
}
