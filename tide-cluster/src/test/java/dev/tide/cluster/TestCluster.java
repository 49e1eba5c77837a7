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

/** N Tide cluster nodes in this JVM on loopback, each with its own data directory; closed on close. */
final class TestCluster implements AutoCloseable {

  final List<Member> members = new ArrayList<>();
  final TideServer[] servers;
  final ClusterNode[] nodes;
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
    }
    servers = new TideServer[size];
    nodes = new ClusterNode[size];
  }

  static int freePort() throws IOException {
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

  void start(int i) throws Exception {
    Member m = members.get(i);
    ServerConfig sc = new ServerConfig();
    sc.port = m.port();
    sc.bind = m.host();
    TideServer server = new TideServer(sc).start();
    ClusterConfig cc = new ClusterConfig();
    cc.nodeName = "n" + (i + 1);
    cc.dataDir = root.resolve("n" + (i + 1));
    cc.host = m.host();
    cc.port = m.port();
    cc.busPort = m.busPort();
    cc.bootstrap = members;
    cc.partitions = partitions;
    cc.replicas = replicas;
    tune.accept(cc);
    try {
      nodes[i] = new ClusterNode(server, cc).start();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    servers[i] = server;
  }

  /** Stops node i at once (its groups stop; no leadership transfer, no goodbye to peers). */
  void stop(int i) {
    if (servers[i] != null) {
      servers[i].close();
      servers[i] = null;
      nodes[i] = null;
    }
  }

  /** Node i's data directory (its files stay after {@link #stop}). */
  Path dataDir(int i) {
    return root.resolve("n" + (i + 1));
  }

  boolean running(int i) {
    return servers[i] != null;
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
