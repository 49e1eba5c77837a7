package dev.tide.server.commands;

import dev.tide.engine.command.CommandTable;
import dev.tide.server.TideServer;

/** SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB. */
public final class PubSubCommands {

  private PubSubCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    // filled in by the family's implementation
  }
}
