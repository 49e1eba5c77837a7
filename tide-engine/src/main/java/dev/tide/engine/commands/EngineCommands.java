package dev.tide.engine.commands;

import dev.tide.engine.command.CommandTable;
import dev.tide.engine.commands.hashes.HashesCommands;
import dev.tide.engine.commands.keys.KeysCommands;
import dev.tide.engine.commands.lists.ListsCommands;
import dev.tide.engine.commands.sets.SetsCommands;
import dev.tide.engine.commands.sortedsets.SortedSetsCommands;
import dev.tide.engine.commands.strings.StringsCommands;

/** Registers every data command the engine implements. Connection and server commands live in tide-server. */
public final class EngineCommands {

  private EngineCommands() {
  }

  public static void registerAll(CommandTable table) {
    StringsCommands.register(table);
    KeysCommands.register(table);
    HashesCommands.register(table);
    ListsCommands.register(table);
    SetsCommands.register(table);
    SortedSetsCommands.register(table);
  }
}
