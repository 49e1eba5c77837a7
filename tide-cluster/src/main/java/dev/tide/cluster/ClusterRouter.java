package dev.tide.cluster;

import dev.tide.cluster.raft.Partition;
import dev.tide.engine.command.CommandFlag;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.slots.Slots;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.dispatch.CommandExecutor;

import java.util.concurrent.TimeUnit;

/**
 * Where a command runs in cluster mode (installed into the {@link CommandExecutor}).
 *
 * <ul>
 *   <li>Commands with keys: all keys must hash to one slot (else CROSSSLOT). If this node leads the
 *       slot's partition, writes are proposed to its Raft group (blocking commands through
 *       {@link Partition#proposeBlocking}) and reads go through ReadIndex; otherwise the client
 *       gets {@code MOVED <slot> <host>:<port>} of the leader, or TRYAGAIN while the partition
 *       has no leader. A READONLY connection's reads are served by any replica of the partition
 *       on this node, leader or follower, without a ReadIndex.</li>
 *   <li>Transactions: {@link ClusterTransactions} (queue-time checks, EXEC as one record, WATCH).</li>
 *   <li>Whole-keyspace commands (KEYS, SCAN, DBSIZE, RANDOMKEY, FLUSHALL, FLUSHDB):
 *       {@link ClusterKeyspace}, over the partitions this node leads.</li>
 *   <li>PUBLISH reaches every node; SPUBLISH and SSUBSCRIBE go to a replica of the channel's slot
 *       ({@link ClusterPubSub}).</li>
 *   <li>Other keyless commands (PING, HELLO, CLIENT, CONFIG, INFO, CLUSTER ...) run on this node
 *       as in single-node mode.</li>
 * </ul>
 */
final class ClusterRouter implements CommandExecutor.CommandRouter {

  static final String CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
  static final String NO_LEADER = "TRYAGAIN No leader for this slot yet; retry";
  /** {@link #slotOf} of a command whose keys span slots. */
  static final int CROSS = -2;
  /**
   * Longest a command waits for its partition to have a usable leader: a leadership transfer
   * takes a few ms and a failover ~0.4-1.7 s here (docs/cluster.md); a second covers the first
   * and most of the second while staying well below clients' socket timeouts.
   */
  static final long LEADER_WAIT_MS = 1000;
  /** How often a waiting command re-checks for a leader. */
  static final long LEADER_RETRY_MS = 10;

  private final ClusterNode node;
  private final ClusterTransactions transactions;
  private final ClusterKeyspace keyspace;
  private final ClusterPubSub pubSub;

  ClusterRouter(ClusterNode node, ClusterTransactions transactions, ClusterKeyspace keyspace, ClusterPubSub pubSub) {
    this.node = node;
    this.transactions = transactions;
    this.keyspace = keyspace;
    this.pubSub = pubSub;
  }

  /** The slot all of a command's keys hash to, -1 without keys, {@link #CROSS} when they differ. */
  static int slotOf(CommandSpec spec, byte[][] argv) {
    int[] keys = spec.keyIndexes(argv);
    int slot = -1;
    for (int k : keys) {
      if (k >= argv.length) {
        continue;
      }
      int s = Slots.slot(argv[k]);
      if (slot >= 0 && s != slot) {
        return CROSS;
      }
      slot = s;
    }
    return slot;
  }

  /** A command's spec, resolved to its subcommand for containers (as the executor does). */
  static CommandSpec resolve(CommandTable table, byte[][] argv) {
    CommandSpec spec = table.lookup(argv[0]);
    if (spec != null && spec.hasSubcommands() && argv.length >= 2) {
      CommandSpec sub = spec.subcommand(argv[1]);
      if (sub != null) {
        return sub;
      }
    }
    return spec;
  }

  @Override
  public String checkQueued(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    String error = pubSub.checkShardChannels(spec, argv);
    return error != null ? error : transactions.checkQueued(conn, spec, argv);
  }

