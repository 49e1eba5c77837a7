package dev.tide.cli;

import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;
import dev.tide.server.config.Sizes;
import picocli.CommandLine.Command;
import dev.tide.cluster.ClusterConfig;
import dev.tide.cluster.ClusterNode;
import dev.tide.cluster.map.Member;
import picocli.CommandLine.Option;

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

  @Option(names = "--config", paramLabel = "FILE", description = "Redis-style config file (name value per line).")
  Path configFile;

  @Option(names = "--shards", paramLabel = "N", hidden = true, description = "Keyspace shards (default: 16).")
  Integer shards;

  @Option(names = "--node-id", paramLabel = "NAME",
      description = "Cluster mode: this node's name (with --data-dir, --bus-port, --bootstrap).")
  String nodeId;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Cluster mode: Raft logs and snapshots go here.")
  Path dataDir;

  @Option(names = "--bus-port", paramLabel = "PORT", description = "Cluster mode: port of the Raft bus.")
  Integer busPort;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT@BUS,...", split = ",",
      description = "Cluster mode: every member of the cluster being formed, this node included, in the same "
          + "order on every node (HOST:PORT@BUS, or HOST:BUS meaning PORT = BUS - 10000).")
  List<String> bootstrap;

  @Option(names = "--partitions", paramLabel = "N", description = "Cluster mode: partitions (default: 16).")
  Integer partitions;

  @Option(names = "--replicas", paramLabel = "N", description = "Cluster mode: replicas per partition (default: 3).")
  Integer replicas;

  @Option(names = "--election-timeout-ms", paramLabel = "MS", hidden = true,
      description = "Cluster mode: Raft election timeout (default: 300).")
  Integer electionTimeoutMs;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = buildConfig();
    ClusterConfig clusterConfig = nodeId == null ? null : buildClusterConfig(config);
    TideServer server = new TideServer(config);
    if (clusterConfig != null) {
      // The cluster router goes in before the port opens: a node that listened first answered its
      // first clients from the local single-node keyspace while its Raft groups opened, acknowledging
      // writes it never replicated (found by the chaos checker; docs/bugs-found.md, ClusterStartupTest).
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
      throw new CliException("cannot listen on " + config.bind + ":" + config.port + ": " + e.getMessage());
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
    stopped.await();
    return 0;
  }

  ClusterConfig buildClusterConfig(ServerConfig server) {
    if (dataDir == null || busPort == null || bootstrap == null || bootstrap.isEmpty()) {
      throw new CliException("cluster mode (--node-id) also needs --data-dir, --bus-port and --bootstrap");
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
      for (String entry : bootstrap) {
        c.bootstrap.add(Member.parse(entry));
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
    return config.conclude();
  }
}
