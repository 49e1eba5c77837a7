package dev.tide.engine.commands.sortedsets;

import dev.tide.engine.command.CommandTable;

/** The sortedsets command family: ZADD ZREM ZSCORE ZMSCORE ZINCRBY ZCARD ZCOUNT ZRANK ZREVRANK ZRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREMRANGEBYSCORE ZREMRANGEBYRANK ZPOPMIN ZPOPMAX BZPOPMIN BZPOPMAX ZSCAN. */
public final class SortedSetsCommands {

  private SortedSetsCommands() {
  }

  public static void register(CommandTable table) {
    // filled in by the family's implementation
  }
}
