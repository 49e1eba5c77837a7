package dev.tide.engine.commands.lists;

import dev.tide.engine.command.CommandTable;

/** The lists command family: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LREM LTRIM LINSERT LPOS LMOVE BLPOP BRPOP BLMOVE. */
public final class ListsCommands {

  private ListsCommands() {
  }

  public static void register(CommandTable table) {
    // filled in by the family's implementation
  }
}
