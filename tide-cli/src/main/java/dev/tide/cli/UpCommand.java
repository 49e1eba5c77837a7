package dev.tide.cli;

import dev.tide.cluster.local.Layout;
import dev.tide.cluster.local.LocalCluster;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.status.ClusterStatus;
import dev.tide.cluster.status.StatusTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code tide up}: a local cluster with everything on. Starts N {@code tide server} processes
 * (node i serves RESP on base-port + i − 1, its Raft bus on that + 10000, metrics on
 * metrics-base-port + i − 1) with data under {@code ./.tide/ni}, waits until every partition
 * has a leader, prints how to connect and a one-line status, and stops every node on Ctrl-C.
 *
 * <p>Running it again restarts the same cluster on its data (options not given are taken from
 * {@code ./.tide/cluster.properties}; options that contradict it are refused); {@code --fresh}
 * deletes the data first. {@code --nodes 1} is a one-node cluster (cluster mode, replicated log
 * on disk); {@code ./tide server} is the in-memory single-node server with the full command set.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Start a local Tide cluster with everything on (3 node processes by default).",
        "Data under ./.tide, metrics on; waits until every partition has a leader; Ctrl-C stops every node.",
        "Running it again restarts the same cluster on its data (--fresh: start a new one)."})
public final class UpCommand implements Callable<Integer> {

  /** Default heap per node: 3 nodes must fit next to each other on a small machine (JRaft's RocksDB lives off-heap). */
  static final String DEFAULT_NODE_HEAP = "512m";
  static final int DEFAULT_NODES = 3;
  static final int DEFAULT_BASE_PORT = 7000;
  static final int DEFAULT_METRICS_BASE_PORT = 9121;
  /** Raft bus port = client port + this (Redis Cluster's convention). */
  static final int BUS_PORT_OFFSET = 10_000;
  /** How often the running cluster is checked for nodes that exited. */
  static final long WATCH_INTERVAL_MS = 1_000;

  @Option(names = "--nodes", paramLabel = "N", description = "Nodes (default: 3, or the existing cluster's).")
  Integer nodes;

  @Option(names = "--partitions", paramLabel = "N", description = "Partitions (default: 16, or the existing cluster's).")
  Integer partitions;

  @Option(names = "--replicas", paramLabel = "N",
      description = "Replicas per partition (default: 3 capped at --nodes, or the existing cluster's).")
  Integer replicas;

  @Option(names = {"--base-port", "--port"}, paramLabel = "PORT",
      description = "Client port of node 1; node i uses base + i - 1, its bus port + 10000 (default: 7000).")
  Integer basePort;

  @Option(names = "--metrics-base-port", paramLabel = "PORT",
      description = "Metrics port of node 1, node i uses base + i - 1; 0 = off (default: 9121).")
  Integer metricsBasePort;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the cluster's data lives (default: ./.tide).")
  Path dataDir = Path.of(".tide");

  @Option(names = "--fresh", description = "Delete the existing cluster's data first and start a new cluster.")
  boolean fresh;

  @Option(names = "--node-heap", paramLabel = "SIZE",
      description = "Java heap of each node, e.g. 512m, 2g (default: " + DEFAULT_NODE_HEAP + ").")
  String nodeHeap = DEFAULT_NODE_HEAP;

  /** Generous: 3 JVMs starting on 2 cores shared with other builds (load average ~90) once took 114 s. */
  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Give up when not every partition has a leader after this long (default: 300).")
  int timeoutSecs = 300;

