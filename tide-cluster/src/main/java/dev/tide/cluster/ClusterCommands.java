package dev.tide.cluster;

import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.slots.Slots;
import dev.tide.protocol.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * CLUSTER SLOTS|SHARDS|NODES|INFO|MYID|KEYSLOT|COUNTKEYSINSLOT|GETKEYSINSLOT, READONLY, READWRITE
 * and ASKING in Redis 7.0's reply shapes, answered from the node's cluster map and its Raft
 * groups' view of who leads.
 *
 * <p>Mapping Raft onto Redis Cluster's vocabulary: a partition's leader is the "master" of its
 * slots and its followers are the "replicas". In CLUSTER SLOTS and SHARDS each slot range lists
 * its leader first and its followers after it. In CLUSTER NODES every node is a master (a node
 * leads some partitions and follows others, which Redis's one-master-per-replica model cannot
 * express) owning the slots of the partitions it leads.
 *
 * <p>READONLY makes a connection's reads run on this node's replica of the key's partition,
 * leader or follower, without a ReadIndex; READWRITE ends that.
 *
 * <p>CLUSTER TIDE-MAP is Tide's own: the controller's map with member names and states and the
 * epoch ({@link TideMapReply}), for tools ({@code tide status}, the autoscaler).
 */
final class ClusterCommands {

  private ClusterCommands() {
  }

  static void register(CommandTable table, ClusterNode node) {
    String flags = "loading stale";
    String[] acl = {"@slow"};
    table.register(CommandSpec.builder("cluster", -2, "").group("cluster").since("3.0.0")
        .summary("A container for Redis Cluster commands.").acl("@slow")
        .subcommands(
            CommandSpec.builder("slots", 2, flags).group("cluster").since("3.0.0")
                .summary("Returns the mapping of cluster slots to nodes.").acl(acl).impl(ctx -> slots(ctx, node)),
            CommandSpec.builder("shards", 2, flags).group("cluster").since("7.0.0")
                .summary("Returns the mapping of cluster slots to shards.").acl(acl).impl(ctx -> shards(ctx, node)),
            CommandSpec.builder("nodes", 2, flags).group("cluster").since("3.0.0")
                .summary("Returns the cluster configuration for a node.").acl(acl)
                .impl(ctx -> ctx.reply().bulk(nodesText(node).getBytes(java.nio.charset.StandardCharsets.UTF_8))),
            CommandSpec.builder("info", 2, flags).group("cluster").since("3.0.0")
                .summary("Returns information about the state of a node.").acl(acl)
                .impl(ctx -> ctx.reply().verbatim("txt", infoText(node))),
            CommandSpec.builder("myid", 2, flags).group("cluster").since("3.0.0")
                .summary("Returns the ID of a node.").acl(acl)
                .impl(ctx -> ctx.reply().bulk(Args.bytes(node.self().id()))),
            CommandSpec.builder("keyslot", 3, flags).group("cluster").since("3.0.0")
                .summary("Returns the hash slot for a key.").acl(acl)
                .impl(ctx -> ctx.reply().integer(Slots.slot(ctx.arg(2)))),
            CommandSpec.builder("countkeysinslot", 3, flags).group("cluster").since("3.0.0")
                .summary("Returns the number of keys in a hash slot.").acl(acl)
                .impl(ctx -> countKeysInSlot(ctx, node)),
            CommandSpec.builder("getkeysinslot", 4, flags).group("cluster").since("3.0.0")
                .summary("Returns the key names in a hash slot.").acl(acl)
                .impl(ctx -> getKeysInSlot(ctx, node)),
            CommandSpec.builder("tide-map", 2, flags).group("cluster").since("7.0.0")
                .summary("Returns Tide's cluster map: epoch, members with their state, controller, partitions.")
                .acl(acl).impl(ctx -> TideMapReply.write(ctx.reply(), node))));
    table.register(CommandSpec.builder("readonly", 1, "fast loading stale connection").group("cluster")
        .since("3.0.0").summary("Enables read-only queries for a connection to a Redis Cluster replica node.")
        .acl("@fast", "@connection").impl(ctx -> readonly(ctx, true)));
    table.register(CommandSpec.builder("readwrite", 1, "fast loading stale connection").group("cluster")
        .since("3.0.0").summary("Enables read-write queries for a connection to a Reids Cluster replica node.")
        .acl("@fast", "@connection").impl(ctx -> readonly(ctx, false)));
    table.register(CommandSpec.builder("asking", 1, "fast connection").group("cluster").since("3.0.0")
        .summary("Signals that a cluster client is following an -ASK redirect.")
        .acl("@fast", "@connection").impl(ctx -> ctx.reply().simple("OK")));
  }

