package dev.tide.cli;

import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;
import dev.tide.server.config.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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

  @Override
  public Integer call() throws Exception {
    ServerConfig config = buildConfig();
    TideServer server = new TideServer(config);
    try {
      server.start();
    } catch (Exception e) {
      server.close();
      throw new CliException("cannot listen on " + config.bind + ":" + config.port + ": " + e.getMessage());
    }
    System.out.println("Tide " + "listening on " + config.bind + ":" + server.port()
        + " — connect with: redis-cli -p " + server.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "tide-shutdown"));
    stopped.await();
    return 0;
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