  @Override
  public Integer call() throws Exception {
    if (!nodeHeap.matches("[0-9]+[kKmMgG]?")) {
      throw new CliException("--node-heap must be a Java heap size like 512m or 2g, got '" + nodeHeap + "'");
    }
    if (timeoutSecs < 1) {
      throw new CliException("--timeout must be at least 1 second, got " + timeoutSecs);
    }
    Path root = dataDir.toAbsolutePath().normalize();
    Layout layout = layout(root);
    List<String> command = LocalCluster.javaCommand(System.getProperty("java.class.path"), TideCli.class.getName(),
        true, nodeHeap, List.of());
    LocalCluster cluster = new LocalCluster(command, layout, root, List.of());
    PrintStream out = System.out;
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      stopping.set(true);
      out.println();
      out.println("tide: stopping " + layout.nodes() + " nodes ...");
      cluster.close();
      out.println("tide: stopped; data kept in " + root + " (./tide up restarts this cluster)");
      stopped.countDown();
    }, "tide-up-shutdown");
    try {
      cluster.refuseIfRunningElsewhere();
      if (fresh) {
        LocalCluster.wipe(root);
      }
      boolean restart = Layout.load(root) != null;
      out.println("tide: " + (restart ? "restarting the cluster in " : "starting a new cluster in ") + root
          + ": " + layout.describe() + ", " + nodeHeap + " heap per node");
      Runtime.getRuntime().addShutdownHook(hook);
      cluster.start();
    } catch (IllegalStateException | IllegalArgumentException | IOException e) {
      removeHook(hook);
      cluster.close();
      throw new CliException(e.getMessage());
    }
    for (int i = 1; i <= layout.nodes(); i++) {
      out.printf(Locale.ROOT, "  %-4s 127.0.0.1:%d  bus %d  pid %d  log %s%n", layout.name(i), layout.port(i),
          layout.busPort(i), cluster.pid(i), cluster.logFile(i));
    }
    long t0 = System.nanoTime();
    Progress progress = new Progress(out, layout, t0);
    ClusterStatus ready;
    try {
      ready = cluster.awaitLeaders(Duration.ofSeconds(timeoutSecs), progress::update);
    } catch (LocalCluster.NodeExitedException | TimeoutException e) {
      progress.end();
      if (stopping.get()) { // Ctrl-C while waiting: the nodes exit with it; the hook reports
        stopped.await();
        return 0;
      }
      removeHook(hook);
      cluster.close();
      throw new CliException(e.getMessage().stripTrailing());
    }
    progress.end();
    String dirOption = root.equals(Path.of(".tide").toAbsolutePath().normalize()) ? "" : " --data-dir " + root;
    printReady(out, layout, root, dirOption, ready, (System.nanoTime() - t0) / 1e9);
    watch(cluster, layout, stopped, stopping);
    return 0;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  /** The layout to run: options given win, the rest from the stored cluster, else defaults. */
  Layout layout(Path root) {
    Layout stored = null;
    if (!fresh) {
      try {
        stored = Layout.load(root);
      } catch (IOException e) {
        throw new CliException(e.getMessage());
      }
    }
    int n = nodes != null ? nodes : stored != null ? stored.nodes() : DEFAULT_NODES;
    int p = partitions != null ? partitions : stored != null ? stored.partitions() : ClusterMap.DEFAULT_PARTITIONS;
    int r = replicas != null ? replicas : stored != null ? stored.replicas() : Math.min(ClusterMap.DEFAULT_REPLICAS, n);
    int base = basePort != null ? basePort : stored != null ? stored.basePort() : DEFAULT_BASE_PORT;
    int metrics = metricsBasePort != null ? metricsBasePort
        : stored != null ? stored.metricsBasePort() : DEFAULT_METRICS_BASE_PORT;
    try {
      return new Layout(n, p, r, "127.0.0.1", base, BUS_PORT_OFFSET, metrics);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  private static void printReady(PrintStream out, Layout layout, Path root, String dirOption, ClusterStatus s,
                                 double secs) {
    List<String> ports = new ArrayList<>();
    List<String> metrics = new ArrayList<>();
    for (int i = 1; i <= layout.nodes(); i++) {
      ports.add(Integer.toString(layout.port(i)));
      if (layout.metricsPort(i) != 0) {
        metrics.add("http://127.0.0.1:" + layout.metricsPort(i) + "/metrics");
      }
    }
    out.println();
    out.printf(Locale.ROOT, "  Tide is up (%.1f s): %s%n", secs, StatusTables.summary(s));
    out.println();
    out.println("  connect:  redis-cli -c -p " + layout.port(1)
        + (layout.nodes() > 1 ? "      (any node: " + String.join(", ", ports) + ")" : ""));
    if (!metrics.isEmpty()) {
      out.println("  metrics:  " + String.join("  ", metrics));
    }
    out.println("  status:   ./tide status [--watch]" + dirOption);
    out.println("  data:     " + root + "   (./tide up" + dirOption + " again restarts this cluster; --fresh starts"
        + " a new one)");
    out.println("  stop:     Ctrl-C");
    out.println();
  }

  /** Until Ctrl-C: reports a node that exits (it is not restarted: a crash is worth seeing). */
  private static void watch(LocalCluster cluster, Layout layout, CountDownLatch stopped, AtomicBoolean stopping)
      throws InterruptedException {
    boolean[] reported = new boolean[layout.nodes() + 1];
    while (!stopped.await(WATCH_INTERVAL_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      for (int i = 1; i <= layout.nodes(); i++) {
        if (!reported[i] && !stopping.get() && !cluster.isRunning(i)) {
          reported[i] = true;
          System.out.println("tide: " + layout.name(i) + " is no longer running; see " + cluster.logFile(i)
              + " (the others go on; Ctrl-C and ./tide up restarts it)");
        }
      }
    }
  }

  /** The "waiting for leaders" line: rewritten in place on a terminal, a line per change otherwise. */
  private static final class Progress {
    private final PrintStream out;
    private final Layout layout;
    private final long t0;
    private final boolean terminal = System.console() != null;
    private String last = "";
    private boolean open;

    Progress(PrintStream out, Layout layout, long t0) {
      this.out = out;
      this.layout = layout;
      this.t0 = t0;
    }

    void update(ClusterStatus s) {
      String state = s == null ? "no node answering yet"
          : s.upCount() + "/" + layout.nodes() + " nodes answering, " + s.ledCount() + "/" + layout.partitions()
          + " partitions led";
      double secs = (System.nanoTime() - t0) / 1e9;
      if (terminal) {
        out.printf(Locale.ROOT, "\r  waiting for leaders: %s (%.0f s)   ", state, secs);
        out.flush();
        open = true;
      } else if (!state.equals(last)) {
        out.printf(Locale.ROOT, "  waiting for leaders: %s (%.1f s)%n", state, secs);
      }
      last = state;
    }

    void end() {
      if (open) {
        out.println();
        open = false;
      }
    }
  }
}
