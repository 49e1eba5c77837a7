package dev.tide.engine.commands.sets;

import dev.tide.engine.command.CommandTable;

/** The sets command family: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE SINTERCARD SSCAN. */
public final class SetsCommands {

  private SetsCommands() {
  }

  public static void register(CommandTable table) {
    // filled in by the family's implementation
  }
}
