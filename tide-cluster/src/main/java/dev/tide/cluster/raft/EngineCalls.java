package dev.tide.cluster.raft;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.Session;
import dev.tide.engine.keyspace.Database;
import dev.tide.protocol.Reply;
import dev.tide.protocol.RespReplyWriter;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one engine command against a partition's database, with the single-node executor's error
 * contract: a {@link CommandException} discards any partial reply and replies with its message.
 * The caller holds the lock of the partition's keyspace.
 */
public final class EngineCalls {

  private static final Logger log = LoggerFactory.getLogger(EngineCalls.class);

  private EngineCalls() {
  }

  /** A session for commands replayed on a follower or restored from a snapshot (no client). */
  public static final Session REPLICA_SESSION = new Session() {
    @Override
    public long clientId() {
      return -1;
    }

    @Override
    public int protocol() {
      return 2;
    }

    @Override
    public boolean inTransaction() {
      return false;
    }

    @Override
    public boolean noTouch() {
      return true;
    }
  };

  /** As {@link #REPLICA_SESSION}, inside a transaction (blocking commands answer at once, as in MULTI). */
  public static final Session REPLICA_TX_SESSION = new Session() {
    @Override
    public long clientId() {
      return -1;
    }

    @Override
    public int protocol() {
      return 2;
    }

    @Override
    public boolean inTransaction() {
      return true;
    }

    @Override
    public boolean noTouch() {
      return true;
    }
  };

  /** A client's session as seen by the commands of its transaction: in a transaction, whatever its state. */
  public static Session inTransaction(Session client) {
    return new Session() {
      @Override
      public long clientId() {
        return client.clientId();
      }

      @Override
      public int protocol() {
        return client.protocol();
      }

      @Override
      public boolean inTransaction() {
        return true;
      }

      @Override
      public boolean noTouch() {
        return client.noTouch();
      }
    };
  }

  /** Returns true when the command failed (replied with an error). */
  public static boolean invoke(CommandContext ctx, CommandSpec spec, byte[][] argv, Reply reply, long nowMs,
                               Database db, Session session) {
    return invoke(ctx, spec, argv, reply, nowMs, db, session, false, true);
  }

  /**
   * As {@link #invoke(CommandContext, CommandSpec, byte[][], Reply, long, Database, Session)}, for
   * blocking commands too. A command that asks to block ({@code ctx.blocked()} afterwards) writes
   * no reply; with {@code replyIfBlocked} it gets its timeout reply instead (a blocking command
   * where nobody can wait for it: followers, reads).
   *
   * @param reprocessing the re-run of a blocked command after one of its keys became ready
   */
  public static boolean invoke(CommandContext ctx, CommandSpec spec, byte[][] argv, Reply reply, long nowMs,
                               Database db, Session session, boolean reprocessing, boolean replyIfBlocked) {
    ctx.reset(spec, argv, reply, nowMs, db, session, reprocessing);
    ByteBuf buffer = reply instanceof RespReplyWriter w ? w.buffer() : null;
    int mark = buffer == null ? -1 : buffer.writerIndex();
    try {
      spec.impl().execute(ctx);
      if (ctx.blocked()) {
        if (buffer != null) {
          buffer.writerIndex(mark);
        }
        if (replyIfBlocked) {
          ctx.blockTimeoutReply().accept(reply);
        }
      }
      return false;
    } catch (CommandException e) {
      if (buffer != null) {
        buffer.writerIndex(mark);
      }
      reply.error(e.getMessage());
      return true;
    } catch (RuntimeException | StackOverflowError e) {
      log.error("command {} failed unexpectedly", spec.name(), e);
      if (buffer != null) {
        buffer.writerIndex(mark);
      }
      reply.error("ERR internal error in '" + spec.name() + "': " + e);
      return true;
    }
  }
}