  /**
   * READONLY / READWRITE: a READONLY connection's reads are served by whichever replica of the
   * key's partition this node holds, without a ReadIndex (possibly a little stale, as a Redis
   * replica's); writes still go to the leader (MOVED).
   */
  private static void readonly(CommandContext ctx, boolean on) {
    ((dev.tide.server.connection.ClientConnection) ctx.session()).setReadonlyMode(on);
    ctx.reply().simple("OK");
  }

  /** The leader of a partition for topology replies: known leader, else the map's first choice. */
  private static Member shownLeader(ClusterNode node, int p) {
    Member m = node.leaderOf(p);
    return m != null ? m : node.map().replicas(p).get(0);
  }

  private static List<Member> leaderFirst(ClusterNode node, int p) {
    Member leader = shownLeader(node, p);
    List<Member> out = new ArrayList<>();
    out.add(leader);
    for (Member m : node.map().replicas(p)) {
      if (!m.id().equals(leader.id())) {
        out.add(m);
      }
    }
    return out;
  }

  private static void slots(CommandContext ctx, ClusterNode node) {
    ClusterMap map = node.map();
    List<int[]> ranges = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int p = 0; p < map.partitionCount(); p++) {
      for (int[] r : map.slotRanges(p)) {
        ranges.add(r);
        owners.add(p);
      }
    }
    Reply r = ctx.reply();
    r.array(ranges.size());
    for (int i = 0; i < ranges.size(); i++) {
      List<Member> members = leaderFirst(node, owners.get(i));
      r.array(2 + members.size());
      r.integer(ranges.get(i)[0]);
      r.integer(ranges.get(i)[1]);
      for (Member m : members) {
        r.array(4);
        r.bulk(Args.bytes(m.host()));
        r.integer(m.port());
        r.bulk(Args.bytes(m.id()));
        r.map(0); // Redis 7: networking metadata (hostname ...), empty here
      }
    }
  }

  private static void shards(CommandContext ctx, ClusterNode node) {
    ClusterMap map = node.map();
    Reply r = ctx.reply();
    r.array(map.partitionCount());
    for (int p = 0; p < map.partitionCount(); p++) {
      List<int[]> ranges = map.slotRanges(p);
      Member leader = node.leaderOf(p);
      Partition part = node.partition(p);
      long offset = part == null ? 0 : part.fsm().appliedIndex();
      r.map(2);
      r.bulk(Args.bytes("slots"));
      r.array(ranges.size() * 2);
      for (int[] range : ranges) {
        r.integer(range[0]);
        r.integer(range[1]);
      }
      r.bulk(Args.bytes("nodes"));
      List<Member> members = leaderFirst(node, p);
      r.array(members.size());
      for (Member m : members) {
        boolean isLeader = leader != null && leader.id().equals(m.id());
        r.map(7);
        r.bulk(Args.bytes("id"));
        r.bulk(Args.bytes(m.id()));
        r.bulk(Args.bytes("port"));
        r.integer(m.port());
        r.bulk(Args.bytes("ip"));
        r.bulk(Args.bytes(m.host()));
        r.bulk(Args.bytes("endpoint"));
        r.bulk(Args.bytes(m.host()));
        r.bulk(Args.bytes("role"));
        r.bulk(Args.bytes(isLeader || (leader == null && m == members.get(0)) ? "master" : "replica"));
        r.bulk(Args.bytes("replication-offset"));
        r.integer(offset);
        r.bulk(Args.bytes("health"));
        r.bulk(Args.bytes(leader == null ? "loading" : "online"));
      }
    }
  }

  static String nodesText(ClusterNode node) {
    ClusterMap map = node.map();
    StringBuilder sb = new StringBuilder();
    for (Member m : map.members()) {
      MemberInfo info = node.state().info(m.id());
      if (info != null && info.state() == MemberState.LEFT) {
        continue;
      }
      sb.append(m.id()).append(' ').append(m.host()).append(':').append(m.port()).append('@').append(m.busPort())
          .append(' ').append(m.id().equals(node.self().id()) ? "myself,master" : "master")
          .append(" - 0 0 ").append(map.epoch()).append(" connected");
      for (int p = 0; p < map.partitionCount(); p++) {
        if (shownLeader(node, p).id().equals(m.id())) {
          for (int[] range : map.slotRanges(p)) {
            sb.append(' ').append(range[0]);
            if (range[1] != range[0]) {
              sb.append('-').append(range[1]);
            }
          }
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String infoText(ClusterNode node) {
    ClusterMap map = node.map();
    int slotsOk = 0;
    for (int p = 0; p < map.partitionCount(); p++) {
      if (node.leaderOf(p) != null) {
        for (int[] range : map.slotRanges(p)) {
          slotsOk += range[1] - range[0] + 1;
        }
      }
    }
    long leaders = map.members().stream().filter(m -> {
      for (int p = 0; p < map.partitionCount(); p++) {
        if (shownLeader(node, p).id().equals(m.id())) {
          return true;
        }
      }
      return false;
    }).count();
    return "cluster_state:" + (slotsOk == Slots.COUNT ? "ok" : "fail") + "\r\n"
        + "cluster_slots_assigned:" + Slots.COUNT + "\r\n"
        + "cluster_slots_ok:" + slotsOk + "\r\n"
        + "cluster_slots_pfail:0\r\n"
        + "cluster_slots_fail:" + (Slots.COUNT - slotsOk) + "\r\n"
        + "cluster_known_nodes:" + node.state().liveMembers().size() + "\r\n"
        + "cluster_size:" + leaders + "\r\n"
        + "cluster_current_epoch:" + map.epoch() + "\r\n"
        + "cluster_my_epoch:" + map.epoch() + "\r\n"
        + "cluster_stats_messages_sent:0\r\n"
        + "cluster_stats_messages_received:0\r\n"
        + "total_cluster_links_buffer_limit_exceeded:0\r\n";
  }

  private static int parseSlot(byte[] arg, String error) {
    long[] v = new long[1];
    if (!Args.tryParseLong(arg, v) || v[0] < 0 || v[0] >= Slots.COUNT) {
      throw new CommandException(error);
    }
    return (int) v[0];
  }

  private static void countKeysInSlot(CommandContext ctx, ClusterNode node) {
    int slot = parseSlot(ctx.arg(2), "ERR Invalid slot");
    Partition part = node.partition(node.map().partitionOf(slot));
    if (part == null) {
      ctx.reply().integer(0);
      return;
    }
    long now = ctx.nowMs();
    long count = part.withKeyspace(ks -> {
      long[] n = {0};
      ks.forEach(e -> {
        if (Slots.slot(e.key()) == slot && ks.exists(e.key(), now)) {
          n[0]++;
        }
      });
      return n[0];
    });
    ctx.reply().integer(count);
  }

  private static void getKeysInSlot(CommandContext ctx, ClusterNode node) {
    long[] v = new long[1];
    if (!Args.tryParseLong(ctx.arg(2), v) || v[0] < 0 || v[0] >= Slots.COUNT) {
      throw new CommandException("ERR Invalid slot or number of keys");
    }
    int slot = (int) v[0];
    if (!Args.tryParseLong(ctx.arg(3), v) || v[0] < 0) {
      throw new CommandException("ERR Invalid slot or number of keys");
    }
    long max = v[0];
    Partition part = node.partition(node.map().partitionOf(slot));
    List<byte[]> keys = part == null ? List.of() : part.withKeyspace(ks -> {
      List<byte[]> out = new ArrayList<>();
      ks.forEach(e -> {
        if (out.size() < max && Slots.slot(e.key()) == slot) {
          out.add(e.key());
        }
      });
      return out;
    });
    ctx.reply().array(keys.size());
    for (byte[] k : keys) {
      ctx.reply().bulk(k);
    }
  }
}
