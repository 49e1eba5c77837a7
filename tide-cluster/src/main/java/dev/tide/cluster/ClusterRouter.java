package dev.tide.cluster;

import dev.tide.cluster.raft.Partition;
import dev.tide.engine.command.CommandFlag;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.slots.Slots;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.dispatch.CommandExecutor;

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
    int p = node.map().partitionOf(slot);
    Partition part = node.partition(p);
    boolean write = spec.has(CommandFlag.WRITE);
    if (!write && conn.readonlyMode() && part != null && !name.equals("watch")) {
      part.readLocal(conn, spec, argv); // READONLY: this replica's state, possibly a little stale
      return true;
    }
    if (part == null || !part.isLeader()) {
      conn.writer().error(transactions.redirect(slot, p));
      return true;
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
    return true;
  }
}
