package dev.tide.cluster.local;

import dev.tide.cluster.status.ClusterStatus;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A cluster of Tide nodes on this machine, each a child process ({@code tide server --node-id
 * ni ...}), with its data under {@code ROOT/ni} and its output in {@code ROOT/ni/node.log}.
 * Used by {@code ./tide up}, the real-process tests, and tools that need to crash, freeze or
 * restart nodes (the chaos lab, cluster benchmarks).
 *
 * <p><b>Processes.</b> Every signal goes to a PID this object started: {@link #kill} is
 * {@code kill -9}, {@link #pause}/{@link #resume} are SIGSTOP/SIGCONT, {@link #stop} is SIGTERM
 * (the node's shutdown hook closes its Raft groups) with SIGKILL after
 * {@link #STOP_GRACE}. Nothing is ever found or killed by name. Nodes are started with
 * {@code --stop-with-parent}, so they exit if the process that launched them dies without
 * stopping them (a test JVM killed by a timeout, {@code kill -9} of {@code ./tide up}).
 *
 * <p><b>Data.</b> The layout (node count, partitions, replicas, ports) is written to
 * {@code ROOT/cluster.properties} on the first start; starting again on the same root is a
 * restart of the same cluster (each node reopens its Raft logs and snapshots). A different
 * layout on a used root is refused with a message naming the differences; {@link #wipe} clears
 * a root (only one that holds a local cluster).
 *
 * <p><b>Readiness.</b> {@link #awaitLeaders} asks every node for {@code TIDE.STATUS} over RESP
 * until each partition has a leader that serves and every replica knows it, and fails early,
 * with the end of the node's log, when a node process exits meanwhile.
 *
 * <p>One owner drives it (a test, the {@code up} command): no two threads start or signal nodes
 * at once. {@link #close} may run from a shutdown hook while the owner polls {@link #isRunning}
 * or {@link #pid}, which read each process slot once and so tolerate a concurrent close.
 */
public final class LocalCluster implements AutoCloseable {

  /** How long SIGTERM gets before SIGKILL: a node closes 16 Raft groups in well under a second; slack for 2 busy cores. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(20);
  /** How often {@link #awaitLeaders} polls the nodes. */
  static final long POLL_INTERVAL_MS = 250;
  /** Connect/reply timeout per node while polling: loopback answers in microseconds; a paused node must not stall the poll. */
  static final int STATUS_TIMEOUT_MS = 1_000;
  /** Lines of a node's log quoted when it fails to start. */
  static final int LOG_TAIL_LINES = 25;
  /** Bytes read from the end of a log to find those lines. */
  static final int LOG_TAIL_BYTES = 16 * 1024;

  /** The launch command of a node, without the {@code server ...} arguments. */
  private final List<String> command;
  private final Layout layout;
  private final Path root;
  private final List<String> extraArgs;
  private final Process[] processes;

  /**
   * @param command   the node launch command up to the main class, e.g. {@code java -Xmx512m -cp CP
   *                  dev.tide.cli.TideCli} (see {@link #javaCommand})
   * @param layout    nodes, partitions, replicas, ports
   * @param root      data root; node i uses {@code root/ni}
   * @param extraArgs more {@code tide server} arguments for every node (e.g. {@code --election-timeout-ms 300})
   */
  public LocalCluster(List<String> command, Layout layout, Path root, List<String> extraArgs) {
    this.command = List.copyOf(command);
    this.layout = layout;
    this.root = root.toAbsolutePath().normalize();
    this.extraArgs = List.copyOf(extraArgs);
    this.processes = new Process[layout.nodes() + 1];
  }

  /**
   * A launch command running {@code mainClass} on {@code classPath} with this JVM's java binary.
   *
   * @param inheritFlags pass on this JVM's own flags (collector, compact headers, native access
   *                     ...: what the {@code ./tide} launcher chose), minus heap sizes when
   *                     {@code maxHeap} is given, and minus agents, debuggers and system properties
   * @param maxHeap      {@code -Xmx} of each node (e.g. "512m"), or null for the JVM's default
   * @param moreFlags    further JVM flags, after the inherited ones (so they win)
   */
  public static List<String> javaCommand(String classPath, String mainClass, boolean inheritFlags, String maxHeap,
                                         List<String> moreFlags) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (inheritFlags) {
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        boolean heap = a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-XX:SoftMaxHeapSize")
            || a.startsWith("-XX:MaxRAM");
        boolean harness = a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-D")
            || a.startsWith("-Xdebug") || a.startsWith("-Xrunjdwp");
        if (!(heap && maxHeap != null) && !harness) {
          cmd.add(a);
        }
      }
    }
    if (maxHeap != null) {
      cmd.add("-Xmx" + maxHeap);
    }
    cmd.addAll(moreFlags);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    return cmd;
  }

  public Layout layout() {
    return layout;
  }

  public Path root() {
    return root;
  }

  public Path dataDir(int i) {
    return root.resolve(layout.name(i));
  }

  public Path logFile(int i) {
    return dataDir(i).resolve("node.log");
  }

  private Path pidFile(int i) {
    return dataDir(i).resolve("node.pid");
  }

  // ---- starting --------------------------------------------------------------------------------

  /**
   * Records the layout (or checks it against the one recorded under the root) and starts every
   * node that is not running. Does not wait for leaders ({@link #awaitLeaders}).
   *
   * @throws IllegalStateException with a message saying what to fix: a different layout on
   *         this root, a node of an earlier run still running, a port in use
   */
  public LocalCluster start() throws IOException {
    Layout stored = Layout.load(root);
    if (stored != null) {
      String diff = stored.differences(layout);
      if (!diff.isEmpty()) {
        throw new IllegalStateException(root + " holds another local cluster (" + stored.describe() + "); asked for "
            + layout.describe() + " (" + diff + "). Start it with the same options, or use --fresh to delete it"
            + " and create a new one.");
      }
    }
    refuseIfRunningElsewhere();
    for (int i = 1; i <= layout.nodes(); i++) {
      if (!isRunning(i)) {
        checkPortsFree(i);
      }
    }
    layout.save(root);
    for (int i = 1; i <= layout.nodes(); i++) {
      if (!isRunning(i)) {
        startNode(i);
      }
    }
    return this;
  }

  /** Starts node i (1-based) as a child process, appending its output to its log. */
  public void startNode(int i) throws IOException {
    checkIndex(i);
    if (isRunning(i)) {
      throw new IllegalStateException(layout.name(i) + " is already running (pid " + processes[i].pid() + ")");
    }
    Path dir = dataDir(i);
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of("server", "--node-id", layout.name(i), "--data-dir", dir.toString(), "--bind", layout.host(),
        "--port", Integer.toString(layout.port(i)), "--bus-port", Integer.toString(layout.busPort(i)),
        "--bootstrap", layout.bootstrap(), "--partitions", Integer.toString(layout.partitions()),
        "--replicas", Integer.toString(layout.replicas()), "--stop-with-parent"));
    if (layout.metricsPort(i) != 0) {
      cmd.addAll(List.of("--metrics-port", Integer.toString(layout.metricsPort(i))));
    }
    cmd.addAll(extraArgs);
    Path log = logFile(i);
    Files.writeString(log, "---- " + Instant.now() + " starting " + layout.name(i) + ": " + String.join(" ", cmd)
        + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    processes[i] = p;
    Files.writeString(pidFile(i), Long.toString(p.pid()) + "\n", StandardCharsets.UTF_8);
  }

  /**
   * Refuses (IllegalStateException naming the PID) when a node of an earlier run on this root
   * still runs: its pid file names a live process whose command line holds its data directory.
   * Call before {@link #wipe} too.
   */
  public void refuseIfRunningElsewhere() throws IOException {
    for (int i = 1; i <= layout.nodes(); i++) {
      checkNotRunningElsewhere(i);
    }
  }

  private void checkNotRunningElsewhere(int i) throws IOException {
    if (processes[i] != null) {
      return;
    }
    Path pidFile = pidFile(i);
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
    } catch (NumberFormatException e) {
      return;
    }
    ProcessHandle h = ProcessHandle.of(pid).orElse(null);
    if (h == null || !h.isAlive()) {
      return;
    }
    if (commandLine(h).contains(" " + dataDir(i) + " ")) {
      throw new IllegalStateException(layout.name(i) + " of an earlier run is still running on " + dataDir(i)
          + " (pid " + pid + "); stop it first: kill " + pid);
    }
  }

  /**
   * A process's full command line, arguments separated by spaces and followed by one. From
   * /proc on Linux: the JDK's {@code ProcessHandle.Info} cuts it at 4096 characters, before
   * the node arguments that follow a long class path.
   */
  static String commandLine(ProcessHandle h) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return h.info().commandLine().orElse("") + " ";
    }
  }

  private void checkPortsFree(int i) {
    checkPortFree(i, layout.port(i), "client port", "--base-port");
    checkPortFree(i, layout.busPort(i), "bus port", "--base-port (bus ports are client port + "
        + layout.busPortOffset() + ")");
    if (layout.metricsPort(i) != 0) {
      checkPortFree(i, layout.metricsPort(i), "metrics port", "--metrics-base-port");
    }
  }

  private void checkPortFree(int i, int port, String what, String option) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(layout.host(), port));
    } catch (IOException e) {
      throw new IllegalStateException(what + " " + layout.host() + ":" + port + " of " + layout.name(i)
          + " is already in use by another process; stop that process or choose other ports with " + option);
    }
  }

  // ---- readiness -------------------------------------------------------------------------------

  /** Client endpoints of every node. */
  public List<ClusterStatus.Endpoint> endpoints() {
    List<ClusterStatus.Endpoint> out = new ArrayList<>();
    for (int i = 1; i <= layout.nodes(); i++) {
      out.add(new ClusterStatus.Endpoint(layout.host(), layout.port(i)));
    }
    return out;
  }

  /** Names of the nodes by client address, for showing nodes that are down. */
  public Map<String, String> names() {
    return names(layout);
  }

  public static Map<String, String> names(Layout layout) {
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i <= layout.nodes(); i++) {
      out.put(layout.host() + ":" + layout.port(i), layout.name(i));
    }
    return out;
  }

  /** The cluster's status now, from the running nodes that answer (running ones first). */
  public ClusterStatus status() throws IOException {
    List<ClusterStatus.Endpoint> seeds = new ArrayList<>();
    List<ClusterStatus.Endpoint> all = endpoints();
    for (int i = 1; i <= layout.nodes(); i++) {
      if (isRunning(i)) {
        seeds.add(all.get(i - 1));
      }
    }
    for (ClusterStatus.Endpoint e : all) {
      if (!seeds.contains(e)) {
        seeds.add(e);
      }
    }
    return ClusterStatus.fetch(seeds, names(), STATUS_TIMEOUT_MS);
  }

  /**
   * Waits until every partition has a serving leader known to all its answering replicas and
   * every running node answers.
   *
   * @param progress called after each poll that does not end the wait, with the status (null
   *                 while no node answers yet)
   * @return the status that satisfied the wait
   * @throws NodeExitedException when a node process exits meanwhile (with its log's last lines)
   * @throws TimeoutException    when {@code timeout} passes first (with the last status seen)
   */
  public ClusterStatus awaitLeaders(Duration timeout, Consumer<ClusterStatus> progress)
      throws IOException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ClusterStatus last = null;
    int running = 0;
    for (int i = 1; i <= layout.nodes(); i++) {
      running += isRunning(i) ? 1 : 0;
    }
    while (true) {
      checkAlive();
      ClusterStatus s;
      try {
        s = status();
      } catch (IOException e) {
        s = null; // nobody listening yet
      }
      if (s != null) {
        last = s;
        if (s.upCount() >= running && s.allLed(layout.partitions())) {
          return s;
        }
      }
      progress.accept(s);
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("not every partition had a leader after " + timeout.toSeconds() + " s"
            + (last == null ? " (no node answered)" : ": " + last.ledCount() + "/" + layout.partitions() + " led, "
            + last.upCount() + "/" + layout.nodes() + " nodes up") + "; see the logs in " + root + "/n*/node.log");
      }
      Thread.sleep(POLL_INTERVAL_MS);
    }
  }

  /** A node process exited while it should be running. */
  public static final class NodeExitedException extends IOException {
    public NodeExitedException(String message) {
      super(message);
    }
  }

  /** Throws {@link NodeExitedException} if a node this object started has exited. */
  public void checkAlive() throws NodeExitedException {
    for (int i = 1; i <= layout.nodes(); i++) {
      Process p = processes[i];
      if (p != null && !p.isAlive()) {
        processes[i] = null;
        throw new NodeExitedException(layout.name(i) + " (pid " + p.pid() + ") exited with code " + p.exitValue()
            + "; the end of " + logFile(i) + ":\n" + logTail(logFile(i)));
      }
    }
  }

  /** The last lines of a log file, indented, for error messages. */
  public static String logTail(Path log) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - LOG_TAIL_BYTES);
      f.seek(start);
      byte[] b = new byte[(int) (f.length() - start)];
      f.readFully(b);
      List<String> lines = new String(b, StandardCharsets.UTF_8).lines().toList();
      StringBuilder sb = new StringBuilder();
      for (String l : lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())) {
        sb.append("    ").append(l).append('\n');
      }
      return sb.toString();
    } catch (IOException e) {
      return "    (cannot read " + log + ": " + e.getMessage() + ")\n";
    }
  }

  // ---- processes -------------------------------------------------------------------------------

  public boolean isRunning(int i) {
    checkIndex(i);
    Process p = processes[i];
    return p != null && p.isAlive();
  }

  /** PID of node i, or -1 when this object has not started it. */
  public long pid(int i) {
    checkIndex(i);
    Process p = processes[i];
    return p == null ? -1 : p.pid();
  }

  /** {@code kill -9} node i and wait for it to be gone. */
  public void kill(int i) throws InterruptedException {
    Process p = process(i);
    if (p == null) {
      return;
    }
    p.destroyForcibly(); // SIGKILL on Unix
    if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(layout.name(i) + " (pid " + p.pid() + ") survived SIGKILL");
    }
    processes[i] = null;
  }

  /**
   * SIGTERM to node i (it closes its Raft groups), SIGKILL if it has not exited after
   * {@link #STOP_GRACE}. A paused node is resumed first so that it can act on the SIGTERM.
   */
  public void stop(int i) throws InterruptedException {
    Process p = process(i);
    if (p == null) {
      return;
    }
    try {
      signal(i, "CONT");
    } catch (IOException | RuntimeException ignored) {
      // best effort: SIGKILL after the grace period still ends it
    }
    p.destroy();
    if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
    processes[i] = null;
    deletePidFile(i);
  }

  /** SIGSTOP: node i freezes (no heartbeats, no replies) until {@link #resume}. */
  public void pause(int i) throws IOException, InterruptedException {
    signal(i, "STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume(int i) throws IOException, InterruptedException {
    signal(i, "CONT");
  }

  /** {@code kill -9} node i (if running) and start it again on its data. */
  public void restart(int i) throws IOException, InterruptedException {
    kill(i);
    startNode(i);
  }

  private void signal(int i, String signal) throws IOException, InterruptedException {
    Process p = process(i);
    if (p == null) {
      throw new IllegalStateException(layout.name(i) + " is not running");
    }
    // The JDK sends only TERM and KILL; kill(1) with the PID sends the rest.
    Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).redirectErrorStream(true).start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + p.pid() + " failed: "
          + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }
  }

  private Process process(int i) {
    checkIndex(i);
    Process p = processes[i];
    if (p != null && !p.isAlive()) {
      processes[i] = null;
      return null;
    }
    return p;
  }

  private void deletePidFile(int i) {
    try {
      Files.deleteIfExists(pidFile(i));
    } catch (IOException ignored) {
      // a stale pid file is checked against the process's command line before it is believed
    }
  }

  private void checkIndex(int i) {
    if (i < 1 || i > layout.nodes()) {
      throw new IllegalArgumentException("node index must be in 1.." + layout.nodes() + ", got " + i);
    }
  }

  /**
   * Stops every node: SIGTERM to all (paused ones are resumed first so they can act on it), then
   * waits up to {@link #STOP_GRACE} in total, then SIGKILL to any left.
   */
  @Override
  public void close() {
    List<Integer> started = new ArrayList<>();
    for (int i = 1; i <= layout.nodes(); i++) {
      Process p = processes[i];
      if (p != null && p.isAlive()) {
        try {
          signal(i, "CONT");
        } catch (IOException | InterruptedException | RuntimeException ignored) {
          // best effort: SIGKILL below still works on a stopped process
        }
        p.destroy();
        started.add(i);
      }
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (int i : started) {
      Process p = processes[i];
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      processes[i] = null;
      deletePidFile(i);
    }
  }

  /**
   * Deletes a local cluster's data root. Refuses a directory that does not look like one (no
   * {@link Layout#FILE} and not empty), so a mistyped path never deletes someone's files.
   */
  public static void wipe(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    boolean ours = Files.exists(root.resolve(Layout.FILE));
    boolean empty;
    try (Stream<Path> s = Files.list(root)) {
      empty = s.findAny().isEmpty();
    }
    if (!ours && !empty) {
      throw new IllegalStateException(root + " does not hold a Tide local cluster (no " + Layout.FILE
          + "); not deleting it");
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
