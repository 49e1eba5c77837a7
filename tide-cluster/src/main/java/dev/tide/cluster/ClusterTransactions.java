package dev.tide.cluster;

import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Batch;
import dev.tide.cluster.raft.Partition;
import dev.tide.engine.command.CommandFlag;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.slots.Slots;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.server.commands.TransactionCommands;
import dev.tide.server.connection.ClientConnection;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH in cluster mode, with single-node semantics within a slot.
 *
 * <p><b>Queueing</b> ({@link #checkQueued}): as Redis Cluster checks each command before it
 * queues it, a command whose keys span slots gets CROSSSLOT, and one whose slot this node does not
 * lead gets MOVED (or TRYAGAIN); either flags the transaction, so EXEC answers EXECABORT. MULTI,
 * DISCARD and UNWATCH are the single-node commands (they only touch the connection).
 *
 * <p><b>EXEC</b> ({@link #exec}), in Redis Cluster's order: the queued commands' keys must all
 * hash to one slot (else CROSSSLOT, and the transaction is discarded); then a flagged transaction
 * answers EXECABORT; then, if this node no longer leads the slot's partition, MOVED (discarded, as
 * Redis discards a transaction whose EXEC is redirected). Otherwise the commands with keys become
 * one log record ({@link Batch.Transaction}) that every replica applies with nothing between its
 * commands; commands without keys (PING, ECHO, PUBLISH ...) run on this node when the record's
 * outcome is known, each reply in its place in EXEC's array. A transaction whose commands only
 * read runs on the leader after a ReadIndex under the partition's lock, without a log entry. A
 * transaction with no keyed command and no watched key runs entirely on this node.
 *
 * <p><b>WATCH</b> runs on the leader of its keys' partition after a ReadIndex and records, per
 * key, the partition's applied index, and whether the key was live and its expiry time; EXEC's
 * record carries these, and each replica aborts the transaction if a watched key changed since
 * (see {@code raft.ModificationLog}) — the same decision everywhere. Watched keys must be in the
 * transaction's partition (Redis: on the same node); otherwise EXEC answers CROSSSLOT.
 * Leadership lost between WATCH and EXEC: EXEC gets MOVED (or TRYAGAIN) and the transaction is
 * discarded; the watch itself stays valid across a leader change because it is an index in the
 * replicated log, not leader memory.
 *
 * <p><b>Not supported inside MULTI</b> in cluster mode: commands over the whole keyspace (KEYS,
 * SCAN, DBSIZE, RANDOMKEY, FLUSHALL, FLUSHDB), which a node answers from several partitions.
 */
final class ClusterTransactions {

  private final ClusterNode node;
  private final ClusterPubSub pubSub;

  ClusterTransactions(ClusterNode node, ClusterPubSub pubSub) {
    this.node = node;
    this.pubSub = pubSub;
  }

  /** What a cluster connection WATCHes, kept in {@link ClientConnection#watchState()}. Event loop only. */
  static final class Watches {
    final List<Batch.WatchedKey> keys = new ArrayList<>();
    final List<Integer> partitions = new ArrayList<>();

    static Watches of(ClientConnection conn) {
      if (conn.watchState() instanceof Watches w) {
        return w;
      }
      Watches w = new Watches();
      conn.setWatchState(w);
      return w;
    }
  }

  /** WATCH, routed to the leader of its keys' partition (keys already checked for one slot). */
  void watch(ClientConnection conn, Partition part, byte[][] argv) {
    part.watch(conn, argv, watched -> {
      Watches w = Watches.of(conn);
      for (Batch.WatchedKey k : watched) {
        w.keys.add(k);
        w.partitions.add(part.id());
      }
    });
  }

  /** Refuses a command about to be queued inside MULTI (an error text), or lets it queue (null). */
  String checkQueued(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    if (spec.has(CommandFlag.ALL_SHARDS)) {
      return "ERR " + spec.name().toUpperCase(Locale.ROOT) + " is not supported inside MULTI in Tide cluster mode";
    }
    int slot = ClusterRouter.slotOf(spec, argv);
    if (slot == ClusterRouter.CROSS) {
      return ClusterRouter.CROSSSLOT;
    }
    if (slot < 0) {
      return null;
    }
    int p = node.map().partitionOf(slot);
    Partition part = node.partition(p);
    if (part == null || !part.isLeader()) {
      return redirect(slot, p);
    }
    return null;
  }

  /** MOVED to the partition's leader, or TRYAGAIN while it has none. */
  String redirect(int slot, int p) {
    Member leader = node.leaderOf(p);
    if (leader == null || leader.id().equals(node.self().id())) {
      return ClusterRouter.NO_LEADER;
    }
    return "MOVED " + slot + " " + leader.clientAddress();
  }

  /**
   * EXEC. Returns false to let the single-node command answer (no MULTI: an error; a flagged
   * transaction: EXECABORT); true when it answered or will answer through the connection.
   */
  boolean exec(ClientConnection conn) {
    if (!conn.inMulti()) {
      return false;
    }
    List<byte[][]> queue = new ArrayList<>(conn.multiQueue());
    List<CommandSpec> specs = new ArrayList<>(queue.size());
    boolean[] keyed = new boolean[queue.size()];
    int slot = -1;
    for (int i = 0; i < queue.size(); i++) {
      byte[][] argv = queue.get(i);
      CommandSpec spec = ClusterRouter.resolve(node.server().table(), argv);
      specs.add(spec);
      int s = ClusterRouter.slotOf(spec, argv);
      if (s == ClusterRouter.CROSS || s >= 0 && slot >= 0 && s != slot) {
        discard(conn);
        conn.writer().error(ClusterRouter.CROSSSLOT);
        return true;
      }
      if (s >= 0) {
        slot = s;
        keyed[i] = true;
      }
    }
    if (conn.multiDirty()) {
      return false;
    }
    Watches watches = conn.watchState() instanceof Watches w && !w.keys.isEmpty() ? w : null;
    int p;
    if (slot >= 0) {
      p = node.map().partitionOf(slot);
    } else if (watches != null) {
      p = watches.partitions.get(0);
      slot = Slots.slot(watches.keys.get(0).key());
    } else {
      runHere(conn, queue, specs);
      return true;
    }
    if (watches != null) {
      for (int wp : watches.partitions) {
        if (wp != p) {
          discard(conn);
          conn.writer().error(ClusterRouter.CROSSSLOT);
          return true;
        }
      }
    }
    Partition part = node.partition(p);
    if (part == null || !part.isLeader()) {
      discard(conn);
      conn.writer().error(redirect(slot, p));
      return true;
    }
    List<byte[][]> commands = new ArrayList<>();
    List<CommandSpec> commandSpecs = new ArrayList<>();
    boolean readOnly = true;
    for (int i = 0; i < queue.size(); i++) {
      if (keyed[i]) {
        commands.add(queue.get(i));
        commandSpecs.add(specs.get(i));
        readOnly &= !specs.get(i).has(CommandFlag.WRITE);
      }
    }
    List<Batch.WatchedKey> watched = watches == null ? List.of() : List.copyOf(watches.keys);
    conn.multiQueue().clear();
    conn.setWatchState(null); // the transaction's own writes to watched keys must not matter
    Partition.TransactionOutcome outcome = (error, aborted, replies) -> finish(conn, queue, specs, keyed,
        error, aborted, replies);
    if (readOnly) {
      part.readTransaction(conn, commands, commandSpecs, watched, outcome);
    } else {
      part.proposeTransaction(conn, commands, watched, outcome);
    }
    return true;
  }

  /** Writes EXEC's reply once the record's outcome is known, running keyless commands in their places. */
  private void finish(ClientConnection conn, List<byte[][]> queue, List<CommandSpec> specs, boolean[] keyed,
                      String error, boolean aborted, ByteBuf[] replies) {
    RespReplyWriter w = conn.writer();
    try {
      if (error != null) {
        w.error(error);
      } else if (aborted) {
        w.nullArray();
      } else {
        w.array(queue.size());
        int j = 0;
        for (int i = 0; i < queue.size(); i++) {
          if (keyed[i]) {
            w.buffer().writeBytes(replies[j++]);
          } else {
            runKeyless(conn, specs.get(i), queue.get(i));
          }
        }
      }
    } finally {
      if (replies != null) {
        for (ByteBuf b : replies) {
          if (b != null && b.refCnt() > 0) {
            b.release();
          }
        }
      }
      discard(conn);
    }
  }

  /** A transaction without keys or watches: every command runs on this node, in order. */
  private void runHere(ClientConnection conn, List<byte[][]> queue, List<CommandSpec> specs) {
    conn.multiQueue().clear();
    try {
      conn.writer().array(queue.size());
      for (int i = 0; i < queue.size(); i++) {
        runKeyless(conn, specs.get(i), queue.get(i));
      }
    } finally {
      discard(conn);
    }
  }

  /** Runs a keyless command of a transaction on this node (the connection is still in MULTI). */
  private void runKeyless(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    node.server().executor().run(conn, spec, argv, conn.writer(), false);
    pubSub.afterCommand(spec, argv);
  }

  private void discard(ClientConnection conn) {
    TransactionCommands.reset(conn, node.server().db());
  }
}
