package dev.tide.cluster.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import dev.tide.engine.command.Session;
import dev.tide.protocol.Reply;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.server.connection.ClientConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The clients waiting on one proposed batch, in the batch's order. Applying the entry writes
 * each command's reply into that command's buffer; {@link #run} then hands every reply to its
 * connection's event loop. When the entry cannot be committed by this leader (it lost
 * leadership, the node stops), each client gets TRYAGAIN: its write was not acknowledged (it
 * may still be applied if a later leader commits the entry; docs/cluster.md).
 */
final class BatchClosure implements Closure {

  /** A client command waiting for its batch to be applied. */
  static final class Pending {
    final ClientConnection conn;
    final byte[][] argv;
    final int encodedBytes;
    ByteBuf out;
    RespReplyWriter writer;

    Pending(ClientConnection conn, byte[][] argv) {
      this.conn = conn;
      this.argv = argv;
      this.encodedBytes = Batch.encodedSize(argv);
    }
  }

  static final String NOT_COMMITTED = "TRYAGAIN The write was not committed (partition leadership changed); retry";

  private final List<Pending> pending;
  private final BiConsumer<ClientConnection, byte[][]> notAppended;

  BatchClosure(List<Pending> pending, BiConsumer<ClientConnection, byte[][]> notAppended) {
    this.pending = pending;
    this.notAppended = notAppended;
  }

  int size() {
    return pending.size();
  }

  Reply replyFor(int i) {
    Pending p = pending.get(i);
    if (p.out == null) {
      p.out = Unpooled.buffer(64);
      p.writer = new RespReplyWriter(p.out, p.conn.protocol());
    }
    return p.writer;
  }

  Session sessionFor(int i) {
    return pending.get(i).conn;
  }

  @Override
  public void run(Status status) {
    // EBUSY: JRaft refused the entry while transferring leadership (or the partition found it no
    // longer leads before proposing): nothing was appended, so the writes may go to the new leader.
    if (!status.isOk() && status.getRaftError() == RaftError.EBUSY && notAppended != null) {
      for (Pending p : pending) {
        if (p.out != null) {
          p.out.release();
          p.out = null;
        }
        notAppended.accept(p.conn, p.argv);
      }
      return;
    }
    for (Pending p : pending) {
      if (status.isOk() && p.out != null) {
        deliver(p.conn, p.out);
      } else {
        if (p.out != null) {
          p.out.release();
        }
        ByteBuf err = Unpooled.buffer(96);
        new RespReplyWriter(err, 2).error(NOT_COMMITTED);
        deliver(p.conn, err);
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
}
