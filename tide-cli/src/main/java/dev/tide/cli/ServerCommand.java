package dev.tide.cli;

import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;
import dev.tide.server.config.Sizes;
import picocli.CommandLine.Command;
import dev.tide.cluster.ClusterConfig;
import dev.tide.cluster.ClusterNode;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.log.Durability;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code tide server}: one node in the foreground until Ctrl-C or SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Start one Tide node in the foreground (Ctrl-C or SIGTERM stops it cleanly).")
public final class ServerCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT", description = "TCP port for clients (default: ${DEFAULT-VALUE}).")
  int port = ServerConfig.DEFAULT_PORT;

  @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind = "127.0.0.1";

  @Option(names = "--maxmemory", paramLabel = "SIZE",
      description = "Memory limit for data, e.g. 1gb, 512mb; 0 = none (default: 0).")
  String maxmemory;

  @Option(names = "--maxmemory-policy", paramLabel = "POLICY",
      description = "What to do at the limit: noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, "
          + "volatile-lfu, volatile-random, volatile-ttl (default: noeviction).")
  String maxmemoryPolicy;

  @Option(names = "--requirepass", paramLabel = "PASSWORD", description = "Require AUTH with this password.")
  String requirePass;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve Prometheus metrics at http://BIND:PORT/metrics and readiness at /health (default: off).")
  Integer metricsPort;

  @Option(names = "--capacity-ops", paramLabel = "N",
      description = "Lab feature: emulate a node that serves at most N commands per second (token bucket; "
          + "commands wait, never fail); 0 = unlimited (default).")
  Integer capacityOps;

  @Option(names = "--config", paramLabel = "FILE", description = "Redis-style config file (name value per line).")
  Path configFile;

  @Option(names = "--shards", paramLabel = "N", hidden = true, description = "Keyspace shards (default: 16).")
  Integer shards;

  @Option(names = "--node-id", paramLabel = "NAME",
      description = "Cluster mode: this node's name (with --data-dir, --bus-port, and --bootstrap or --join; "
          + "a node restarts from its --data-dir with neither).")
  String nodeId;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Cluster mode: Raft logs and snapshots go here.")
  Path dataDir;

  @Option(names = "--bus-port", paramLabel = "PORT", description = "Cluster mode: port of the Raft bus.")
  Integer busPort;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT@BUS,...", split = ",",
      description = "Cluster mode: every member of the cluster being formed, this node included, in the same "
          + "order on every node (HOST:PORT@BUS, or HOST:BUS meaning PORT = BUS - 10000).")
  List<String> bootstrap;

  @Option(names = "--join", paramLabel = "HOST:BUS,...", split = ",",
      description = "Cluster mode: join a running cluster through any of its members, given by their bus ports "
          + "(HOST:BUS, or HOST:PORT@BUS). Not with --bootstrap; not needed to restart a node that joined before.")
  List<String> join;

  @Option(names = "--zone", paramLabel = "ZONE",
      description = "Cluster mode: failure-zone label of this node, recorded in the cluster map.")
  String zone;

  @Option(names = "--partitions", paramLabel = "N", description = "Cluster mode: partitions (default: 16).")
  Integer partitions;

  @Option(names = "--replicas", paramLabel = "N", description = "Cluster mode: replicas per partition (default: 3).")
  Integer replicas;

  @Option(names = "--durability", paramLabel = "MODE",
      description = "Cluster mode: when a write counts as stored: fsync (default; every commit batch is fsynced, an "
          + "acknowledged write is on a majority's disks) or replicated (no fsync; an acknowledged write is in a "
          + "majority's memory and survives process crashes and the machine crash of a minority).")
  String durability;

  @Option(names = "--unsafe-vote-while-recovering", hidden = true,
      description = "Cluster mode: let replicas that lost log data vote before they caught up (only to get a leader "
          + "back after a majority lost data; acknowledged writes may be lost).")
  boolean voteWhileRecovering;

  @Option(names = "--election-timeout-ms", paramLabel = "MS", hidden = true,
      description = "Cluster mode: Raft election timeout (default: 300).")
  Integer electionTimeoutMs;

  @Option(names = "--stop-with-parent", hidden = true,
      description = "Stop when the process that started this one exits (nodes started by ./tide up and tests).")
  boolean stopWithParent;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = buildConfig();
    ClusterConfig clusterConfig = nodeId == null ? null : buildClusterConfig(config);
    checkPortFree(config.bind, config.port, "--port");
    if (config.metricsPort != 0) {
      checkPortFree(config.bind, config.metricsPort, "--metrics-port");
    }
    if (clusterConfig != null) {
      checkPortFree(clusterConfig.host, clusterConfig.busPort, "--bus-port");
      checkDataDir(clusterConfig.dataDir);
    }
    TideServer server = new TideServer(config);
    if (clusterConfig != null) {
      // The cluster node (its Raft groups and its router) starts before the client port opens:
      // from the first connection on, a keyed command goes through its partition (or gets
      // MOVED/TRYAGAIN), never to this process's unused local keyspace, where a write would be
      // acknowledged and lost (found twice: by ./tide bench failover on restarted nodes and by the
      // chaos checker; docs/bugs-found.md, NodeStartupRoutingTest, ClusterStartupTest).
      try {
        new ClusterNode(server, clusterConfig).start();
      } catch (Exception e) {
        server.close();
        throw new CliException("cannot start cluster node " + nodeId + ": " + e.getMessage());
      }
    }
    try {
      server.start();
    } catch (Exception e) {
      server.close();
      throw new CliException("cannot listen on " + config.bind + ":" + config.port + " (--port): " + e.getMessage()
          + "; is another Tide or Redis using it? Choose another --port or stop that process");
    }
    if (clusterConfig != null) {
      System.out.println("Tide cluster node " + nodeId + " listening on " + config.bind + ":" + server.port()
          + " (bus " + clusterConfig.busPort + ") — connect with: redis-cli -c -p " + server.port());
    } else {
      System.out.println("Tide " + "listening on " + config.bind + ":" + server.port()
          + " — connect with: redis-cli -p " + server.port());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "tide-shutdown"));
    if (stopWithParent) {
      // A node of ./tide up or a test must not outlive its launcher when that dies without
      // stopping it (kill -9, a test timeout): exiting runs the shutdown hook above.
      ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
        System.err.println("tide: the launching process (pid " + parent.pid() + ") exited; stopping");
        System.exit(0);
      }));
    }
    stopped.await();
    return 0;
  }

  /** Refuses a port another process listens on, naming the option to change. */
  static void checkPortFree(String host, int port, String option) {
    if (port == 0) {
      return;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as the server binds: a port in TIME_WAIT is free
      s.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new CliException("port " + port + " on " + host + " (" + option + ") is already in use by another process;"
          + " stop that process or choose another " + option);
    }
  }

  /** Cluster mode: the data directory must be a directory this process can create and write. */
  static void checkDataDir(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new CliException("--data-dir " + dir + " is a file, not a directory; give a directory (it is created"
          + " if missing)");
    }
    Path abs = dir.toAbsolutePath();
    for (Path a = abs.getParent(); a != null; a = a.getParent()) {
      if (Files.exists(a)) {
        if (!Files.isDirectory(a)) {
          throw new CliException("--data-dir " + dir + " cannot be created: " + a + " is a file, not a directory");
        }
        break;
      }
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CliException("--data-dir " + dir + " cannot be created (" + reason(e) + "); give a directory you can"
          + " write");
    }
    Path probe = dir.resolve(".write-test");
    try {
      Files.writeString(probe, "tide");
      Files.delete(probe);
    } catch (IOException e) {
      throw new CliException("--data-dir " + dir + " is not writable (" + reason(e) + "); give a directory you can"
          + " write");
    }
  }

  private static String reason(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  ClusterConfig buildClusterConfig(ServerConfig server) {
    if (dataDir == null || busPort == null) {
      throw new CliException("cluster mode (--node-id) also needs --data-dir and --bus-port, and --bootstrap to form "
          + "a cluster or --join to join one");
    }
    if (bootstrap != null && !bootstrap.isEmpty() && join != null && !join.isEmpty()) {
      throw new CliException("--bootstrap and --join cannot be used together: --bootstrap forms a new cluster from "
          + "the listed members, --join adds this node to a running cluster; give only one");
    }
    if (server.port == 0) {
      throw new CliException("cluster mode needs a fixed --port (other members redirect clients to it)");
    }
    ClusterConfig c = new ClusterConfig();
    c.nodeName = nodeId;
    c.dataDir = dataDir;
    c.host = server.bind.equals("0.0.0.0") ? "127.0.0.1" : server.bind;
    c.port = server.port;
    c.busPort = busPort;
    try {
      if (bootstrap != null) {
        for (String entry : bootstrap) {
          c.bootstrap.add(Member.parse(entry));
        }
      }
      if (join != null) {
        c.join = join;
      }
      if (zone != null) {
        c.zone = zone;
      }
      if (partitions != null) {
        c.partitions = partitions;
      }
      if (replicas != null) {
        c.replicas = replicas;
      }
      if (electionTimeoutMs != null) {
        c.electionTimeoutMs = electionTimeoutMs;
      }
      if (durability != null) {
        c.durability = Durability.parse(durability);
      }
      c.voteWhileRecovering = voteWhileRecovering;
      return c.conclude();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  ServerConfig buildConfig() {
    ServerConfig config = new ServerConfig();
    if (configFile != null) {
      if (!Files.isReadable(configFile)) {
        throw new CliException("--config: cannot read " + configFile);
      }
      config.loadFile(configFile);
    }
    config.port = port;
    config.bind = bind;
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be between 0 and 65535, got " + port);
    }
    if (maxmemory != null) {
      config.maxmemoryBytes = Sizes.parse("--maxmemory", maxmemory);
    }
    if (maxmemoryPolicy != null) {
      config.maxmemoryPolicy = ServerConfig.parsePolicy(maxmemoryPolicy);
    }
    if (requirePass != null) {
      config.requirePass = requirePass;
    }
    if (metricsPort != null) {
      if (metricsPort < 0 || metricsPort > 65535) {
        throw new CliException("--metrics-port must be between 0 and 65535, got " + metricsPort);
      }
      config.metricsPort = metricsPort;
    }
    if (shards != null) {
      config.shards = shards;
    }
    if (capacityOps != null) {
      config.set("capacity-ops", Integer.toString(capacityOps)); // range checked where the setting is defined
    }
    return config.conclude();
  }
}
