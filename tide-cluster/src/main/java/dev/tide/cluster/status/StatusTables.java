package dev.tide.cluster.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text of {@code ./tide status}: a nodes table, a partitions table, and a one-line summary
 * ({@code ./tide up} prints the summary once the cluster is ready). Columns are aligned; numbers
 * are right-aligned.
 */
public final class StatusTables {

  private StatusTables() {
  }

  public static final List<String> NODE_HEADERS = List.of("node", "state", "address", "bus", "pid", "uptime", "leads",
      "follows", "keys", "memory", "heap", "rss", "note");
  private static final boolean[] NODE_NUMERIC = {false, false, false, false, true, true, true, true, true, true, true,
      true, false};

  public static final List<String> PARTITION_HEADERS = List.of("part", "slots", "leader", "term", "commit",
      "applied", "keys", "replicas", "follower lag (entries)");
  private static final boolean[] PARTITION_NUMERIC = {true, false, false, true, true, true, true, false, false};

  /** Both tables and the summary. */
  public static String render(ClusterStatus s) {
    String out = summary(s) + "\n\n" + nodesTable(s) + "\n" + partitionsTable(s);
    return s.moves().isEmpty() ? out : out + "\n" + movesTable(s);
  }

  public static final List<String> MOVE_HEADERS = List.of("part", "from", "to", "phase", "progress", "moved", "rate",
      "eta");
  private static final boolean[] MOVE_NUMERIC = {true, false, false, false, false, true, true, true};
  /** Width of a move's progress bar in characters. */
  static final int BAR_WIDTH = 20;

  /** Replica moves in progress: phase, snapshot bytes moved, rate, ETA, with a bar when the total is known. */
  public static String movesTable(ClusterStatus s) {
    List<List<String>> rows = new ArrayList<>();
    for (ClusterStatus.MoveView m : s.moves()) {
      rows.add(List.of(Integer.toString(m.partition()), m.from(), m.to(), m.phase(), bar(m),
          m.bytesDone() < 0 ? "?" : bytes(m.bytesDone()), m.bytesPerSec() < 0 ? "?" : bytes(m.bytesPerSec()) + "/s",
          m.etaMs() < 0 ? "?" : duration(m.etaMs())));
    }
    return "replica moves in progress: " + s.moves().size() + "\n" + table(MOVE_HEADERS, MOVE_NUMERIC, rows);
  }

  private static String bar(ClusterStatus.MoveView m) {
    if (m.bytesDone() < 0 || m.bytesPerSec() <= 0 || m.etaMs() < 0) {
      return "-";
    }
    double remaining = m.bytesPerSec() * (m.etaMs() / 1000.0);
    double total = m.bytesDone() + remaining;
    int filled = total <= 0 ? BAR_WIDTH : (int) Math.round(BAR_WIDTH * m.bytesDone() / total);
    filled = Math.max(0, Math.min(BAR_WIDTH, filled));
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
  }

  public static String nodesTable(ClusterStatus s) {
    List<List<String>> rows = new ArrayList<>();
    for (ClusterStatus.NodeView n : s.nodes()) {
      if (!n.up()) {
        rows.add(List.of(n.name(), "down", n.address(), "-", "-", "-", "-", "-", "-", "-", "-", "-", n.error()));
        continue;
      }
      NodeStatus st = n.status();
      int leads = 0;
      for (NodeStatus.PartitionStatus p : st.partitions()) {
        if (p.serving()) {
          leads++;
        }
      }
      rows.add(List.of(n.name(), "up", n.address(), st.busAddress(), Long.toString(st.pid()), duration(st.uptimeMs()),
          Integer.toString(leads), Integer.toString(st.partitions().size() - leads), count(st.keys()),
          bytes(st.usedMemory()), bytes(st.heapUsed()), st.rss() < 0 ? "?" : bytes(st.rss()), ""));
    }
    return table(NODE_HEADERS, NODE_NUMERIC, rows);
  }

  public static String partitionsTable(ClusterStatus s) {
    List<List<String>> rows = new ArrayList<>();
    for (ClusterStatus.PartitionView p : s.partitions()) {
      if (!p.reachable()) {
        rows.add(List.of(Integer.toString(p.partition()), "?", "-", "-", "-", "-", "-", "-",
            "no replica answered"));
        continue;
      }
      List<String> replicas = new ArrayList<>();
      for (String id : p.replicaIds()) {
        replicas.add(s.nameOf(id));
      }
      String lag;
      if (p.leader() == null) {
        lag = "no leader";
      } else {
        List<String> parts = new ArrayList<>();
        for (NodeStatus.FollowerStatus f : p.followers()) {
          String v = !f.alive() ? "down" : f.lag() < 0 ? "?" : count(f.lag());
          parts.add(s.nameOf(f.id()) + ":" + v);
        }
        lag = String.join(" ", parts);
      }
      rows.add(List.of(Integer.toString(p.partition()), p.slots(), p.leader() == null ? "-" : p.leader().name(),
          num(p.term()), count(p.commitIndex()), count(p.appliedIndex()), count(p.keys()), String.join(",", replicas),
          lag));
    }
    return table(PARTITION_HEADERS, PARTITION_NUMERIC, rows);
  }

  /**
   * One line: nodes up, partitions led, keys (counted on leaders, so each key once), and how
   * many partitions each node leads.
   */
  public static String summary(ClusterStatus s) {
    List<ClusterStatus.PartitionView> parts = s.partitions();
    long keys = 0;
    int led = 0;
    Map<String, Integer> leadsPerNode = new TreeMap<>();
    for (ClusterStatus.NodeView n : s.nodes()) {
      if (n.up()) {
        leadsPerNode.put(n.name(), 0);
      }
    }
    for (ClusterStatus.PartitionView p : parts) {
      if (p.leader() != null) {
        led++;
        keys += p.keys();
        leadsPerNode.merge(p.leader().name(), 1, Integer::sum);
      }
    }
    StringBuilder leaders = new StringBuilder();
    leadsPerNode.forEach((name, n) -> leaders.append(leaders.isEmpty() ? "" : " ").append(name).append(':').append(n));
    return String.format(Locale.ROOT, "%d/%d nodes up, %d/%d partitions led, %s %s; leaders per node: %s",
        s.upCount(), s.nodes().size(), led, parts.size(), count(keys), keys == 1 ? "key" : "keys",
        leaders.isEmpty() ? "-" : leaders);
  }

  static String table(List<String> headers, boolean[] numeric, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          line.append("  ");
        }
        String cell = row.get(i);
        String pad = " ".repeat(widths[i] - cell.length());
        line.append(numeric[i] && row != headers ? pad + cell : cell + pad);
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  static String num(long v) {
    return v < 0 ? "?" : Long.toString(v);
  }

  static String count(long v) {
    return v < 0 ? "?" : String.format(Locale.ROOT, "%,d", v);
  }

  /** Bytes in binary units with one decimal (1.5 KiB, 812.0 MiB). */
  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** 3d4h, 2h5m, 4m12s, 9s. */
  static String duration(long ms) {
    long s = ms / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    if (s < 86400) {
      return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
    return (s / 86400) + "d" + (s % 86400 / 3600) + "h";
  }
}
