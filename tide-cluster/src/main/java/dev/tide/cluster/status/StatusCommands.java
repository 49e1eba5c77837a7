package dev.tide.cluster.status;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import dev.tide.cluster.ClusterNode;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.slots.Slots;
import dev.tide.engine.types.ValueType;
import dev.tide.engine.command.Errors;
import dev.tide.engine.dict.ByteDict;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tide's own diagnostic commands on a cluster node (names with a {@code TIDE.} prefix, as Redis
 * modules name theirs, so they never collide with a Redis command):
 *
 * <ul>
 *   <li>{@code TIDE.STATUS}: this node's {@link NodeStatus} — name, id, addresses, uptime, keys,
 *       memory, the members of its map, and per hosted partition its Raft role, leader, term,
 *       commit/applied/last index, keys, and on a leader each follower's next index and lag.
 *       {@code ./tide status} and the local cluster manager read it from every node.</li>
 *   <li>{@code TIDE.LOCALGET key}: the string value of {@code key} in <em>this node's</em>
 *       replica of the key's partition, leader or follower, without consensus (a possibly
 *       stale read, for diagnostics and tests that check every replica). Nil when the key is
 *       absent or expired by the replica's last applied leader time, nil too when this node
 *       holds no replica of the partition; WRONGTYPE for a non-string.</li>
 * </ul>
 *
 * Both are keyless as far as the router is concerned, so they always run on the node they are
 * sent to (never MOVED). They read only the map the node serves ({@link ClusterNode#map()}),
 * whatever maintains it.
 */
public final class StatusCommands {

  private StatusCommands() {
  }

  public static void register(CommandTable table, ClusterNode node) {
    table.register(CommandSpec.builder("tide.status", 1, "loading stale").group("cluster").since("7.0.0")
        .summary("Tide: this cluster node's status (Raft state of each hosted partition).").acl("@slow")
        .impl(ctx -> collect(node, ctx.nowMs()).write(ctx.reply())));
    table.register(CommandSpec.builder("tide.localget", 2, "loading stale").group("cluster").since("7.0.0")
        .summary("Tide: a key's string value in this node's own replica, without consensus.").acl("@slow")
        .impl(ctx -> localGet(ctx, node)));
  }

  /** This node's status now. Reads counters without locks: each figure is a moment old. */
  public static NodeStatus collect(ClusterNode node, long nowMs) {
    ClusterMap map = node.map();
    Member self = node.self();
    List<NodeStatus.MemberInfo> members = new ArrayList<>();
    for (Member m : map.members()) {
      members.add(new NodeStatus.MemberInfo(m.id(), m.host(), m.port(), m.busPort()));
    }
    List<NodeStatus.PartitionStatus> parts = new ArrayList<>();
    long keys = 0;
    long used = 0;
    for (int p = 0; p < map.partitionCount(); p++) {
      Partition part = node.partition(p);
      if (part == null) {
        continue;
      }
      NodeStatus.PartitionStatus ps = partitionStatus(node, map, p, part);
      keys += ps.keys();
      used += ps.usedMemory();
      parts.add(ps);
    }
    long uptime = Math.max(0, nowMs - node.server().startedMs());
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new NodeStatus(node.config().nodeName, self.id(), self.host(), self.port(), self.busPort(),
        ProcessHandle.current().pid(), uptime, keys, used, heap, rssBytes(), map.epoch(),
        map.partitionCount(), members, parts);
  }

  private static NodeStatus.PartitionStatus partitionStatus(ClusterNode node, ClusterMap map, int p, Partition part) {
    Node raft = part.node();
    Database db = part.fsm().db();
    List<String> replicaIds = new ArrayList<>();
    for (Member m : map.replicas(p)) {
      replicaIds.add(m.id());
    }
    Member leader = node.leaderOf(p);
    String role = raft == null ? "starting" : raft.getNodeState().name().toLowerCase(Locale.ROOT).replace("state_", "");
    List<NodeStatus.FollowerStatus> followers = new ArrayList<>();
    long lastLog = raft == null ? 0 : raft.getLastLogIndex();
    if (raft != null && raft.isLeader()) {
      Set<PeerId> alive = new HashSet<>(raft.listAlivePeers());
      for (Member m : map.replicas(p)) {
        if (m.id().equals(node.self().id())) {
          continue;
        }
        PeerId peer = new PeerId(m.host(), m.busPort());
        long next = JraftProbe.nextIndex(raft, peer);
        long lag = next > 0 ? Math.max(0, lastLog - (next - 1)) : -1;
        followers.add(new NodeStatus.FollowerStatus(m.id(), next, lag, alive.contains(peer)));
      }
    }
    return new NodeStatus.PartitionStatus(p, slotText(map.slotRanges(p)), role, part.isLeader(),
        leader == null ? "" : leader.id(), replicaIds, raft == null ? -1 : JraftProbe.term(raft),
        raft == null ? 0 : raft.getLastCommittedIndex(),
        raft == null ? part.fsm().appliedIndex() : raft.getLastAppliedLogIndex(), lastLog, db.keyCount(),
        db.usedMemoryBytes(), followers);
  }

  static String slotText(List<int[]> ranges) {
    StringBuilder sb = new StringBuilder();
    for (int[] r : ranges) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(r[0]);
      if (r[1] != r[0]) {
        sb.append('-').append(r[1]);
      }
    }
    return sb.toString();
  }

  /** Resident set size from /proc (Linux), -1 elsewhere. */
  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Marks a non-string value in {@link #localGet} (compared by identity). */
  private static final byte[] WRONG_TYPE = new byte[0];

  private static void localGet(CommandContext ctx, ClusterNode node) {
    byte[] key = ctx.arg(1);
    Partition part = node.partition(node.map().partitionOf(Slots.slot(key)));
    if (part == null) {
      ctx.reply().nullBulk();
      return;
    }
    // The replica's own notion of time: the leader time of its last applied entry. No lazy
    // deletion here (that would change a follower's keyspace outside the log).
    long now = part.fsm().lastAppliedMs();
    byte[] value = part.withKeyspace(ks -> {
      ByteDict.Node<Object> n = ks.node(key);
      if (n == null) {
        return null;
      }
      long expireAt = ks.expireAt(key);
      if (expireAt >= 0 && expireAt <= now) {
        return null;
      }
      if (ValueType.of(n.value()) != ValueType.STRING) {
        return WRONG_TYPE;
      }
      return (byte[]) n.value();
    });
    if (value == WRONG_TYPE) {
      throw Errors.wrongType();
    }
    if (value == null) {
      ctx.reply().nullBulk();
    } else {
      ctx.reply().bulk(value);
    }
  }
}
