package dev.tide.lab.chaos.cluster;

import dev.tide.engine.slots.Slots;
import dev.tide.lab.chaos.client.Reply;
import dev.tide.lab.chaos.client.Router;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.targets.Processes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A local Tide cluster of real node processes, started by the chaos harness and hurt by the
 * nemesis: SIGKILL, SIGSTOP/SIGCONT, restart from the data directory; with {@link
 * NetworkNamespaces} each node runs in its own namespace ({@code ip netns exec}, which execs
 * the JVM, so the PID is the node's) and listens on that namespace's address only; with {@link
 * LoopDisks} each data directory is its own filesystem.
 */
public final class ChaosCluster implements AutoCloseable {

  /** Time a node gets to listen after start (JVM start, Raft groups opened, on a busy 2-core machine). */
  static final long START_TIMEOUT_MS = 90_000;
  /** Time a node gets to exit after SIGTERM before SIGKILL. */
  static final long STOP_TIMEOUT_MS = 15_000;
  /** Client port and bus port of every node inside its own namespace. */
  static final int NETNS_PORT = 7000;
  static final int NETNS_BUS_PORT = 17000;
  /** Reply time allowed to the harness's own admin calls (CLUSTER SLOTS, probes). */
  static final long ADMIN_TIMEOUT_MS = 3_000;

  /** What to start. */
  public record Config(int nodes, int partitions, int replicas, NodeCommand command, Path workDir, boolean netns,
                       boolean loopDisks, Integer electionTimeoutMs) {
    public Config {
      if (nodes < 1 || nodes > 9) {
        throw new IllegalArgumentException("chaos clusters have 1..9 nodes, got " + nodes);
      }
    }
  }

  /** One node: where it listens and where its files are. */
  public record Node(int index, String host, int port, int busPort, Path dataDir, Path log) {
    public String address() {
      return host + ":" + port;
    }
  }

  private final Config config;
  private final List<Node> nodes = new ArrayList<>();
  private final Process[] processes;
  private final boolean[] paused;
  private final NetworkNamespaces network;
  private final LoopDisks disks;
  private final TargetGuard guard;
  private final Thread shutdownHook;

  private ChaosCluster(Config config, NetworkNamespaces network, LoopDisks disks) {
    this.config = config;
    this.network = network;
    this.disks = disks;
    this.processes = new Process[config.nodes()];
    this.paused = new boolean[config.nodes()];
    this.guard = network == null ? TargetGuard.LOOPBACK_ONLY : TargetGuard.allowing(network.nodeIps());
    this.shutdownHook = new Thread(this::close, "chaos-cluster-cleanup");
  }

  /** Makes namespaces and disks as configured, starts every node, waits until each listens. */
  public static ChaosCluster start(Config config) {
    NetworkNamespaces net = null;
    LoopDisks disks = null;
    ChaosCluster c = null;
    try {
      Files.createDirectories(config.workDir());
      if (config.netns()) {
        net = NetworkNamespaces.create(config.nodes());
      }
      if (config.loopDisks()) {
        disks = LoopDisks.create(config.workDir(), config.nodes());
      }
      c = new ChaosCluster(config, net, disks);
      Runtime.getRuntime().addShutdownHook(c.shutdownHook);
      c.layout();
      for (int i = 0; i < config.nodes(); i++) {
        c.launch(i);
      }
      for (int i = 0; i < config.nodes(); i++) {
        c.awaitListening(i);
      }
      return c;
    } catch (IOException | RuntimeException e) {
      if (c != null) {
        c.close();
      } else {
        if (disks != null) {
          disks.close();
        }
        if (net != null) {
          net.close();
        }
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  private void layout() throws IOException {
    for (int i = 0; i < config.nodes(); i++) {
      String host = network == null ? "127.0.0.1" : network.ip(i);
      int port = network == null ? Processes.freePort() : NETNS_PORT;
      int bus = network == null ? freeBusPort(port) : NETNS_BUS_PORT;
      Path data = disks == null ? config.workDir().resolve("data-" + i) : disks.dataDir(i);
      Files.createDirectories(data);
      nodes.add(new Node(i, host, port, bus, data, config.workDir().resolve("node-" + i + ".log")));
    }
  }

  /** A bus port: the client port + 10000 when free (Redis's convention), else any free port. */
  private static int freeBusPort(int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port + 10_000));
      return port + 10_000;
    } catch (IOException e) {
      return Processes.freePort();
    }
  }

  private List<String> args(int i) {
    Node n = nodes.get(i);
    List<String> bootstrap = new ArrayList<>();
    for (Node m : nodes) {
      bootstrap.add(m.host() + ":" + m.port() + "@" + m.busPort());
    }
    List<String> a = new ArrayList<>(List.of("server", "--node-id", nodeName(i), "--bind", n.host(), "--port",
        Integer.toString(n.port()), "--bus-port", Integer.toString(n.busPort()), "--data-dir", n.dataDir().toString(),
        "--bootstrap", String.join(",", bootstrap), "--partitions", Integer.toString(config.partitions()),
        "--replicas", Integer.toString(config.replicas())));
    if (config.electionTimeoutMs() != null) {
      a.addAll(List.of("--election-timeout-ms", Integer.toString(config.electionTimeoutMs())));
    }
    return a;
  }

  private void launch(int i) {
    List<String> cmd = config.command().command(args(i));
    if (network != null) {
      cmd = network.exec(i, cmd);
    }
    try {
      processes[i] = new ProcessBuilder(cmd).directory(config.workDir().toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(nodes.get(i).log().toFile())).start();
      paused[i] = false;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start node " + i + ": " + e.getMessage(), e);
    }
  }

  /** Waits until node i accepts TCP connections; fails if it exits first. */
  public void awaitListening(int i) {
    Node n = nodes.get(i);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      Process p = processes[i];
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException("node " + i + " exited during start-up" + (p == null ? "" : " (exit "
            + p.exitValue() + ")") + ": " + tail(n.log()));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(n.host(), n.port()), 500);
        return;
      } catch (IOException e) {
        sleep(100);
      }
    }
    throw new IllegalStateException("node " + i + " did not listen on " + n.address() + " within " + START_TIMEOUT_MS
        + " ms: " + tail(n.log()));
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log)";
    }
  }

  public int size() {
    return nodes.size();
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  public List<String> addresses() {
    return nodes.stream().map(Node::address).toList();
  }

  public TargetGuard guard() {
    return guard;
  }

  /** The namespaces, or null when nodes run on loopback. */
  public NetworkNamespaces network() {
    return network;
  }

  /** The loop filesystems, or null. */
  public LoopDisks disks() {
    return disks;
  }

  public boolean isRunning(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  public boolean isPaused(int i) {
    return paused[i];
  }

  public long pid(int i) {
    return processes[i].pid();
  }

  /** kill -9: the process dies at once, nothing flushed, nothing said to peers. */
  public void kill(int i) {
    Process p = processes[i];
    if (p != null && p.isAlive()) {
      if (paused[i]) {
        signal(i, "CONT"); // a stopped process still dies of SIGKILL, but keep the state simple
      }
      p.destroyForcibly();
      try {
        p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    paused[i] = false;
  }

  /** SIGSTOP: the process freezes (a long GC pause, a stalled VM); its sockets stay open. */
  public void pause(int i) {
    if (isRunning(i) && !paused[i]) {
      signal(i, "STOP");
      paused[i] = true;
    }
  }

  /** SIGCONT after {@link #pause}. */
  public void resume(int i) {
    if (isRunning(i) && paused[i]) {
      signal(i, "CONT");
    }
    paused[i] = false;
  }

  private void signal(int i, String sig) {
    Sh.Result r = Sh.run("kill", "-" + sig, Long.toString(processes[i].pid()));
    if (!r.ok()) {
      throw new IllegalStateException("kill -" + sig + " of node " + i + " failed: " + r.output());
    }
  }

  /** Starts node i again from its data directory if it is not running (after a kill), and waits until it listens. */
  public void restart(int i) {
    if (isRunning(i)) {
      resume(i);
      return;
    }
    launch(i);
    awaitListening(i);
  }

  /** SIGTERM (clean shutdown), then start again from the data directory. */
  public void cleanRestart(int i) {
    stop(i);
    launch(i);
    awaitListening(i);
  }

  private void stop(int i) {
    Process p = processes[i];
    if (p == null || !p.isAlive()) {
      return;
    }
    resume(i);
    p.destroy();
    try {
      if (!p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The node index of "host:port", or -1. */
  public int indexOf(String address) {
    for (Node n : nodes) {
      if (n.address().equals(address)) {
        return n.index();
      }
    }
    return -1;
  }

  /** A router for the workloads' clients. */
  public Router router() {
    return Router.cluster(addresses());
  }

  /**
   * Who leads what, as the first node that answers CLUSTER SLOTS sees it: slot ranges (one per
   * partition) by leader's node index. Empty when no node answers.
   */
  public Map<Integer, List<int[]>> leaders(ClientIo io) {
    Map<Integer, List<int[]>> out = new LinkedHashMap<>();
    try (Session s = new Session(io, guard, router(), TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MS))) {
      for (int i = 0; i < nodes.size(); i++) {
        if (!isRunning(i) || paused[i]) {
          continue;
        }
        Reply r = s.call(nodes.get(i).address(), Session.argv("CLUSTER", "SLOTS"));
        if (!(r instanceof Reply.Value v) || !(v.value() instanceof List<?> ranges)) {
          continue;
        }
        for (Object o : ranges) {
          List<?> range = (List<?>) o;
          List<?> master = (List<?>) range.get(2);
          String host = new String((byte[]) master.get(0), StandardCharsets.UTF_8);
          int idx = indexOf(host + ":" + master.get(1));
          if (idx >= 0) {
            out.computeIfAbsent(idx, k -> new ArrayList<>()).add(new int[] {((Long) range.get(0)).intValue(),
                ((Long) range.get(1)).intValue()});
          }
        }
        return out;
      }
    }
    return out;
  }

  /**
   * The controller group's leader as the nodes see it ({@code CLUSTER TIDE-MAP}: each node names
   * itself and the leader it knows): its node index, -1 while none is known, or null when the
   * nodes do not know the command (a build without the controller group).
   */
  public Integer controllerLeader(ClientIo io) {
    java.util.Map<String, Integer> indexById = new java.util.HashMap<>();
    String leader = null;
    boolean answered = false;
    try (Session s = new Session(io, guard, router(), TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MS))) {
      for (int i = 0; i < nodes.size(); i++) {
        if (!isRunning(i) || paused[i]) {
          continue;
        }
        Reply r = s.call(nodes.get(i).address(), Session.argv("CLUSTER", "TIDE-MAP"));
        if (r instanceof Reply.Err e && e.text().toLowerCase(java.util.Locale.ROOT).contains("unknown")) {
          return null;
        }
        if (!(r instanceof Reply.Value v) || !(v.value() instanceof List<?> map)) {
          continue;
        }
        answered = true;
        Object self = field(map, "myself");
        if (self instanceof byte[] b) {
          indexById.put(new String(b, StandardCharsets.UTF_8), i);
        }
        if (field(map, "controller") instanceof List<?> controller && field(controller, "leader") instanceof byte[] b) {
          leader = new String(b, StandardCharsets.UTF_8);
        }
      }
    }
    if (!answered || leader == null) {
      return -1;
    }
    return indexById.getOrDefault(leader, -1);
  }

  /**
   * Sends an admin command (e.g. {@code TIDE.NODE DRAIN n2}) to the running, unpaused nodes in
   * turn until one answers without an error; returns null on success, else the last error.
   */
  public String admin(ClientIo io, String... argv) {
    String last = "no node running";
    try (Session s = new Session(io, guard, router(), TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MS))) {
      for (int i = 0; i < nodes.size(); i++) {
        if (!isRunning(i) || paused[i]) {
          continue;
        }
        Reply r = s.call(nodes.get(i).address(), Session.argv(argv));
        if (r instanceof Reply.Err e) {
          last = e.text();
          if (!e.text().startsWith("TRYAGAIN")) {
            return last; // a refusal: another node would refuse too
          }
        } else if (r instanceof Reply.Value) {
          return null;
        } else {
          last = String.valueOf(r);
        }
      }
    }
    return last;
  }

  /** Replicas per partition the cluster was started with. */
  public int replicas() {
    return config.replicas();
  }

  /** The node name a chaos node runs with ({@code --node-id}). */
  public static String nodeName(int i) {
    return "n" + i;
  }

  /** The value after {@code key} in a RESP2-folded map (a flat array of keys and values). */
  private static Object field(List<?> map, String key) {
    for (int i = 0; i + 1 < map.size(); i += 2) {
      if (map.get(i) instanceof byte[] k && new String(k, StandardCharsets.UTF_8).equals(key)) {
        return map.get(i + 1);
      }
    }
    return null;
  }

  /**
   * Whether every partition takes a write now: CLUSTER SLOTS covers all slots, and a probe key in
   * each slot range is SET through the cluster (MOVED followed).
   */
  public boolean serving(ClientIo io) {
    Map<Integer, List<int[]>> leaders = leaders(io);
    int covered = 0;
    List<int[]> ranges = new ArrayList<>();
    for (List<int[]> l : leaders.values()) {
      for (int[] r : l) {
        covered += r[1] - r[0] + 1;
        ranges.add(r);
      }
    }
    if (covered < Slots.COUNT) {
      return false;
    }
    try (Session s = new Session(io, guard, router(), TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MS))) {
      for (int[] r : ranges) {
        byte[] key = keyInSlots(r[0], r[1]);
        Reply reply = s.execute(key, Session.argv("SET", key, "probe")).reply();
        if (!(reply instanceof Reply.Value)) {
          return false;
        }
      }
    }
    return true;
  }

  /** A key whose slot is in [from, to] (searched; a range of at least one slot is found within a few thousand tries). */
  static byte[] keyInSlots(int from, int to) {
    for (int n = 0; n < 10_000_000; n++) {
      byte[] k = ("chaos-probe-" + n).getBytes(StandardCharsets.UTF_8);
      int slot = Slots.slot(k);
      if (slot >= from && slot <= to) {
        return k;
      }
    }
    throw new IllegalStateException("no probe key for slots " + from + ".." + to);
  }

  /** Waits until {@link #serving}; returns the time it took in ms, or -1 if not within {@code timeoutMs}. */
  public long awaitServing(ClientIo io, long timeoutMs) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      if (serving(io)) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      sleep(200);
    }
    return -1;
  }

  @Override
  public void close() {
    for (int i = 0; i < processes.length; i++) {
      stop(i);
    }
    if (disks != null) {
      disks.close();
    }
    if (network != null) {
      network.close();
    }
    for (Node n : nodes) {
      Processes.deleteTree(n.dataDir()); // logs stay in the work directory; data does not
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // closing from the hook itself during shutdown
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
