package dev.tide.engine.command;

/** Command flags: Redis's, as COMMAND INFO reports them, plus Tide's own execution hints. */
public enum CommandFlag {
  WRITE("write"),
  READONLY("readonly"),
  DENYOOM("denyoom"),
  ADMIN("admin"),
  PUBSUB("pubsub"),
  NOSCRIPT("noscript"),
  BLOCKING("blocking"),
  LOADING("loading"),
  STALE("stale"),
  FAST("fast"),
  NO_AUTH("no_auth"),
  NO_MULTI("no_multi"),
  ALLOW_BUSY("allow_busy"),
  /** Tide: the command reads or changes every shard (KEYS, DBSIZE, FLUSHALL, ...): lock them all. */
  ALL_SHARDS(null),
  /** Tide: the command works on connection state and takes no shard locks (PING, CLIENT, MULTI ...). */
  CONNECTION(null);

  private final String redisName;

  CommandFlag(String redisName) {
    this.redisName = redisName;
  }

  /** The flag's name in COMMAND INFO, or null for Tide-internal flags. */
  public String redisName() {
    return redisName;
  }
}
