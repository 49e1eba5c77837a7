package dev.tide.cluster.raft;

import com.alipay.sofa.jraft.Status;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.Session;
import dev.tide.protocol.Reply;

/**
 * A record this leader proposed, and what happens when it is applied: where the state machine
 * writes its reply, as which session it runs, and who hears the outcome.
 *
 * <p>Threads: {@link #replyFor}, {@link #session}, {@link #applied} and {@link #aborted} are
 * called on the partition's FSM thread while it applies the record, with the partition's keyspace
 * lock held; {@link #completed} once, after the whole entry was applied (OK) or when it will not
 * be applied by this leader (an error status), on a JRaft thread.
 */
abstract class Proposal {

  final Batch.Record record;
  final int encodedBytes;

  Proposal(Batch.Record record) {
    this.record = record;
    this.encodedBytes = record.encodedSize();
  }

  /** Where the reply of command {@code i} of the record goes (0 for a single command). */
  abstract Reply replyFor(int i);

  /** The session commands of the record run as. */
  abstract Session session();

  /**
   * A command record was applied. {@code blocked}: a blocking command found nothing to pop and
   * wrote no reply; {@code ctx} still describes its wish to block (keys, deadline).
   */
  void applied(boolean blocked, CommandContext ctx) {
  }

  /** A transaction record was not applied because a watched key changed. */
  void aborted() {
  }

  /**
   * The record was never appended to the log (JRaft refused it: EBUSY), so it had no effect:
   * a client's plain command may be handed to {@code reroute} to run where the leader is now.
   * Returns true when it was (then {@link #completed} is not called), false to hear the error.
   */
  boolean reroute(java.util.function.BiConsumer<dev.tide.server.connection.ClientConnection, byte[][]> reroute) {
    return false;
  }

  /** The entry holding the record was applied (OK), or will not be by this leader. */
  abstract void completed(Status status);
}
