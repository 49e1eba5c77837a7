package dev.tide.server.dispatch;

import dev.tide.engine.command.CommandSpec;
import dev.tide.protocol.Reply;
import dev.tide.server.connection.ClientConnection;

import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * A connection parked by a blocking command (BLPOP, BLMOVE, BZPOPMIN, ...).
 *
 * <p>It sits in the FIFO queue of every key it waits on, in that key's shard. {@link #done} is
 * read and written only with the locks of all those shards held, which makes "served", "timed
 * out" and "client gone" mutually exclusive: whoever sets it first owns the outcome.
 */
final class BlockedClient {

  final ClientConnection connection;
  final CommandSpec spec;
  final byte[][] argv;
  final byte[][] keys;
  final long deadlineMs;
  final Consumer<Reply> timeoutReply;
  /** Guarded by the locks of the shards of {@link #keys}. */
  boolean done;
  ScheduledFuture<?> timeoutTask;

  BlockedClient(ClientConnection connection, CommandSpec spec, byte[][] argv, byte[][] keys, long deadlineMs,
                Consumer<Reply> timeoutReply) {
    this.connection = connection;
    this.spec = spec;
    this.argv = argv;
    this.keys = keys;
    this.deadlineMs = deadlineMs;
    this.timeoutReply = timeoutReply;
  }
}
