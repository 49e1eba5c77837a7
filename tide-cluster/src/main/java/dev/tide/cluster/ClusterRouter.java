package dev.tide.cluster;

import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
import dev.tide.engine.command.CommandFlag;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.slots.Slots;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.dispatch.CommandExecutor;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Where a command runs in cluster mode (installed into the {@link CommandExecutor}).
 *
 * <ul>
 *   <li>Commands with keys: all keys must hash to one slot (else CROSSSLOT). If this node leads the
 *       slot's partition, writes are proposed to its Raft group and reads go through ReadIndex;
 *       otherwise the client gets {@code MOVED <slot> <host>:<port>} of the leader, or TRYAGAIN
 *       while the partition has no leader.</li>
 *   <li>Keyless commands (PING, HELLO, CLIENT, CONFIG, INFO, CLUSTER ...) run on this node as in
 *       single-node mode.</li>
 *   <li>Not yet in cluster mode (phase 1): MULTI/EXEC/WATCH, blocking commands, and commands over
 *       the whole keyspace (KEYS, SCAN, DBSIZE, FLUSHALL, RANDOMKEY ...): a clear error, never a
 *       silent answer from the node's unused local keyspace.</li>
 * </ul>
 */
final class ClusterRouter implements CommandExecutor.CommandRouter {

  static final String CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
  static final String NO_LEADER = "TRYAGAIN No leader for this slot yet; retry";
  /**
   * Longest a command waits for its partition to have a usable leader: a leadership transfer
   * takes a few ms and a failover ~0.4-1.7 s here (docs/cluster.md); a second covers the first
   * and most of the second while staying well below clients' socket timeouts.
   */
  static final long LEADER_WAIT_MS = 1000;
  /** How often a waiting command re-checks for a leader. */
  static final long LEADER_RETRY_MS = 10;

  /** Transaction commands: they need per-partition queues, which phase 1 does not have. */
  private static final Set<String> TRANSACTIONS = Set.of("multi", "exec", "discard", "watch", "unwatch");

  private final ClusterNode node;

  ClusterRouter(ClusterNode node) {
    this.node = node;
  }

  @Override
  public boolean route(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    String name = spec.name();
    if (TRANSACTIONS.contains(name)) {
      conn.writer().error("ERR " + name.toUpperCase() + " is not supported in Tide cluster mode yet");
      return true;
    }
    if (spec.has(CommandFlag.BLOCKING)) {
      conn.writer().error("ERR blocking commands are not supported in Tide cluster mode yet");
      return true;
    }
    int[] keys = spec.keyIndexes(argv);
    if (keys.length == 0) {
      if (spec.has(CommandFlag.ALL_SHARDS)) {
        conn.writer().error("ERR " + name.toUpperCase() + " over the whole keyspace is not supported in Tide cluster mode yet");
        return true;
      }
      return false;
    }
    int slot = Slots.slot(argv[keys[0]]);
    for (int i = 1; i < keys.length; i++) {
      if (keys[i] < argv.length && Slots.slot(argv[keys[i]]) != slot) {
        conn.writer().error(CROSSSLOT);
        return true;
      }
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
   * not retry TRYAGAIN. Returns true when a reply was written before returning (the caller
   * flushes), false when the command continues asynchronously and unblocks the client itself.
   */
  private boolean routeSlot(ClientConnection conn, CommandSpec spec, byte[][] argv, int slot, long waitedMs) {
    int p = node.map().partitionOf(slot);
    Partition part = node.partition(p);
    if (part == null || !part.isLeader()) {
      Member leader = node.leaderOf(p);
      if (leader == null || leader.id().equals(node.self().id())) {
        // no leader, or this node won but has not applied its first entry yet
        if (waitedMs < LEADER_WAIT_MS) {
          conn.markBlocked(spec);
          conn.channel().eventLoop().schedule(() -> resume(conn, spec, argv, slot, waitedMs + LEADER_RETRY_MS),
              LEADER_RETRY_MS, TimeUnit.MILLISECONDS);
          return false;
        }
        conn.writer().error(NO_LEADER);
      } else {
        conn.writer().error("MOVED " + slot + " " + leader.clientAddress());
      }
      return true;
    }
    if (spec.has(CommandFlag.WRITE)) {
      part.propose(conn, argv);
    } else {
      part.read(conn, spec, argv);
    }
    return false;
  }

  /** Event loop of conn: routes a parked command again; replies written here are flushed and the client resumes. */
  private void resume(ClientConnection conn, CommandSpec spec, byte[][] argv, int slot, long waitedMs) {
    if (conn.closing() || !conn.channel().isActive()) {
      return;
    }
    if (routeSlot(conn, spec, argv, slot, waitedMs)) {
      conn.flush();
      conn.unblocked();
    }
  }

  /**
   * A command the partition handed back unexecuted (a write it did not append because leadership
   * was being transferred or had just been lost; a read whose ReadIndex failed): it had no effect,
   * so it is routed again, to the new leader, after {@link #LEADER_RETRY_MS} (which also bounds
   * the rate should JRaft keep refusing: its "too many tasks" EBUSY cannot occur while the batcher
   * caps queued writes far below JRaft's apply queue). The connection is still parked. Any thread.
   */
  void reroute(ClientConnection conn, byte[][] argv) {
    conn.channel().eventLoop().schedule(() -> {
      CommandSpec spec = node.server().table().lookup(argv[0]);
      if (spec != null && spec.hasSubcommands() && argv.length >= 2) {
        spec = spec.subcommand(argv[1]);
      }
      int[] keys = spec == null ? new int[0] : spec.keyIndexes(argv);
      if (keys.length == 0) {
        conn.writer().error(NO_LEADER); // cannot happen for a routed command; be safe
        conn.flush();
        conn.unblocked();
        return;
      }
      resume(conn, spec, argv, Slots.slot(argv[keys[0]]), 0);
    }, LEADER_RETRY_MS, TimeUnit.MILLISECONDS);
  }
}
