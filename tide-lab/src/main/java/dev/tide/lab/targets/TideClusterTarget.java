package dev.tide.lab.targets;

import dev.tide.cluster.local.Layout;
import dev.tide.cluster.local.LocalCluster;
import dev.tide.cluster.status.ClusterStatus;
import dev.tide.lab.driver.ClusterDriver;
import dev.tide.lab.driver.Driver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A local Tide cluster of real processes: {@code nodes} {@code tide server --node-id ...} JVMs
 * started from the built CLI jar by {@link LocalCluster} (the same launch a user gets), each
 * partition a Raft group with {@code min(3, nodes)} replicas, fsync on commit, linearizable
 * reads (ReadIndex). {@link #start} waits until every partition has a leader that every replica
 * knows; the client is the lab's {@link ClusterDriver} (follows MOVED/ASK/TRYAGAIN).
 *
 * <p>Processes are stopped by PID ({@link LocalCluster#close}: SIGTERM, SIGKILL after a grace
 * period) and the data root, a temporary directory, is deleted. The failover benchmark reaches
 * the {@link LocalCluster} through {@link #cluster()} to {@code kill -9} and restart nodes.
 */
public final class TideClusterTarget implements Target {

  /** Replication factor: 3, the issue's RF (capped at the node count). */
  public static final int REPLICAS = 3;
  /** Partitions: the server's default, so the benchmark measures what a user starts. */
  public static final int DEFAULT_PARTITIONS = 16;
  /** Raft bus port = client port + this (Redis's convention for its cluster bus). */
  static final int BUS_PORT_OFFSET = 10_000;
  /** Heap of each node: the benchmark's data is a few MB; the bound keeps 3 JVMs polite on a shared machine. */
  static final String NODE_MAX_HEAP = "1g";
  /** Time for every partition to elect a leader: 3 JVMs starting at once on 2 busy cores take 10-30 s. */
  static final Duration LEADERS_TIMEOUT = Duration.ofSeconds(180);
  /** Leaders must stay put this long before load starts (several election timeouts of 300-600 ms). */
  static final Duration STABLE_FOR = Duration.ofSeconds(3);
  /** Most time spent waiting for stable leaders. */
  static final Duration STABLE_TIMEOUT = Duration.ofSeconds(60);
  static final long STABLE_POLL_MS = 250;
  /** Attempts to find {@code nodes} consecutive free client ports whose bus ports are free too. */
  static final int PORT_ATTEMPTS = 100;
  /**
   * Client base ports are picked in [20000, 22000): their bus ports then lie in [30000, 32000),
   * below Linux's ephemeral range (32768+), so an outgoing connection never holds a bus port.
   */
  static final int BASE_PORT_LOW = 20_000;
  static final int BASE_PORT_HIGH = 22_000;

  private final LocalCluster cluster;
  private final Path root;
  private final String description;

  private TideClusterTarget(LocalCluster cluster, Path root, String description) {
    this.cluster = cluster;
    this.root = root;
    this.description = description;
  }

  /** The JVM command of a node: the launcher's flags for the server (ZGC, small stacks), bounded heap. */
  static List<String> nodeCommand(Path repoRoot) {
    Path jar = TideTarget.cliJar(repoRoot);
    if (jar == null) {
      throw new IllegalStateException("tide-cli is not built under " + repoRoot
          + " (run ./tide once: the tide-cluster target starts real node processes from its jar)");
    }
    List<String> flags = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "-Xss512k",
        "-XX:+ExitOnOutOfMemoryError", "-XX:+UseZGC"));
    if (Runtime.version().feature() < 23) {
      flags.add("-XX:+ZGenerational");
    }
    if (Runtime.version().feature() >= 25) {
      flags.add("-XX:+UseCompactObjectHeaders");
    }
    String cp = jar + ":" + repoRoot.resolve("tide-cli/target/lib") + "/*";
    return LocalCluster.javaCommand(cp, "dev.tide.cli.TideCli", false, NODE_MAX_HEAP, flags);
  }

  /**
   * Starts {@code nodes} node processes and waits for every partition's leader.
   *
   * @param log receives one line per readiness poll that changed (may be a no-op)
   */
  public static TideClusterTarget start(Path repoRoot, int nodes, int partitions, Consumer<String> log) {
    List<String> command = nodeCommand(repoRoot);
    Path root = Processes.tempDir("lab-tide-cluster");
    Layout layout = new Layout(nodes, partitions, Math.min(REPLICAS, nodes), "127.0.0.1", freeBasePort(nodes),
        BUS_PORT_OFFSET, 0);
    LocalCluster cluster = new LocalCluster(command, layout, root, List.of());
    try {
      cluster.start();
      String[] last = {""};
      cluster.awaitLeaders(LEADERS_TIMEOUT, s -> {
        String line = s == null ? "waiting for the nodes to listen"
            : s.upCount() + "/" + nodes + " nodes up, " + s.ledCount() + "/" + partitions + " partitions led";
        if (!line.equals(last[0])) {
          last[0] = line;
          log.accept(line);
        }
      });
      awaitStableLeaders(cluster, log);
      StringBuilder pids = new StringBuilder();
      for (int i = 1; i <= nodes; i++) {
        pids.append(i == 1 ? "" : ",").append(cluster.pid(i));
      }
      String description = "Tide 0.1.0 cluster, " + nodes + " node processes (JDK " + Runtime.version().feature()
          + ", ZGC, -Xmx" + NODE_MAX_HEAP + "), " + partitions + " partitions x RF " + layout.replicas()
          + " (SOFAJRaft, fsync on commit, ReadIndex reads), pids " + pids;
      return new TideClusterTarget(cluster, root, description);
    } catch (IOException e) {
      closeQuietly(cluster, root);
      throw new UncheckedIOException("tide-cluster did not start: " + e.getMessage(), e);
    } catch (TimeoutException e) {
      closeQuietly(cluster, root);
      throw new IllegalStateException("tide-cluster did not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      closeQuietly(cluster, root);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting tide-cluster", e);
    } catch (RuntimeException e) {
      closeQuietly(cluster, root);
      throw e;
    }
  }

  /**
   * Waits until no partition has changed leader or term for {@link #STABLE_FOR}: right after
   * start-up, with 3 JVMs compiling on 2 cores, a heartbeat can be late and a partition re-elects;
   * load sent then would measure the start-up, not the cluster. Gives up (with a line in the log)
   * after {@link #STABLE_TIMEOUT} and goes on: the run then shows the elections as retries.
   */
  static void awaitStableLeaders(LocalCluster cluster, Consumer<String> log) throws InterruptedException {
    long deadline = System.nanoTime() + STABLE_TIMEOUT.toNanos();
    String last = null;
    long sameSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      String leaders;
      try {
        leaders = leadersAndTerms(cluster.status());
      } catch (IOException e) {
        leaders = "no answer: " + e.getMessage();
      }
      long now = System.nanoTime();
      if (!leaders.equals(last)) {
        last = leaders;
        sameSince = now;
      } else if (!leaders.contains("-") && now - sameSince >= STABLE_FOR.toNanos()) {
        return;
      }
      Thread.sleep(STABLE_POLL_MS);
    }
    log.accept("leaders did not stay put for " + STABLE_FOR.toSeconds() + " s within " + STABLE_TIMEOUT.toSeconds()
        + " s; going on");
  }

  /** "partition:leader@term ..." for every partition, "-" for a partition without a serving leader. */
  static String leadersAndTerms(ClusterStatus s) {
    StringBuilder sb = new StringBuilder();
    for (ClusterStatus.PartitionView p : s.partitions()) {
      sb.append(p.partition()).append(':')
          .append(p.leader() == null ? "-" : p.leader().name() + "@" + p.term()).append(' ');
    }
    return sb.toString();
  }

  private static void closeQuietly(LocalCluster cluster, Path root) {
    cluster.close();
    Processes.deleteTree(root);
  }

  /** A base port with {@code n} consecutive free client ports whose bus ports (+10000) are free too. */
  static int freeBasePort(int n) {
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(BASE_PORT_LOW, BASE_PORT_HIGH - n);
      if (allFree(base, n) && allFree(base + BUS_PORT_OFFSET, n)) {
        return base;
      }
    }
    throw new IllegalStateException("no " + n + " consecutive free ports found in " + BASE_PORT_LOW + ".."
        + BASE_PORT_HIGH);
  }

  private static boolean allFree(int base, int n) {
    for (int p = base; p < base + n; p++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", p));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** The process manager: kill, restart and ask the nodes for their status. */
  public LocalCluster cluster() {
    return cluster;
  }

  /** The cluster's status (TIDE.STATUS of every node). */
  public ClusterStatus status() throws IOException {
    return cluster.status();
  }

  @Override
  public String name() {
    return "tide-cluster";
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Driver connect(ClientIo io, TargetGuard guard, int lanes, long timeoutNs) {
    return new ClusterDriver(io, guard, "127.0.0.1", port(), lanes, timeoutNs);
  }

  @Override
  public int port() {
    return cluster.layout().port(1);
  }

  /** PIDs of the running nodes (a killed node has none until it is restarted). */
  @Override
  public List<Long> pids() {
    List<Long> out = new ArrayList<>();
    for (int i = 1; i <= cluster.layout().nodes(); i++) {
      if (cluster.isRunning(i)) {
        out.add(cluster.pid(i));
      }
    }
    return out;
  }

  /** Set (to anything) to keep a tide-cluster target's data root and node logs after it stops, for a post-mortem. */
  public static final String KEEP_DATA_ENV = "TIDE_LAB_KEEP_DATA";

  @Override
  public void close() {
    if (System.getenv(KEEP_DATA_ENV) != null) {
      System.err.println("lab: tide-cluster data and node logs kept in " + closeKeepingData() + " (" + KEEP_DATA_ENV
          + " is set)");
      return;
    }
    closeQuietly(cluster, root);
  }

  /** Stops every node but keeps the data root (Raft logs, snapshots, node logs) for inspection; returns it. */
  public Path closeKeepingData() {
    cluster.close();
    return root;
  }
}
