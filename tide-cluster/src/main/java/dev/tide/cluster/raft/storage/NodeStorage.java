package dev.tide.cluster.raft.storage;

import com.alipay.sofa.jraft.JRaftServiceFactory;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import dev.tide.cluster.raft.JRaftTuning;
import dev.tide.cluster.raft.log.Durability;
import dev.tide.cluster.raft.log.LogDamage;
import dev.tide.cluster.raft.log.NodeLog;
import dev.tide.cluster.raft.log.SharedLogServiceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The storage of one cluster node: its {@link NodeLog}, the checks made before the Raft groups
 * start, and the recovery of groups whose data was damaged or lost.
 *
 * <pre>
 *   DIR/log/                    the node log (every group's Raft log)
 *   DIR/partitions/pN/meta      JRaft's term and vote of group pN (fsynced in both modes)
 *   DIR/partitions/pN/snapshot  JRaft's snapshots of group pN (Tide's checksummed partition file inside)
 *   DIR/quarantine/TIME/        damaged files moved or copied away, for inspection
 *   DIR/node.state              mode, boot id and whether the last stop was clean
 * </pre>
 *
 * <p><b>Recovery.</b> A group is <em>recovering</em> when it may have lost entries it had
 * acknowledged: an entry of it in the node log failed its checksum; the whole log was untrusted
 * (damaged header, truncated or missing segment) or missing; its snapshot failed verification;
 * or, in {@link Durability#REPLICATED} mode, the machine restarted after an unclean stop (writes
 * the OS had not flushed are gone). Damaged files go to {@code quarantine/}, the group's log is
 * reset (and its snapshot removed when that was damaged), and the group starts empty: its leader
 * sends a snapshot and the log since. Until a ReadIndex through the leader succeeds on it — proof
 * that it holds everything committed before it restarted — it refuses votes
 * ({@link GuardedRaftRpcServer}), so it cannot help elect a leader that misses a committed entry.
 */
