package dev.tide.cluster.local;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The shape of a local cluster, recorded in {@code ROOT/cluster.properties} when it is first
 * started so that a later run (a restart, {@code ./tide status}) finds the same nodes on the
 * same ports: node count, partitions, replicas, host, base port, bus-port offset, metrics base
 * port (0 = off). Node i (1-based) is named {@code ni}, serves clients on
 * {@code basePort + i − 1} and its Raft bus on that port + {@code busPortOffset}.
 */
public record Layout(int nodes, int partitions, int replicas, String host, int basePort, int busPortOffset,
                     int metricsBasePort) {

  public static final String FILE = "cluster.properties";
  /** Most nodes one machine's local cluster may have: each is a JVM of several hundred MB. */
  public static final int MAX_NODES = 32;

  public Layout {
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException("--nodes must be in 1.." + MAX_NODES + ", got " + nodes);
    }
    if (partitions < 1 || partitions > 16384) {
      throw new IllegalArgumentException("--partitions must be in 1..16384, got " + partitions);
    }
    if (replicas < 1) {
      throw new IllegalArgumentException("--replicas must be at least 1, got " + replicas);
    }
    if (replicas > nodes) {
      throw new IllegalArgumentException("--replicas " + replicas + " is more than --nodes " + nodes
          + " (each replica of a partition needs its own node)");
    }
    checkPortRange("--base-port", basePort, nodes, busPortOffset);
    if (metricsBasePort != 0) {
      checkPortRange("--metrics-base-port", metricsBasePort, nodes, 0);
    }
    if (busPortOffset == 0) {
      throw new IllegalArgumentException("the bus-port offset must not be 0 (clients and Raft need their own ports)");
    }
  }

  private static void checkPortRange(String option, int base, int nodes, int offset) {
    int last = base + nodes - 1 + offset;
    if (base < 1 || base + offset < 1 || last > 65535 || base + nodes - 1 > 65535) {
      throw new IllegalArgumentException(option + " " + base + " with " + nodes + " nodes"
          + (offset == 0 ? "" : " (bus ports at +" + offset + ")") + " runs outside 1..65535");
    }
  }

  public String name(int i) {
    return "n" + i;
  }

  public int port(int i) {
    return basePort + i - 1;
  }

  public int busPort(int i) {
    return port(i) + busPortOffset;
  }

  /** Metrics port of node i, or 0 when metrics are off. */
  public int metricsPort(int i) {
    return metricsBasePort == 0 ? 0 : metricsBasePort + i - 1;
  }

  /** The {@code --bootstrap} list shared by every node: {@code host:port@bus,...}. */
  public String bootstrap() {
    List<String> entries = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      entries.add(host + ":" + port(i) + "@" + busPort(i));
    }
    return String.join(",", entries);
  }

  /** What differs between a stored layout and a requested one, in words, or "" when they match. */
  public String differences(Layout asked) {
    List<String> d = new ArrayList<>();
    if (nodes != asked.nodes) {
      d.add("nodes " + nodes + " vs " + asked.nodes);
    }
    if (partitions != asked.partitions) {
      d.add("partitions " + partitions + " vs " + asked.partitions);
    }
    if (replicas != asked.replicas) {
      d.add("replicas " + replicas + " vs " + asked.replicas);
    }
    if (!host.equals(asked.host)) {
      d.add("host " + host + " vs " + asked.host);
    }
    if (basePort != asked.basePort) {
      d.add("base port " + basePort + " vs " + asked.basePort);
    }
    if (busPortOffset != asked.busPortOffset) {
      d.add("bus-port offset " + busPortOffset + " vs " + asked.busPortOffset);
    }
    return String.join(", ", d);
  }

  public String describe() {
    return plural(nodes, "node") + " on " + host + ":" + port(1) + (nodes > 1 ? ".." + port(nodes) : "") + ", "
        + plural(partitions, "partition") + " × " + plural(replicas, "replica");
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  public void save(Path root) throws IOException {
    Properties p = new Properties();
    p.setProperty("nodes", Integer.toString(nodes));
    p.setProperty("partitions", Integer.toString(partitions));
    p.setProperty("replicas", Integer.toString(replicas));
    p.setProperty("host", host);
    p.setProperty("base-port", Integer.toString(basePort));
    p.setProperty("bus-port-offset", Integer.toString(busPortOffset));
    p.setProperty("metrics-base-port", Integer.toString(metricsBasePort));
    Files.createDirectories(root);
    Path tmp = root.resolve(FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "Tide local cluster (written by ./tide up; node i serves base-port + i - 1)");
    }
    Files.move(tmp, root.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The layout stored under {@code root}, or null when there is none. */
  public static Layout load(Path root) throws IOException {
    Path file = root.resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      return new Layout(intProp(p, "nodes"), intProp(p, "partitions"), intProp(p, "replicas"),
          p.getProperty("host", "127.0.0.1"), intProp(p, "base-port"), intProp(p, "bus-port-offset"),
          intProp(p, "metrics-base-port"));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is damaged (" + e.getMessage() + "); fix it or start afresh with --fresh");
    }
  }

  private static int intProp(Properties p, String name) {
    String v = p.getProperty(name);
    if (v == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + v);
    }
  }
}
