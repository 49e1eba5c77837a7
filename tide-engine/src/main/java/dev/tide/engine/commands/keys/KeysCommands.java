package dev.tide.engine.commands.keys;

import dev.tide.engine.command.CommandTable;

/** The keys command family: DEL UNLINK EXISTS TYPE RENAME RENAMENX EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST KEYS SCAN RANDOMKEY DBSIZE FLUSHDB FLUSHALL COPY TOUCH OBJECT. */
public final class KeysCommands {

  private KeysCommands() {
  }

  public static void register(CommandTable table) {
    // filled in by the family's implementation
  }
}
