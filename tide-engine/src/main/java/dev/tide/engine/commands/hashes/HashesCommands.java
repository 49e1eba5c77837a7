package dev.tide.engine.commands.hashes;

import dev.tide.engine.command.CommandTable;

/** The hashes command family: HSET HSETNX HGET HMGET HMSET HDEL HLEN HSTRLEN HEXISTS HGETALL HKEYS HVALS HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN. */
public final class HashesCommands {

  private HashesCommands() {
  }

  public static void register(CommandTable table) {
    // filled in by the family's implementation
  }
}
