package dev.tide.cluster;

import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
import dev.tide.engine.command.CommandFlag;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.slots.Slots;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.dispatch.CommandExecutor;

import java.util.Set;

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
    int p = node.map().partitionOf(slot);
    Partition part = node.partition(p);
    if (part == null || !part.isLeader()) {
      Member leader = node.leaderOf(p);
      if (leader == null || leader.id().equals(node.self().id())) {
        conn.writer().error(NO_LEADER); // no leader, or this node won but has not applied its first entry yet
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
    return true;
  }
}
