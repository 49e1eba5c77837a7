package dev.tide.cli;

import dev.tide.cluster.local.Layout;
import dev.tide.cluster.local.LocalCluster;
import dev.tide.cluster.status.ClusterStatus;
import dev.tide.cluster.status.StatusTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tide status}: asks every member of a cluster for {@code TIDE.STATUS} and prints a nodes
 * table (up/down, addresses, partitions led and followed, keys, memory) and a partitions table
 * (slots, leader, term, commit and applied index, keys, replicas, each follower's lag). The
 * cluster is the local one under {@code ./.tide} ({@code ./tide up}) unless {@code --port}
 * names any node of another.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show a Tide cluster's nodes and partitions: who is up, who leads what, term, commit index, lag.",
        "Without --port: the local cluster of ./tide up (./.tide)."})
public final class StatusCommand implements Callable<Integer> {

  /** Per-node connect/reply timeout: loopback answers in well under a millisecond; a frozen node is shown down. */
  static final int TIMEOUT_MS = 1_000;

  @Option(names = "--host", paramLabel = "HOST", description = "A node's host (default: 127.0.0.1).")
  String host = "127.0.0.1";

  @Option(names = {"--port", "-p"}, paramLabel = "PORT", description = "Any node's client port (default: the local cluster's).")
  Integer port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The local cluster's directory (default: ./.tide).")
  Path dataDir = Path.of(".tide");

  @Option(names = {"--watch", "-w"}, description = "Refresh every --interval until Ctrl-C.")
  boolean watch;

  @Option(names = "--interval", paramLabel = "SECONDS", description = "Refresh interval with --watch (default: 1).")
  double intervalSecs = 1;

  @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N refreshes (default: no limit).")
  Long count;

  @Override
  public Integer call() throws Exception {
    if (intervalSecs < 0.1 || intervalSecs > 3600) {
      throw new CliException("--interval must be between 0.1 and 3600 seconds, got " + intervalSecs);
    }
    if (count != null && count < 1) {
      throw new CliException("--count must be at least 1, got " + count);
    }
    List<ClusterStatus.Endpoint> seeds;
    Map<String, String> names = Map.of();
    Layout layout;
    try {
      layout = Layout.load(dataDir.toAbsolutePath().normalize());
    } catch (IOException e) {
      layout = null;
    }
    if (port != null) {
      if (port < 1 || port > 65535) {
        throw new CliException("--port must be between 1 and 65535, got " + port);
      }
      seeds = List.of(new ClusterStatus.Endpoint(host, port));
      if (layout != null) {
        names = LocalCluster.names(layout);
      }
    } else {
      if (layout == null) {
        throw new CliException("no local cluster in " + dataDir.toAbsolutePath().normalize()
            + " (start one with ./tide up, or name any node of a cluster with --host/--port)");
      }
      seeds = new java.util.ArrayList<>();
      for (int i = 1; i <= layout.nodes(); i++) {
        seeds.add(new ClusterStatus.Endpoint(layout.host(), layout.port(i)));
      }
      names = LocalCluster.names(layout);
    }
    PrintStream out = System.out;
    boolean terminal = System.console() != null;
    long shown = 0;
    while (true) {
      String text;
      boolean ok;
      try {
        text = StatusTables.render(ClusterStatus.fetch(seeds, names, TIMEOUT_MS));
        ok = true;
      } catch (IOException e) {
        text = e.getMessage() + "\nis the cluster running? (./tide up)";
        ok = false;
      }
      if (!watch) {
        if (!ok) {
          System.err.println("tide: " + text);
          return 1;
        }
        out.print(text);
        return 0;
      }
      if (terminal) {
        out.print("\033[H\033[2J"); // home + clear: the tables redraw in place
      } else if (shown > 0) {
        out.println();
      }
      out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  (every "
          + intervalSecs + " s, Ctrl-C to stop)");
      out.print(text.endsWith("\n") ? text : text + "\n");
      out.flush();
      shown++;
      if (count != null && shown >= count) {
        return 0;
      }
      Thread.sleep((long) (intervalSecs * 1000));
    }
  }
}