  @Override
  public boolean route(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    String name = spec.name();
    switch (name) {
      case "exec" -> {
        return transactions.exec(conn);
      }
      case "watch" -> {
        if (conn.inMulti()) {
          return false; // the single-node command answers "WATCH inside MULTI is not allowed"
        }
      }
      case "publish", "spublish", "ssubscribe" -> {
        String error = pubSub.checkShardChannels(spec, argv);
        if (error != null) {
          conn.writer().error(error);
          return true;
        }
        pubSub.afterCommand(spec, argv);
        return false;
      }
      default -> {
      }
    }
    if (spec.has(CommandFlag.ALL_SHARDS)) {
      if (keyspace.route(conn, spec, argv)) {
        return true;
      }
      conn.writer().error("ERR " + name.toUpperCase(java.util.Locale.ROOT)
          + " over the whole keyspace is not supported in Tide cluster mode");
      return true;
    }
    int slot = slotOf(spec, argv);
    if (slot == CROSS) {
      conn.writer().error(CROSSSLOT);
      return true;
    }
    if (slot < 0) {
      return false;
    }
    routeSlot(conn, spec, argv, slot, 0);
    return true;
  }

  /**
   * Sends a keyed command to its partition: proposes or reads when this node leads it, MOVED to
   * the leader it knows otherwise. While the partition has no usable leader (an election, a
   * leadership transfer, a leader that has not applied its first entry) the client waits,
   * re-checked every {@link #LEADER_RETRY_MS}, for at most {@link #LEADER_WAIT_MS}, then gets
   * TRYAGAIN: a transfer or election here settles well within that, and most cluster clients do
   * not retry TRYAGAIN. Event loop of conn.
   */
  private void routeSlot(ClientConnection conn, CommandSpec spec, byte[][] argv, int slot, long waitedMs) {
    String name = spec.name();
    int p = node.map().partitionOf(slot);
    Partition part = node.partition(p);
    boolean write = spec.has(CommandFlag.WRITE);
    // READONLY: this replica's state, possibly a little stale; not a learner's (the destination of a
    // move, still downloading: its state may be far behind), which redirects like a non-replica
    if (!write && conn.readonlyMode() && part != null && !name.equals("watch")
        && node.map().isReplica(p, node.self())) {
      part.readLocal(conn, spec, argv);
      return;
    }
    if (part == null || !part.isLeader()) {
      String redirect = transactions.redirect(slot, p);
      if (redirect.equals(NO_LEADER) && waitedMs < LEADER_WAIT_MS) {
        conn.markBlocked(spec);
        conn.channel().eventLoop().schedule(() -> resume(conn, spec, argv, slot, waitedMs + LEADER_RETRY_MS),
            LEADER_RETRY_MS, TimeUnit.MILLISECONDS);
        return;
      }
      conn.writer().error(redirect);
      return;
    }
    if (name.equals("watch")) {
      transactions.watch(conn, part, argv);
    } else if (spec.has(CommandFlag.BLOCKING)) {
      part.proposeBlocking(conn, spec, argv);
    } else if (write) {
      part.propose(conn, argv);
    } else {
      part.read(conn, spec, argv);
    }
  }

  /**
   * Event loop of conn: routes a parked command again. The connection stays parked under a fresh
   * token; if routing parked it again (a proposal, a ReadIndex, another wait) that path resumes
   * it later, otherwise the reply written here is flushed and the client resumes now.
   */
  private void resume(ClientConnection conn, CommandSpec spec, byte[][] argv, int slot, long waitedMs) {
    if (conn.closing() || !conn.channel().isActive()) {
      return;
    }
    Object token = new Object();
    conn.markBlocked(token);
    routeSlot(conn, spec, argv, slot, waitedMs);
    if (conn.isBlocked() && conn.blockedState() == token) {
      conn.flush();
      conn.unblocked();
    }
  }

  /**
   * A command the partition handed back unexecuted (a write it did not append because leadership
   * was being transferred or had just been lost; a read whose ReadIndex failed): it had no effect,
   * so it is routed again, to the new leader, after {@link #LEADER_RETRY_MS} (which also bounds
   * the rate should JRaft keep refusing). The connection is still parked. Any thread.
   */
  void reroute(ClientConnection conn, byte[][] argv) {
    conn.channel().eventLoop().schedule(() -> {
      CommandSpec spec = resolve(node.server().table(), argv);
      int slot = spec == null ? -1 : slotOf(spec, argv);
      if (slot < 0) {
        if (conn.closing() || !conn.channel().isActive()) {
          return;
        }
        conn.writer().error(NO_LEADER); // cannot happen for a routed command; be safe
        conn.flush();
        conn.unblocked();
        return;
      }
      resume(conn, spec, argv, slot, 0);
    }, LEADER_RETRY_MS, TimeUnit.MILLISECONDS);
  }
}
