package dev.tide.cluster.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.server.connection.ClientConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The proposals packed into one entry, in the entry's order. Applying the entry lets each
 * proposal collect its reply ({@link Proposal#replyFor}); {@link #run} then tells each of them
 * the outcome. When the entry cannot be committed by this leader (it lost leadership, the node
 * stops), each learns it from the error status: its write was not acknowledged (it may still be
 * applied if a later leader commits the entry; docs/cluster.md).
 */
final class BatchClosure implements Closure {

  static final String NOT_COMMITTED = "TRYAGAIN The write was not committed (partition leadership changed); retry";

  private final List<Proposal> proposals;
  /** Where client commands go that were never appended (see {@link Partition#onNotAppended}); null: TRYAGAIN. */
  private final BiConsumer<ClientConnection, byte[][]> notAppended;

  BatchClosure(List<Proposal> proposals, BiConsumer<ClientConnection, byte[][]> notAppended) {
    this.proposals = proposals;
    this.notAppended = notAppended;
  }

  int size() {
    return proposals.size();
  }

  Proposal get(int i) {
    return proposals.get(i);
  }

  @Override
  public void run(Status status) {
    // EBUSY: JRaft refused the entry while transferring leadership (or the partition found it no
    // longer leads before proposing): nothing was appended, so client commands may go to the new
    // leader; other proposals hear the error.
    boolean notAppendedAtAll = !status.isOk() && status.getRaftError() == RaftError.EBUSY && notAppended != null;
    for (Proposal p : proposals) {
      if (!(notAppendedAtAll && p.reroute(notAppended))) {
        p.completed(status);
      }
    }
  }

  /** Writes a finished reply on the connection's event loop and lets it run its next request. */
  static void deliver(ClientConnection conn, ByteBuf reply) {
    conn.channel().eventLoop().execute(() -> {
      if (conn.closing() || !conn.channel().isActive()) {
        reply.release();
        return;
      }
      conn.writer().buffer().writeBytes(reply);
      reply.release();
      conn.flush();
      conn.unblocked();
    });
  }

  static ByteBuf errorBuffer(String text) {
    ByteBuf err = Unpooled.buffer(text.length() + 3);
    new RespReplyWriter(err, 2).error(text);
    return err;
  }
}
