package dev.tide.cluster.admin;

import dev.tide.cluster.ClusterNode;
import dev.tide.cluster.controller.BusMessages;
import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MapCommand;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import dev.tide.cluster.controller.Settings;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.protocol.Reply;

import java.util.List;
import java.util.Locale;

/**
 * Tide's admin commands for membership and replica placement, answered by any node (changes go
 * to the controller leader, the node forwards them):
 * <pre>
 *   TIDE.NODE LIST                 per member: [name, id, host:port@bus, state, zone, replicas, preferred-of]
 *   TIDE.NODE DRAIN [name]         start moving every replica off the node (this node without a name); +OK
 *   TIDE.NODE UNDRAIN [name]       back to active (moves already started finish); +OK
 *   TIDE.NODE DRAINSTATUS [name]   [state, detail]: serving | draining | drained | failed
 *   TIDE.NODE REMOVE name          record a drained node as left; it stops by itself; +OK
 *   TIDE.REBALANCE STATUS          moves in progress: [partition, from, to, phase, bytes-done, bytes-per-sec, eta-ms]
 *   TIDE.SETTING GET [name]        cluster settings: flat name, value pairs
 *   TIDE.SETTING SET name value    change a cluster setting (all nodes follow within a map poll); +OK
 * </pre>
 * A change that would be unsafe (draining below the replication factor, removing a node that still
 * holds replicas or a controller voter) is refused with the controller's reason. Changes wait for
 * the controller to commit (at most ~2 s; "-TRYAGAIN" when it has no leader).
 */
public final class AdminCommands {

  private AdminCommands() {
  }

  public static void register(CommandTable table, ClusterNode node) {
    String flags = "admin loading stale";
    table.register(CommandSpec.builder("tide.node", -2, flags).group("cluster").since("7.0.0")
        .summary("Tide: cluster members: LIST, DRAIN, UNDRAIN, DRAINSTATUS, REMOVE.").acl("@admin", "@slow")
        .impl(ctx -> node(ctx, node)));
    table.register(CommandSpec.builder("tide.rebalance", 2, flags).group("cluster").since("7.0.0")
        .summary("Tide: replica moves in progress (STATUS).").acl("@admin", "@slow")
        .impl(ctx -> rebalance(ctx, node)));
    table.register(CommandSpec.builder("tide.setting", -2, flags).group("cluster").since("7.0.0")
        .summary("Tide: cluster-wide settings (GET [name], SET name value).").acl("@admin", "@slow")
        .impl(ctx -> setting(ctx, node)));
  }

