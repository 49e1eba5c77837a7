package dev.tide.cluster;

import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * N Tide cluster nodes in this JVM on loopback, each with its own data directory; closed on close.
 * Nodes 0..size-1 form the cluster with --bootstrap; {@link #addJoiner} starts more with --join
 * (they get the next indexes in {@link #members}, {@link #servers} and {@link #nodes}).
 */
final class TestCluster implements AutoCloseable {

  final List<Member> members = new ArrayList<>();
  /**
   * Metrics port of each member, chosen once with its other ports: a port chosen at each start
   * could be a stopped node's client or bus port (free while it is down), which then cannot start.
   */
  final List<Integer> metricsPorts = new ArrayList<>();
  TideServer[] servers;
  ClusterNode[] nodes;
  private final int bootstrapSize;
  private final Path root;
  private final int partitions;
  private final int replicas;
  private final Consumer<ClusterConfig> tune;

  TestCluster(Path root, int size, int partitions, int replicas, Consumer<ClusterConfig> tune) throws IOException {
    this.root = root;
    this.partitions = partitions;
    this.replicas = replicas;
    this.tune = tune;
    for (int i = 0; i < size; i++) {
      members.add(Member.of("127.0.0.1", freePort(), freePort()));
      metricsPorts.add(freePort());
    }
    servers = new TideServer[size];
    nodes = new ClusterNode[size];
    bootstrapSize = size;
  }

  /**
   * A free port below the kernel's ephemeral range (32768-60999 by default): a port picked from
   * that range can be taken, before the node binds it, by an outgoing connection of another
   * node of the test (Raft and bus clients), which made starts fail with "address in use".
   */
  static int freePort() throws IOException {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException busy) {
        // taken: try another
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  TestCluster startAll() throws Exception {
    for (int i = 0; i < members.size(); i++) {
      start(i);
    }
    return this;
  }

  /** Starts node i: a bootstrap member with --bootstrap; a joined node from its data directory (no --join). */
  void start(int i) throws Exception {
    startWith(i, config(i));
  }

  /** The configuration node i starts with (tests change it to provoke refusals). */
  ClusterConfig config(int i) {
    Member m = members.get(i);
    ClusterConfig cc = new ClusterConfig();
    cc.nodeName = "n" + (i + 1);
    cc.dataDir = dataDir(i);
    cc.host = m.host();
    cc.port = m.port();
    cc.busPort = m.busPort();
    if (i < bootstrapSize) {
      cc.bootstrap = members.subList(0, bootstrapSize);
    }
    cc.partitions = partitions;
    cc.replicas = replicas;
    tune.accept(cc);
    return cc;
  }

  Path dataDir(int i) {
    return root.resolve("n" + (i + 1));
  }

  /** Bus address (HOST:BUS) of node i, as --join takes it. */
  String busAddress(int i) {
    return members.get(i).host() + ":" + members.get(i).busPort();
  }

  /** Starts node i's server and cluster node with {@code cc}; on failure the server is closed and the error thrown. */
  void startWith(int i, ClusterConfig cc) throws Exception {
    Member m = members.get(i);
    ServerConfig sc = new ServerConfig();
    sc.port = m.port();
    sc.bind = m.host();
    sc.metricsPort = metricsPorts.get(i); // the Prometheus endpoint too, as a real node has it
    TideServer server = new TideServer(sc).start();
    try {
      nodes[i] = new ClusterNode(server, cc).start();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    servers[i] = server;
  }

  /** Allocates addresses for one more node (index returned) without starting it. */
  int addMember() throws IOException {
    members.add(Member.of("127.0.0.1", freePort(), freePort()));
    metricsPorts.add(freePort());
    servers = java.util.Arrays.copyOf(servers, members.size());
    nodes = java.util.Arrays.copyOf(nodes, members.size());
    return members.size() - 1;
  }

  /** Starts one more node that joins through {@code seeds} (bus addresses); returns its index. */
  int addJoiner(List<String> seeds) throws Exception {
    int i = addMember();
    ClusterConfig cc = config(i);
    cc.join = seeds;
    startWith(i, cc);
    return i;
  }

  /** Stops node i at once (its groups stop; no leadership transfer, no goodbye to peers). */
  void stop(int i) {
    if (servers[i] != null) {
      servers[i].close();
      servers[i] = null;
      nodes[i] = null;
    }
  }

  /** Forgets node i, which stopped by itself (it left the cluster). */
  void forget(int i) {
    servers[i] = null;
    nodes[i] = null;
  }

  boolean running(int i) {
    return servers[i] != null;
  }

  int size() {
    return members.size();
  }

  /** True when every running node knows a leader for each partition it hosts, and the leader is running. */
  boolean allLeadersElected() {
    for (int p = 0; p < partitions; p++) {
      if (leaderIndex(p) < 0) {
        return false;
      }
    }
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] != null && !nodes[i].allLeadersKnown()) {
        return false;
      }
    }
    return true;
  }

  /** Index of the running node that leads partition p and has started serving, or -1. */
  int leaderIndex(int p) {
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] != null) {
        Partition part = nodes[i].partition(p);
        if (part != null && part.isLeader()) {
          return i;
        }
      }
    }
    return -1;
  }

  @Override
  public void close() {
    for (int i = 0; i < servers.length; i++) {
      stop(i);
    }
  }
}