public final class NodeStorage implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeStorage.class);

  public static final String LOG_DIR = "log";
  public static final String QUARANTINE_DIR = "quarantine";
  static final String STATE_FILE = "node.state";
  /** Linux's id of the current boot: it changes when the machine restarts, not when a process does. */
  static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
  /** How often a recovering group probes the leader with a ReadIndex to learn it has caught up. */
  static final long CATCH_UP_PROBE_MS = 500;
  /** Raft requests waiting for a server thread; beyond this the request is rejected (the caller retries). */
  static final int RAFT_SERVER_QUEUE = 10_000;
  private static final DateTimeFormatter QUARANTINE_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

  /** Settings of a node's storage. */
  public static final class Options {
    public final Path dataDir;
    public Durability durability = Durability.FSYNC;
    public long segmentBytes = NodeLog.DEFAULT_SEGMENT_BYTES;
    /** Unsafe: let recovering groups vote (after losing a majority's data, to get a leader at all). */
    public boolean voteWhileRecovering;
    /** Wall-clock time of the open, for the quarantine directory's name. */
    public long nowMs;
    /** Asked to snapshot a group whose old log pins the node log's oldest segment. */
    public Consumer<String> snapshotRequest = g -> { };
    /** Boot id file (tests point it elsewhere to simulate a machine restart). */
    public Path bootIdFile = BOOT_ID;

    public Options(Path dataDir) {
      this.dataDir = dataDir;
    }
  }

  private final Options options;
  private final NodeLog nodeLog;
  private final Path quarantine;
  private final Map<String, String> recovering = new ConcurrentHashMap<>();
  /** Every group that started recovering since this storage opened (a group may catch up within milliseconds). */
  private final Map<String, String> recoveredSinceOpen = new ConcurrentHashMap<>();
  /** Why every group must recover (whole log damaged or lost, machine restart in replicated mode), or null. */
  private final String allRecovering;
  private final Map<String, LogDamage> damagedGroups;
  private final ScheduledExecutorService probes;
  private final Map<String, ScheduledFuture<?>> watchers = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String bootId;
  /** Groups recorded as recovering when the node last stopped. */
  private final Set<String> carriedOver = ConcurrentHashMap.newKeySet();
  /** Single-threaded lanes that run incoming appends, a (group, leader, follower) pair always on the same one. */
  private final ExecutorService[] appendLanes = new ExecutorService[JRaftTuning.APPEND_LANES];

  {
    for (int i = 0; i < appendLanes.length; i++) {
      String name = "tide-raft-append-" + i;
      appendLanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(JRaftTuning.APPEND_LANE_QUEUE), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
          });
    }
  }

  /** Runs incoming Raft requests other than appends (votes, ReadIndex, snapshot files, CLI). */
  private final ThreadPoolExecutor raftServerPool = new ThreadPoolExecutor(JRaftTuning.RAFT_SERVER_THREADS,
      JRaftTuning.RAFT_SERVER_THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(RAFT_SERVER_QUEUE), r -> {
        Thread t = new Thread(r, "tide-raft-server");
        t.setDaemon(true);
        return t;
      });

  private NodeStorage(Options options, NodeLog nodeLog, Path quarantine, String allRecovering,
                      Map<String, LogDamage> damagedGroups, String bootId) {
    this.options = options;
    this.bootId = bootId;
    this.nodeLog = nodeLog;
    this.quarantine = quarantine;
    this.allRecovering = allRecovering;
    this.damagedGroups = damagedGroups;
    this.probes = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tide-log-maintenance");
      t.setDaemon(true);
      return t;
    });
    // The node log's segment maintenance (rewrites of groups pinning old segments) runs here too.
    probes.scheduleWithFixedDelay(this::maintain, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Opens the node log under {@code options.dataDir}, quarantines what is damaged and decides
   * which groups must recover. Fails only for I/O errors and for a data directory of an older
   * layout.
   */
  public static NodeStorage open(Options options) throws IOException {
    Path dataDir = options.dataDir;
    Files.createDirectories(dataDir);
    Path logDir = dataDir.resolve(LOG_DIR);
    Path partitions = dataDir.resolve("partitions");
    refuseRocksDbLayout(partitions);
    Path quarantine = dataDir.resolve(QUARANTINE_DIR).resolve(QUARANTINE_NAME.format(Instant.ofEpochMilli(options.nowMs)));

    String allRecovering = null;
    Properties previous = readState(dataDir.resolve(STATE_FILE));
    String bootNow = bootId(options.bootIdFile);
    if (previous != null && "false".equals(previous.getProperty("clean"))
        && Durability.REPLICATED.cliName().equals(previous.getProperty("durability"))
        && (bootNow == null || !bootNow.equals(previous.getProperty("boot")))) {
      allRecovering = "the machine restarted after an unclean stop in replicated mode: log writes the operating system "
          + "had not flushed are lost";
    }
    boolean hadLog = Files.exists(logDir.resolve(NodeLog.CURRENT_FILE_NAME));
    if (!hadLog && hasGroups(partitions)) {
      allRecovering = "the node log " + logDir + " is missing while partitions exist";
    }

    NodeLog.Options lo = new NodeLog.Options(logDir);
    lo.durability = options.durability;
    lo.segmentBytes = options.segmentBytes;
    lo.snapshotRequest = options.snapshotRequest;
    NodeLog nodeLog = NodeLog.open(lo);
    Map<String, LogDamage> damaged = new LinkedHashMap<>();
    if (nodeLog.wholeLogDamaged()) {
      LogDamage d = nodeLog.damage().get(0);
      nodeLog.close();
      Path to = quarantine.resolve(LOG_DIR);
      moveAll(logDir, to);
      log.error("node log untrusted ({}); moved to {}; every partition of this node recovers from its peers",
          d.describe(), to);
      allRecovering = "the node log was damaged: " + d.describe();
      nodeLog = NodeLog.open(lo);
    } else if (!nodeLog.damagedGroups().isEmpty()) {
      Path to = quarantine.resolve(LOG_DIR);
      Files.createDirectories(to);
      for (LogDamage d : nodeLog.damagedGroups().values()) {
        if (Files.isRegularFile(d.file()) && !Files.exists(to.resolve(d.file().getFileName()))) {
          // Copied, not moved: other groups' entries in the same file are sound and still used.
          Files.copy(d.file(), to.resolve(d.file().getFileName()));
        }
        nodeLog.resetGroup(d.group(), 1);
        damaged.put(d.group(), d);
        log.error("partition group {}: log damaged ({}); its log is reset and it recovers from its peers; a copy of "
            + "the file is in {}", d.group(), d.describe(), to);
      }
    }
    NodeStorage storage = new NodeStorage(options, nodeLog, quarantine, allRecovering,
        Collections.unmodifiableMap(damaged), bootNow);
    if (previous != null) {
      // Groups that had not caught up when the node stopped still must not vote.
      for (String g : previous.getProperty("recovering", "").split(",")) {
        if (!g.isBlank()) {
          storage.carriedOver.add(g.trim());
        }
      }
    }
    storage.persistState(false);
    return storage;
  }

  /** Phase 1 kept a RocksDB log per group in partitions/pN/log; this node cannot read it. */
  private static void refuseRocksDbLayout(Path partitions) throws IOException {
    if (!Files.isDirectory(partitions)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(partitions)) {
      for (Path p : ds) {
        if (Files.exists(p.resolve("log").resolve("CURRENT"))) {
          throw new IOException("data directory " + partitions.getParent() + " holds per-partition RocksDB logs ("
              + p.resolve("log") + ") of an older Tide; this version keeps one node log in " + LOG_DIR
              + "/. Start with an empty --data-dir (the node then recovers its partitions from its peers)");
        }
      }
    }
  }

  private static boolean hasGroups(Path partitions) throws IOException {
    if (!Files.isDirectory(partitions)) {
      return false;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(partitions)) {
      for (Path p : ds) {
        if (Files.exists(p.resolve("meta")) || Files.exists(p.resolve("snapshot"))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Verifies a group's snapshot and decides whether the group starts recovering. Call before
   * starting the group; {@code groupDir} holds its {@code snapshot/} and {@code meta/}.
   */
  public boolean prepareGroup(String group, Path groupDir) throws IOException {
    String reason = null;
    if (allRecovering != null) {
      reason = allRecovering;
    }
    LogDamage d = damagedGroups.get(group);
    if (d != null) {
      reason = "its log was damaged: " + d.describe();
    }
    Path snapshots = groupDir.resolve("snapshot");
    Path newest = SnapshotCheck.newest(snapshots);
    if (newest != null) {
      String problem = SnapshotCheck.problem(newest);
      if (problem != null) {
        Path to = quarantine.resolve(group).resolve("snapshot");
        moveAll(snapshots, to);
        // Without its snapshot the log (which starts after it) cannot rebuild the state: start empty.
        nodeLog.resetGroup(group, 1);
        log.error("partition group {}: snapshot damaged ({}); moved to {}; the group starts empty and recovers from "
            + "its peers", group, problem, to);
        reason = "its snapshot was damaged: " + problem;
      }
    }
    if (reason == null && carriedOver.contains(group)) {
      reason = "it had not caught up with its peers when the node stopped";
    }
    if (reason == null) {
      return false;
    }
    if (options.voteWhileRecovering) {
      log.warn("partition group {} recovers ({}) but votes anyway (voteWhileRecovering is set: a committed entry "
          + "can be lost if another replica fails too)", group, reason);
      return false;
    }
    recovering.put(group, reason);
    recoveredSinceOpen.put(group, reason);
    persistState(false);
    log.warn("partition group {} recovers from its peers ({}); it will not vote until it has caught up", group, reason);
    return true;
  }

  /**
   * Forgets a group this node no longer holds (its replica moved away): its log entries (a reset
   * record, so they do not come back on restart), its recovery state, and its directory. Call
   * after the group has stopped. If the group is placed here again later, it starts empty and
   * is filled by its leader like any new replica.
   */
  public void dropGroup(String group, Path groupDir) throws IOException {
    nodeLog.resetGroup(group, 1);
    cancel(group);
    boolean changed = recovering.remove(group) != null;
    changed |= carriedOver.remove(group);
    if (changed) {
      persistState(false);
    }
    if (Files.exists(groupDir)) {
      try (var walk = Files.walk(groupDir)) {
        for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  /** Probes a recovering group's leader until a ReadIndex succeeds on {@code node}; then it may vote again. */
  public void watchCatchUp(String group, Node node) {
    if (!recovering.containsKey(group)) {
      return;
    }
    AtomicBoolean inFlight = new AtomicBoolean();
    ScheduledFuture<?> f = probes.scheduleWithFixedDelay(() -> {
      if (!recovering.containsKey(group) || closed.get()) {
        cancel(group);
        return;
      }
      if (node.getLeaderId() == null || node.getLeaderId().isEmpty() || !inFlight.compareAndSet(false, true)) {
        return;
      }
      node.readIndex(null, new ReadIndexClosure() {
        @Override
        public void run(Status status, long index, byte[] reqCtx) {
          inFlight.set(false);
          if (status.isOk() && recovering.remove(group) != null) {
            carriedOver.remove(group);
            try {
              persistState(false);
            } catch (IOException e) {
              log.warn("cannot record that group {} caught up: {}", group, e.toString());
            }
            log.info("partition group {} caught up with its leader (applied through index {}); it votes again", group,
                index);
            cancel(group);
          }
        }
      });
    }, CATCH_UP_PROBE_MS, CATCH_UP_PROBE_MS, TimeUnit.MILLISECONDS);
    watchers.put(group, f);
  }

  private void cancel(String group) {
    ScheduledFuture<?> f = watchers.remove(group);
    if (f != null) {
      f.cancel(false);
    }
  }

  /**
   * The node's RPC server: JRaft's, refusing votes of recovering groups, with its requests (other
   * than appends, which JRaft runs on one thread per peer pair) on a small pool this storage owns.
   */
  public RpcServer createRpcServer(Endpoint endpoint) {
    return GuardedRaftRpcServer.create(endpoint, recovering::containsKey, raftServerPool, appendLanes);
  }

  /** JRaft's services for every group of this node, with the shared node log. */
  public JRaftServiceFactory serviceFactory() {
    return new SharedLogServiceFactory(nodeLog);
  }

  /** Groups recovering now, with the reason. */
  public Map<String, String> recovering() {
    return Collections.unmodifiableMap(recovering);
  }

  /** Groups that were recovering at some point since this storage opened, caught up or not, with the reason. */
  public Map<String, String> recoveringSinceOpen() {
    return Collections.unmodifiableMap(recoveredSinceOpen);
  }

  public boolean isRecovering(String group) {
    return recovering.containsKey(group);
  }

  public NodeLog nodeLog() {
    return nodeLog;
  }

  public Path quarantineDir() {
    return quarantine;
  }

  public Set<String> damagedGroups() {
    return damagedGroups.keySet();
  }

  private void maintain() {
    try {
      nodeLog.maintain(System.currentTimeMillis());
    } catch (RuntimeException e) {
      log.warn("node log maintenance failed: {}", e.toString());
    }
  }

  /** Closes the node log after every group has stopped; records a clean stop. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    probes.shutdownNow();
    raftServerPool.shutdownNow();
    for (ExecutorService lane : appendLanes) {
      lane.shutdownNow();
    }
    nodeLog.close();
    try {
      persistState(true);
    } catch (IOException e) {
      log.warn("cannot record the clean stop in {}: {}", options.dataDir.resolve(STATE_FILE), e.toString());
    }
  }

  /** Tests: stops like a crash (files closed, no clean stop recorded). */
  void crashForTest() {
    closed.set(true);
    probes.shutdownNow();
    raftServerPool.shutdownNow();
    for (ExecutorService lane : appendLanes) {
      lane.shutdownNow();
    }
    nodeLog.close();
  }

  // ---- files -----------------------------------------------------------------------------------

  private static void moveAll(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      return;
    }
    Files.createDirectories(to.getParent());
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    syncDir(from.getParent());
  }

  private static String bootId(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return null; // not Linux: a machine restart cannot be told from a process restart
    }
  }

  private static Properties readState(Path file) {
    if (!Files.exists(file)) {
      return null;
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
      return p;
    } catch (IOException e) {
      return new Properties(); // unreadable: treat as unknown (no clean stop recorded)
    }
  }

  /**
   * Records the mode, boot id, whether this is a clean stop, and the groups still recovering
   * (they must not vote after a restart either, until they caught up).
   */
  private synchronized void persistState(boolean clean) throws IOException {
    Set<String> groups = new java.util.TreeSet<>(recovering.keySet());
    for (String g : carriedOver) {
      groups.add(g); // not prepared yet in this run: keep the record
    }
    String text = "durability=" + options.durability.cliName() + "\nboot=" + (bootId == null ? "" : bootId)
        + "\nclean=" + clean + "\nrecovering=" + String.join(",", groups) + "\n";
    Path file = options.dataDir.resolve(STATE_FILE);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDir(file.getParent());
  }

  private static void syncDir(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; renames are still atomic there.
    }
  }
}