  private static String sub(CommandContext ctx) {
    return new String(ctx.arg(1), java.nio.charset.StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
  }

  private static String text(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---- TIDE.NODE ----------------------------------------------------------------------------------

  private static void node(CommandContext ctx, ClusterNode node) {
    String sub = sub(ctx);
    int argc = ctx.argc();
    switch (sub) {
      case "LIST" -> {
        requireArgs(ctx, 2, 2, "TIDE.NODE LIST");
        list(ctx.reply(), node.state());
      }
      case "DRAIN", "UNDRAIN", "DRAINSTATUS" -> {
        requireArgs(ctx, 2, 3, "TIDE.NODE " + sub + " [name]");
        MemberInfo m = argc == 3 ? byName(node.state(), text(ctx.arg(2))) : node.state().info(node.self().id());
        if (m == null) {
          throw new CommandException("ERR this node is not a recorded member of the cluster yet");
        }
        switch (sub) {
          case "DRAIN" -> {
            if (m.state() == MemberState.DRAINING) {
              ctx.reply().simple("OK");
              return;
            }
            propose(ctx, node, new MapCommand.UpdateMember(m.id(), null, MemberState.DRAINING, null));
          }
          case "UNDRAIN" -> {
            if (m.state() == MemberState.ACTIVE) {
              ctx.reply().simple("OK");
              return;
            }
            propose(ctx, node, new MapCommand.UpdateMember(m.id(), null, MemberState.ACTIVE, null));
          }
          default -> drainStatus(ctx.reply(), node.state(), m);
        }
      }
      case "REMOVE" -> {
        requireArgs(ctx, 3, 3, "TIDE.NODE REMOVE name");
        MemberInfo m = byName(node.state(), text(ctx.arg(2)));
        if (m.state() == MemberState.LEFT) {
          ctx.reply().simple("OK");
          return;
        }
        List<Integer> hosted = node.map().partitionsOn(m.member());
        if (m.state() != MemberState.DRAINING && !hosted.isEmpty()) {
          throw new CommandException("ERR node " + m.name() + " still holds " + hosted.size()
              + " replicas; run TIDE.NODE DRAIN " + m.name() + " first and wait until TIDE.NODE DRAINSTATUS "
              + m.name() + " says drained");
        }
        propose(ctx, node, new MapCommand.UpdateMember(m.id(), null, MemberState.LEFT, null));
      }
      default -> throw new CommandException("ERR unknown subcommand '" + text(ctx.arg(1))
          + "'. Try TIDE.NODE LIST, DRAIN, UNDRAIN, DRAINSTATUS or REMOVE.");
    }
  }

  private static void requireArgs(CommandContext ctx, int min, int max, String usage) {
    if (ctx.argc() < min || ctx.argc() > max) {
      throw new CommandException("ERR wrong number of arguments; usage: " + usage);
    }
  }

  private static MemberInfo byName(ClusterState s, String name) {
    MemberInfo m = s.liveByName(name);
    if (m == null) {
      for (MemberInfo i : s.members()) {
        if (i.id().equals(name) || (i.name().equals(name))) {
          m = i;
        }
      }
    }
    if (m == null) {
      throw new CommandException("ERR no cluster member named '" + name + "'; TIDE.NODE LIST shows the members");
    }
    return m;
  }

  private static void propose(CommandContext ctx, ClusterNode node, MapCommand command) {
    BusMessages.Reply r = node.sync().propose(command);
    switch (r.outcome) {
      case BusMessages.Reply.OK -> ctx.reply().simple("OK");
      case BusMessages.Reply.REFUSED -> throw new CommandException("ERR " + r.message);
      default -> throw new CommandException("TRYAGAIN the controller could not take the change now ("
          + r.message + "); retry in a moment");
    }
  }

  static void list(Reply r, ClusterState s) {
    ClusterMap map = s.map();
    List<MemberInfo> members = s.members();
    r.array(members.size());
    for (MemberInfo m : members) {
      int replicas = map.partitionsOn(m.member()).size();
      int preferred = 0;
      for (int p = 0; p < map.partitionCount(); p++) {
        if (map.preferredLeader(p).id().equals(m.id())) {
          preferred++;
        }
      }
      r.array(7);
      r.bulk(Args.bytes(m.name()));
      r.bulk(Args.bytes(m.id()));
      r.bulk(Args.bytes(m.member().host() + ":" + m.member().port() + "@" + m.member().busPort()));
      r.bulk(Args.bytes(m.state().label()));
      r.bulk(Args.bytes(m.zone()));
      r.integer(replicas);
      r.integer(preferred);
    }
  }

  static void drainStatus(Reply r, ClusterState s, MemberInfo m) {
    int replicas = s.map().partitionsOn(m.member()).size();
    long moving = s.moves().stream().filter(mv -> mv.from().equals(m.id())).count();
    String state;
    String detail;
    switch (m.state()) {
      case DRAINING -> {
        if (replicas == 0) {
          state = "drained";
          detail = "holds no replicas; TIDE.NODE REMOVE " + m.name() + " removes it";
        } else if (s.placeableMembers().size() < s.replicationFactor()) {
          state = "failed";
          detail = replicas + " replicas left but only " + s.placeableMembers().size()
              + " active nodes for partitions of " + s.replicationFactor() + " replicas; add a node";
        } else {
          state = "draining";
          detail = replicas + " replicas left, " + moving + " moving now";
        }
      }
      case LEFT -> {
        state = "drained";
        detail = "has left the cluster";
      }
      default -> {
        state = "serving";
        detail = m.state().label() + ", " + replicas + " replicas";
      }
    }
    r.array(2);
    r.bulk(Args.bytes(state));
    r.bulk(Args.bytes(detail));
  }

  // ---- TIDE.REBALANCE -----------------------------------------------------------------------------

  private static void rebalance(CommandContext ctx, ClusterNode node) {
    if (!sub(ctx).equals("STATUS")) {
      throw new CommandException("ERR unknown subcommand '" + text(ctx.arg(1)) + "'. Try TIDE.REBALANCE STATUS.");
    }
    ClusterState s = node.state();
    Reply r = ctx.reply();
    r.array(s.moves().size());
    for (ClusterState.Move m : s.moves()) {
      MemberInfo from = s.info(m.from());
      MemberInfo to = s.info(m.to());
      MoveProgress.Entry e = node.moveProgress().entry(m);
      r.array(7);
      r.integer(m.partition());
      r.bulk(Args.bytes(from == null ? m.from() : from.name()));
      r.bulk(Args.bytes(to == null ? m.to() : to.name()));
      r.bulk(Args.bytes(e.phase()));
      r.integer(e.bytesDone());
      r.integer(e.bytesPerSec());
      r.integer(e.etaMs());
    }
  }

  // ---- TIDE.SETTING -------------------------------------------------------------------------------

  private static void setting(CommandContext ctx, ClusterNode node) {
    String sub = sub(ctx);
    ClusterState s = node.state();
    switch (sub) {
      case "GET" -> {
        requireArgs(ctx, 2, 3, "TIDE.SETTING GET [name]");
        List<Settings.Setting> which = Settings.ALL;
        if (ctx.argc() == 3) {
          Settings.Setting one = Settings.byName(text(ctx.arg(2)));
          if (one == null) {
            throw new CommandException("ERR unknown setting '" + text(ctx.arg(2)) + "'; settings are "
                + Settings.names());
          }
          which = List.of(one);
        }
        ctx.reply().array(which.size() * 2);
        for (Settings.Setting st : which) {
          ctx.reply().bulk(Args.bytes(st.name()));
          ctx.reply().bulk(Args.bytes(Long.toString(s.setting(st))));
        }
      }
      case "SET" -> {
        requireArgs(ctx, 4, 4, "TIDE.SETTING SET name value");
        Settings.Setting st = Settings.byName(text(ctx.arg(2)));
        if (st == null) {
          throw new CommandException("ERR unknown setting '" + text(ctx.arg(2)) + "'; settings are "
              + Settings.names());
        }
        long value;
        try {
          value = parseSize(text(ctx.arg(3)));
        } catch (NumberFormatException e) {
          throw new CommandException("ERR setting " + st.name() + " needs a whole number (suffixes k, m, g "
              + "allowed), got '" + text(ctx.arg(3)) + "'");
        }
        String bad = st.check(value);
        if (bad != null) {
          throw new CommandException("ERR " + bad);
        }
        propose(ctx, node, new MapCommand.SetSetting(st.name(), value));
      }
      default -> throw new CommandException("ERR unknown subcommand '" + text(ctx.arg(1))
          + "'. Try TIDE.SETTING GET [name] or TIDE.SETTING SET name value.");
    }
  }

  /** A whole number with an optional binary suffix: 32m = 33554432. */
  static long parseSize(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
      unit = switch (t.charAt(t.length() - 1)) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        default -> 1L << 30;
      };
      t = t.substring(0, t.length() - 1);
    }
    return Math.multiplyExact(Long.parseLong(t), unit);
  }
}
