package dev.tide.cli;

import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tide up}: start a local deployment with everything on. For now one node with metrics;
 * the cluster work extends it to several nodes, the gateway and the autoscaler.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Start a local Tide deployment with everything on (today: one node with metrics).")
public final class UpCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT", description = "Client port (default: ${DEFAULT-VALUE}).")
  int port = ServerConfig.DEFAULT_PORT;

  @Option(names = "--metrics-port", paramLabel = "PORT", description = "Metrics port (default: ${DEFAULT-VALUE}).")
  int metricsPort = 9121;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = new ServerConfig();
    config.port = port;
    config.metricsPort = metricsPort;
    config.conclude();
    TideServer server = new TideServer(config);
    try {
      server.start();
    } catch (Exception e) {
      server.close();
      throw new CliException("cannot start on port " + port + ": " + e.getMessage()
          + " (is something else using it? try --port)");
    }
    System.out.println();
    System.out.println("  Tide is up.");
    System.out.println("  connect:  redis-cli -p " + server.port());
    System.out.println("  metrics:  http://127.0.0.1:" + metricsPort + "/metrics");
    System.out.println("  stop:     Ctrl-C");
    System.out.println();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "tide-shutdown"));
    stopped.await();
    return 0;
  }
}
