package dev.tide.cluster;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import dev.tide.cluster.controller.Bus;
import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.LeaderBalancer;
import dev.tide.cluster.controller.MapSync;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import dev.tide.cluster.controller.NodeIdentity;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.placement.MoveExecutor;
import dev.tide.cluster.placement.MoveThrottle;
import dev.tide.cluster.placement.Planner;
import dev.tide.cluster.controller.MapCommand;
import dev.tide.cluster.controller.Settings;
import dev.tide.cluster.controller.BusMessages;
import dev.tide.cluster.raft.JRaftTuning;
import dev.tide.cluster.raft.Partition;
import dev.tide.cluster.raft.log.Durability;
import dev.tide.cluster.raft.storage.NodeStorage;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.server.TideServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Tide node in cluster mode: the RESP server of single-node mode plus this node's replicas of
 * the cluster's partitions, each a SOFAJRaft group, and (on up to five nodes) a replica of the
 * controller group that owns the cluster map.
 *
 * <p><b>Multi-raft.</b> All groups of the node share one RPC server on the bus port (JRaft
 * routes messages by group id) and JRaft's shared timer pools (election, vote, step-down,
 * snapshot), and one log ({@link NodeStorage}: a shared, checksummed segment log with group
 * commit), so the cost of a group is its state, its index in that log and JRaft's few threads per
 * group, not a log store and a set of timer threads. One batcher thread serves every partition's
 * write batching.
 *
 * <p><b>Map.</b> {@link MapSync} holds the node's {@link ClusterState} (map, member names and
 * states, epoch) and keeps it fresh from the controller; on every new epoch {@link #reconcile}
 * starts the groups of partitions placed on this node (and stops those moved away). How a node
 * starts ({@link ClusterConfig.Mode}):
 * <ul>
 *   <li>bootstrap: the map is computed from {@code --bootstrap} ({@code ClusterMap.initial}) so
 *       partitions start at once; the controller's first leader records it as epoch 1;</li>
 *   <li>join: the node asks the cluster at {@code --join} to add it and starts from the map it gets;</li>
 *   <li>restart (neither): from the identity and the cached map in its data directory.</li>
 * </ul>
 * {@link NodeIdentity} in the data directory says which node and cluster the directory belongs
 * to; a node refuses one written for another node, address or cluster.
 *
 * <p><b>Serving.</b> {@link ClusterRouter} sits in the command executor: keyed commands go to
 * the partition of their slot if this node leads it, otherwise the client gets MOVED/TRYAGAIN.
 * {@link LeaderBalancer} hands leadership back to each partition's preferred replica.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
  /**
   * Election timeout of the controller group. It is off the data path (clients never wait for it;
   * nodes keep serving their cached map), so a slower failover (~1-2 s) costs nothing, while the
   * partitions' 300 ms would make it re-elect whenever a busy machine delays a heartbeat.
   */
  static final int CONTROLLER_ELECTION_TIMEOUT_MS = 1000;

  private final TideServer server;
  private final ClusterConfig config;
  private final Member self;
  private volatile Partition[] partitions = new Partition[0];
  private final EngineConfig engineConfig = new EngineConfig();
  private ScheduledExecutorService batcher;
  private RpcServer rpcServer;
  /** Pub/sub over the bus; created with the node so the router can hold it, started in {@link #start}. */
  private final ClusterPubSub pubSub = new ClusterPubSub(this);
  private MapSync sync;
  private NodeOptions template;
  private final ClusterRouter router = new ClusterRouter(this, new ClusterTransactions(this, pubSub),
      new ClusterKeyspace(this), pubSub);
  private volatile boolean closing;

  /**
   * Period of the active-expiry tick of the partitions this node leads: Redis's default {@code hz}
   * of 10 runs its active expiry cycle every 100 ms.
   */
  public static final long ACTIVE_EXPIRE_PERIOD_MS = 100;
  private NodeStorage storage;
  /** Snapshot bytes per second for replica moves, shared by all groups of the node (cluster setting). */
  private final MoveThrottle moveThrottle = new MoveThrottle(Settings.MOVE_BYTES_PER_SEC.defaultValue());
  private MoveExecutor mover;
  private final dev.tide.cluster.admin.MoveProgress moveProgress = new dev.tide.cluster.admin.MoveProgress(this);
  /**
   * Period of the move rounds (each node for the partitions it leads; the controller leader's
   * planning): short against a move's length (seconds) so each step follows the last quickly,
   * long against the JRaft calls a round makes (microseconds).
   */
  public static final long MOVE_ROUND_MS = 500;
  /** Node leaves: set once the node has seen itself recorded as left, so it stops serving. */
  private volatile boolean left;

  public ClusterNode(TideServer server, ClusterConfig config) {
    this.server = server;
    this.config = config.conclude();
    this.self = config.self();
    // Partition keyspaces never evict (eviction would choose differently on each replica) and use
    // the node's encoding thresholds, which every member must share.
    EngineConfig serverEngine = server.engineConfig();
    engineConfig.hashMaxListpackEntries = serverEngine.hashMaxListpackEntries;
    engineConfig.hashMaxListpackValue = serverEngine.hashMaxListpackValue;
    engineConfig.setMaxIntsetEntries = serverEngine.setMaxIntsetEntries;
    engineConfig.zsetMaxListpackEntries = serverEngine.zsetMaxListpackEntries;
    engineConfig.zsetMaxListpackValue = serverEngine.zsetMaxListpackValue;
    engineConfig.protoMaxBulkLen = serverEngine.protoMaxBulkLen;
  }

  /**
   * Enters the cluster (bootstrap, join or restart), starts the Raft groups placed on this node
   * and routes the server's commands through them. On failure everything started is stopped and
   * the exception says what to fix.
   */
  public ClusterNode start() throws IOException {
    JRaftTuning.systemDefaults(); // before JRaft's classes load
    try {
      doStart();
      return this;
    } catch (IOException | RuntimeException e) {
      close(); // what did start (groups, RPC server, node log) stops again
      throw e;
    }
  }

  private void doStart() throws IOException {
    Files.createDirectories(config.dataDir);
    NodeIdentity stored = NodeIdentity.read(config.dataDir);
    NodeIdentity identity = checkIdentity(stored);
    ClusterState cached = MapSync.readCache(config.dataDir);
    storage = NodeStorage.open(storageOptions());
    rpcServer = Bus.listen(self, storage::createRpcServer);
    batcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tide-batcher");
      t.setDaemon(true);
      return t;
    });
    template = nodeOptions();
    sync = new MapSync(new MapSync.Settings(self, config.nodeName, config.zone, config.dataDir,
        config.mapPollIntervalMs), identity, stored != null);
    sync.registerProcessors(rpcServer);
    ClusterState bootstrap = null;
    ClusterState first;
    switch (config.mode()) {
      case BOOTSTRAP -> {
        bootstrap = ClusterState.bootstrap(ClusterMap.initial(config.bootstrap, config.partitions, config.replicas));
        first = cached != null && cached.isRecorded() ? cached : bootstrap;
      }
      case JOIN -> {
        List<Endpoint> seeds = new ArrayList<>();
        for (String j : config.join) {
          seeds.add(MapSync.parseEndpoint(j));
        }
        first = sync.join(seeds, identity.clusterId(), config.joinTimeoutMs);
      }
      default -> {
        if (cached == null) {
          throw new IOException("data directory " + config.dataDir + " has no cached cluster map ("
              + MapSync.CACHE_FILE + "); restart this node with --join and the bus address of a running member");
        }
        first = cached;
      }
    }
    MemberInfo me = first.info(self.id());
    if (me != null && me.state() == MemberState.LEFT) {
      throw new IOException("node " + config.nodeName + " has left cluster " + first.clusterId() + " (map epoch "
          + first.epoch() + "); to bring it back, start it with an empty --data-dir and --join");
    }
    sync.addListener(this::reconcile);
    sync.installFirst(first);
    if (first.isController(self.id())) {
      // Only a bootstrap node starts the group from the map's voters; any other voter (one added
      // later, or a restart) starts empty and learns the group from its leader or its own log.
      List<PeerId> voters = new ArrayList<>();
      if (bootstrap != null) {
        for (Member m : first.controllerMembers()) {
          voters.add(peer(m));
        }
      }
      sync.startController(rpcServer, peer(self), voters, controllerDir(), controllerOptions(), bootstrap);
    }
    controllerManaged = true;
    sync.runOnMapThread(() -> reconcileController(sync.state())); // a map installed meanwhile
    pubSub.start(rpcServer);
    moveProgress.start(rpcServer);
    ClusterCommands.register(server.table(), this);
    dev.tide.cluster.admin.AdminCommands.register(server.table(), this);
    dev.tide.cluster.status.StatusCommands.register(server.table(), this);
    server.executor().onConnectionClosed(conn -> {
      if (!closing) {
        for (Partition part : partitions) {
          if (part != null) {
            part.connectionClosed(conn);
          }
        }
      }
    });
    server.executor().setRouter(router);
    batcher.scheduleWithFixedDelay(this::activeExpireTick, ACTIVE_EXPIRE_PERIOD_MS, ACTIVE_EXPIRE_PERIOD_MS,
        TimeUnit.MILLISECONDS);
    server.onClose(this::close);
    sync.start();
    if (config.balanceIntervalMs > 0) {
      LeaderBalancer balancer = new LeaderBalancer(self, sync::state, this::partition);
      sync.every(config.balanceIntervalMs, balancer::round);
    }
    mover = new MoveExecutor(self, sync::state, this::partition, sync::propose, System::currentTimeMillis);
    registerMoveMetrics();
    sync.every(MOVE_ROUND_MS, () -> {
      mover.round();
      planMoves();
    });
    log.info("cluster node {} ({}) started ({}): {} of {} partitions here, {}", config.nodeName, self.id(),
        config.mode(), map().partitionsOn(self).size(), map().partitionCount(), first);
  }

  /**
   * Checks a stored identity against this start (same node name and address; a bootstrap node in
   * the cluster its {@code --bootstrap} describes) and returns the identity to keep. A new
   * bootstrap identity is written at once; a joining node's is written once it has joined.
   */
  private NodeIdentity checkIdentity(NodeIdentity stored) throws IOException {
    String address = self.host() + ":" + self.port() + "@" + self.busPort();
    String fingerprint = config.mode() == ClusterConfig.Mode.BOOTSTRAP ? bootstrapFingerprint() : "";
    if (stored == null) {
      if (config.mode() == ClusterConfig.Mode.RESTART) {
        throw new IOException("data directory " + config.dataDir + " belongs to no cluster yet: start a new cluster "
            + "with --bootstrap, or join a running one with --join HOST:BUS");
      }
      if (config.mode() == ClusterConfig.Mode.BOOTSTRAP) {
        NodeIdentity fresh = new NodeIdentity(config.nodeName, self, NodeIdentity.BOOTSTRAP, fingerprint, "");
        fresh.write(config.dataDir);
        return fresh;
      }
      return new NodeIdentity(config.nodeName, self, NodeIdentity.JOIN, "", "");
    }
    if (!stored.self().equals(address)) {
      throw new IOException("data directory " + config.dataDir + " belongs to node '" + stored.name() + "' at "
          + stored.self() + ", not " + address + "; start it with that node's --port and --bus-port, or use an "
          + "empty --data-dir");
    }
    if (!stored.name().equals(config.nodeName)) {
      throw new IOException("data directory " + config.dataDir + " belongs to node '" + stored.name()
          + "'; start it with --node-id " + stored.name() + ", or use an empty --data-dir for node '"
          + config.nodeName + "'");
    }
    switch (config.mode()) {
      case BOOTSTRAP -> {
        if (!stored.origin().equals(NodeIdentity.BOOTSTRAP)) {
          throw new IOException("data directory " + config.dataDir + " belongs to a node that joined cluster "
              + stored.clusterId() + "; restart it without --bootstrap, or use an empty --data-dir");
        }
        if (!stored.bootstrap().equals(fingerprint)) {
          throw new IOException("data directory " + config.dataDir + " belongs to another cluster: it was formed "
              + "with\n  " + stored.bootstrap() + "\nthis start asks for\n  " + fingerprint + "\nstart with the "
              + "same --bootstrap/--partitions/--replicas, or use an empty --data-dir");
        }
      }
      case JOIN -> {
        if (stored.clusterId().isEmpty()) {
          throw new IOException("data directory " + config.dataDir + " belongs to a cluster formed with --bootstrap "
              + stored.bootstrap() + " whose id it never learned; restart it with that --bootstrap, or use an "
              + "empty --data-dir to join another cluster");
        }
      }
      default -> {
      }
    }
    return stored;
  }

  private String bootstrapFingerprint() {
    StringBuilder sb = new StringBuilder();
    for (Member m : config.bootstrap) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(m.host()).append(':').append(m.port()).append('@').append(m.busPort());
    }
    return sb.append(" partitions=").append(config.partitions).append(" replicas=").append(config.replicas)
        .toString();
  }

  /**
   * Map listener: starts the group of every partition newly placed on this node and stops the
   * group of every partition moved away (its files stay). Issue 5 replaces the start with
   * learner → catch-up → promote.
   */
  private void reconcile(ClusterState previous, ClusterState current) {
    moveThrottle.setBytesPerSec(current.setting(Settings.MOVE_BYTES_PER_SEC));
    MemberInfo me = current.info(self.id());
    if (me != null && me.state() == MemberState.LEFT && previous != null && !left) {
      left = true;
      log.warn("node {} has been removed from cluster {} (map epoch {}); it stops now", config.nodeName,
          current.clusterId(), current.epoch());
      Thread stop = new Thread(server::close, "tide-left");
      stop.setDaemon(false);
      stop.start();
      return;
    }
    reconcileController(current);
    ClusterMap map = current.map();
    int count = Math.max(partitions.length, map.partitionCount());
    if (count != partitions.length) {
      partitions = java.util.Arrays.copyOf(partitions, count);
    }
    for (int p = 0; p < count && !closing; p++) {
      ClusterState.Move move = p < map.partitionCount() ? current.move(p) : null;
      boolean learner = move != null && move.to().equals(self.id());
      boolean placed = p < map.partitionCount() && (map.isReplica(p, self) || learner);
      Partition running = partitions[p];
      if (placed && running == null) {
        try {
          publish(p, startPartition(p, map, learner));
        } catch (IOException | RuntimeException e) {
          log.error("partition {}: cannot start its group on this node", p, e);
        }
      } else if (!placed && running != null) {
        log.info("partition {}: no longer placed on this node (epoch {}); stopping its group and deleting its replica",
            p, current.epoch());
        publish(p, null);
        running.shutdown();
        try {
          running.join();
          dropReplica(p);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
          log.error("partition {}: cannot delete the replica it no longer holds", p, e);
        }
      } else if (!placed && previous == null && p < map.partitionCount()) {
        // a replica moved away while this node was down: its files are stale, delete them
        Path dir = groupDir(p);
        if (Files.exists(dir)) {
          try {
            log.info("partition {}: moved away from this node while it was down; deleting its old replica", p);
            dropReplica(p);
          } catch (IOException | RuntimeException e) {
            log.error("partition {}: cannot delete the replica it no longer holds", p, e);
          }
        }
      }
    }
  }

  private Path controllerDir() {
    return config.dataDir.resolve("controller");
  }

  private NodeOptions controllerOptions() {
    NodeOptions ctl = template.copy();
    ctl.setServiceFactory(template.getServiceFactory());
    ctl.setElectionTimeoutMs(Math.max(config.electionTimeoutMs, CONTROLLER_ELECTION_TIMEOUT_MS));
    return ctl;
  }

  /**
   * Map listener part: runs a controller replica while the map lists this node as a voter (a new
   * voter starts empty and is caught up by the leader), and stops and deletes it once the node is
   * no longer one and the group's configuration has followed the map.
   */
  private void reconcileController(ClusterState current) {
    if (!current.isRecorded() || closing || !controllerManaged) {
      return; // before doStart has started (or not) the replica the first map asks for
    }
    boolean voter = current.isController(self.id());
    var c = sync.controller();
    try {
      if (voter && c == null) {
        log.info("this node is now a controller voter (epoch {}); starting its controller replica", current.epoch());
        sync.startController(rpcServer, peer(self), List.of(), controllerDir(), controllerOptions(), null);
      } else if (!voter && c != null && !current.controllerChangePending() && !c.isLeader()) {
        log.info("this node is no longer a controller voter (epoch {}); stopping its controller replica",
            current.epoch());
        sync.stopController(controllerDir());
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot {} the controller replica", voter ? "start" : "stop", e);
    }
  }

  private Path groupDir(int p) {
    return config.dataDir.resolve("partitions").resolve(Partition.groupId(p));
  }

  /** Deletes this node's copy of a partition it no longer holds (files and log entries). */
  private void dropReplica(int p) throws IOException {
    storage.dropGroup(Partition.groupId(p), groupDir(p));
    moveThrottle.resetGroup(Partition.groupId(p));
  }

  /**
   * How long the planner leaves a destination alone after a move to it was aborted (it did not
   * answer for 30 s, so it is probably down): two abort periods, so a dead node costs one aborted
   * move per minute instead of blocking moves back to back.
   */
  static final long AVOID_AFTER_ABORT_MS = 2 * dev.tide.cluster.placement.MoveExecutor.STALLED_MS;
  /** Controller leader, map thread: the moves seen in progress last round, and destinations to avoid until a time. */
  private java.util.Set<ClusterState.Move> movesSeen = java.util.Set.of();
  private final java.util.Map<String, Long> avoidUntil = new java.util.HashMap<>();

  /** On the controller leader: starts the moves the planner asks for. Map thread. */
  private void planMoves() {
    if (closing || sync.controller() == null || !sync.controller().isLeader()) {
      return;
    }
    ClusterState s = sync.controller().state();
    if (s == null || !s.isRecorded()) {
      return;
    }
    long now = System.currentTimeMillis();
    for (ClusterState.Move gone : movesSeen) {
      if (!s.moves().contains(gone) && !s.map().replicas(gone.partition()).contains(s.map().member(gone.to()))) {
        avoidUntil.put(gone.to(), now + AVOID_AFTER_ABORT_MS); // it ended without the destination: aborted
      }
    }
    movesSeen = java.util.Set.copyOf(s.moves());
    changeControllers(s);
    avoidUntil.values().removeIf(until -> until <= now);
    for (MapCommand.StartMove start : Planner.plan(s, avoidUntil.keySet())) {
      BusMessages.Reply r = sync.propose(start);
      if (r.outcome == BusMessages.Reply.OK) {
        MemberInfo from = s.info(start.from());
        MemberInfo to = s.info(start.to());
        log.info("controller: moving partition {}'s replica from {} to {}", start.partition(),
            from == null ? start.from() : from.describe(), to == null ? start.to() : to.describe());
      } else {
        log.info("controller: move of partition {} not started: {}", start.partition(), r.message);
        break;
      }
    }
  }

  /** Prometheus meters of replica moves and placement (docs/elasticity.md). */
  private void registerMoveMetrics() {
    if (server.metrics() == null) {
      return;
    }
    var registry = server.metrics().registry();
    io.micrometer.core.instrument.Gauge.builder("tide.cluster.moves.in.progress", this,
            n -> n.closing ? 0 : n.state().moves().size())
        .description("Replica moves the cluster map records as in progress").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("tide.cluster.move.received", moveThrottle,
            MoveThrottle::grantedBytes)
        .description("Snapshot bytes this node received for replica moves").baseUnit("bytes").register(registry);
    io.micrometer.core.instrument.Gauge.builder("tide.cluster.move.limit", moveThrottle, MoveThrottle::bytesPerSec)
        .description("Snapshot bytes per second a node may receive for moves (setting move-bytes-per-sec)")
        .baseUnit("bytes.per.second").register(registry);
    io.micrometer.core.instrument.Gauge.builder("tide.cluster.replicas", this,
            n -> n.closing ? 0 : n.map().partitionsOn(n.self).size())
        .description("Partition replicas the map places on this node").register(registry);
  }

  /** Set once start-up has dealt with the controller replica; map changes manage it from then on. */
  private volatile boolean controllerManaged;

  /** A change of the controller group's configuration is in flight (JRaft allows one at a time). */
  private final java.util.concurrent.atomic.AtomicBoolean controllerChangeBusy =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * On the controller leader: keeps the controller's voters on active members, as many as there
   * are up to five and odd ({@link #targetControllers}), one replacement at a time. First the map
   * names the new voters ({@link MapCommand.SetControllers}, a new voter then starts an empty
   * replica), then the leader changes the group's Raft configuration to them (joint consensus; a
   * leader that is leaving hands leadership over first), then {@link MapCommand.ControllersChanged}
   * lets the former voter stop its replica.
   */
  private void changeControllers(ClusterState s) {
    var c = sync.controller();
    var ctl = c == null ? null : c.node();
    if (ctl == null) {
      return;
    }
    if (!s.controllerChangePending()) {
      List<String> target = targetControllers(s);
      if (!new java.util.HashSet<>(target).equals(new java.util.HashSet<>(s.controllers()))) {
        BusMessages.Reply r = sync.propose(new MapCommand.SetControllers(target));
        log.info("controller: voters {} -> {}: {}", names(s, s.controllers()), names(s, target),
            r.outcome == BusMessages.Reply.OK ? "recorded" : r.message);
      }
      return;
    }
    java.util.Set<PeerId> want = new java.util.HashSet<>();
    for (Member m : s.controllerMembers()) {
      want.add(peer(m));
    }
    if (new java.util.HashSet<>(ctl.listPeers()).equals(want)) {
      BusMessages.Reply r = sync.propose(new MapCommand.ControllersChanged());
      if (r.outcome == BusMessages.Reply.OK) {
        log.info("controller: the group's voters are now {}", names(s, s.controllers()));
      }
      return;
    }
    if (!want.contains(peer(self))) {
      for (PeerId other : want) {
        if (ctl.listPeers().contains(other) && LeaderBalancer.caughtUpPeer(ctl, other)) {
          log.info("controller: this node leaves the controller voters; handing leadership to {}", other);
          ctl.transferLeadershipTo(other);
          return;
        }
      }
      return;
    }
    if (!controllerChangeBusy.compareAndSet(false, true)) {
      return;
    }
    try {
      ctl.changePeers(new com.alipay.sofa.jraft.conf.Configuration(new ArrayList<>(want)), st -> {
        controllerChangeBusy.set(false);
        log.info("controller: changing the group's voters to {}: {}", want, st);
      });
    } catch (RuntimeException e) {
      controllerChangeBusy.set(false);
      throw e;
    }
  }

  /**
   * The controller voters the cluster should have: the current ones that are still active, then
   * other active members in map order, up to min(5, active members) rounded down to an odd number
   * (an even count tolerates no more failures than the odd one below it); at most one voter added
   * and one removed per change.
   */
  static List<String> targetControllers(ClusterState s) {
    List<String> active = new ArrayList<>();
    for (MemberInfo m : s.members()) {
      if (m.state() == MemberState.ACTIVE) {
        active.add(m.id());
      }
    }
    int size = Math.min(ClusterState.MAX_CONTROLLERS, active.size());
    if (size % 2 == 0) {
      size--;
    }
    if (size < 1) {
      return s.controllers();
    }
    List<String> next = new ArrayList<>();
    List<String> current = s.controllers();
    String removed = null;
    for (String id : current) {
      if (active.contains(id) && next.size() < size) {
        next.add(id);
      } else if (removed == null) {
        removed = id; // the first voter to go (inactive, or one too many)
      } else {
        next.add(id); // keep: only one removal per change
      }
    }
    int added = 0;
    for (String id : active) {
      if (next.size() >= size || added >= 1) {
        break;
      }
      if (!next.contains(id)) {
        next.add(id);
        added++;
      }
    }
    return next.isEmpty() ? current : next;
  }

  private static List<String> names(ClusterState s, List<String> ids) {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      MemberInfo m = s.info(id);
      out.add(m == null || m.name().isEmpty() ? id : m.name());
    }
    return out;
  }

  /** What this node knows of the moves of partitions it leads (phase, learner lag). */
  public MoveExecutor mover() {
    return mover;
  }

  public dev.tide.cluster.admin.MoveProgress moveProgress() {
    return moveProgress;
  }

  public MoveThrottle moveThrottle() {
    return moveThrottle;
  }

  /** Replaces one slot of the partition array with a new array (readers never see it change under them). */
  private void publish(int p, Partition part) {
    Partition[] next = partitions.clone();
    next[p] = part;
    partitions = next;
  }

  /**
   * Starts this node's replica of a partition. A replica that is the destination of a move starts
   * with an empty configuration: it learns its group from the leader that adds it as a learner
   * (never campaigns on its own); any other starts from the map's replicas, which only matters the
   * first time (afterwards the group's own log and snapshot hold its configuration).
   */
  private Partition startPartition(int p, ClusterMap map, boolean learner) throws IOException {
    List<PeerId> peers = new ArrayList<>();
    if (!learner) {
      for (Member m : map.replicas(p)) {
        peers.add(peer(m));
      }
    }
    Partition part = new Partition(p, server.table(), engineConfig, batcher, server::now);
    part.onNotAppended(router::reroute);
    Path dir = groupDir(p);
    storage.prepareGroup(Partition.groupId(p), dir);
    NodeOptions options = template.copy();
    options.setServiceFactory(template.getServiceFactory());
    options.setSnapshotThrottle(moveThrottle.forGroup(Partition.groupId(p)));
    part.start(rpcServer, peer(self), peers, dir, options);
    storage.watchCatchUp(Partition.groupId(p), part.node());
    return part;
  }

  private NodeStorage.Options storageOptions() {
    NodeStorage.Options o = new NodeStorage.Options(config.dataDir);
    o.durability = config.durability;
    o.segmentBytes = config.logSegmentBytes;
    o.voteWhileRecovering = config.voteWhileRecovering;
    o.nowMs = server.now();
    o.snapshotRequest = group -> {
      for (Partition part : partitions) {
        if (part != null && Partition.groupId(part.id()).equals(group) && part.node() != null) {
          part.node().snapshot(null);
        }
      }
    };
    return o;
  }

  private NodeOptions nodeOptions() {
    NodeOptions o = new NodeOptions();
    // Every group's Raft log goes to the node's one log (dev.tide.cluster.raft.log.NodeLog).
    o.setServiceFactory(storage.serviceFactory());
    o.setElectionTimeoutMs(config.electionTimeoutMs);
    o.setSnapshotIntervalSecs(config.snapshotIntervalSecs);
    o.setSharedElectionTimer(true);
    o.setSharedVoteTimer(true);
    o.setSharedStepDownTimer(true);
    o.setSharedSnapshotTimer(true);
    o.setSharedTimerPool(true);
    RaftOptions raft = new RaftOptions();
    raft.setSync(config.durability == Durability.FSYNC);
    // Term and vote are fsynced in both modes: a vote forgotten after a machine crash could elect
    // two leaders in one term. They change only at elections, so this costs nothing in steady state.
    raft.setSyncMeta(true);
    raft.setElectionHeartbeatFactor(config.heartbeatFactor);
    o.setRaftOptions(raft);
    JRaftTuning.apply(o);
    return o;
  }

  /** Active expiry of every partition this node leads; bounded work per partition (Partition#activeExpireTick). */
  private void activeExpireTick() {
    if (closing) {
      return;
    }
    for (Partition part : partitions) {
      if (part != null) {
        try {
          part.activeExpireTick();
        } catch (RuntimeException e) {
          log.error("partition {}: active expiry failed", part.id(), e);
        }
      }
    }
  }

  /** Pub/sub messages this node could not send or deliver (full queues, unreachable peers). */
  public long pubSubDropped() {
    return pubSub == null ? 0 : pubSub.dropped();
  }

  static PeerId peer(Member m) {
    return new PeerId(m.host(), m.busPort());
  }

  /** The node's current map (highest epoch it has seen). */
  public ClusterMap map() {
    return sync.state().map();
  }

  /** The node's current cluster state: map, member names and states, controller voters, epoch. */
  public ClusterState state() {
    return sync.state();
  }

  /** The node's link to the controller (map listeners, proposals, controller replica). */
  public MapSync sync() {
    return sync;
  }

  /** Member id of the controller leader as this node knows it, or null. */
  public String controllerLeaderId() {
    return sync.controllerLeaderId();
  }

  public Member self() {
    return self;
  }

  public ClusterConfig config() {
    return config;
  }

  public TideServer server() {
    return server;
  }

  /** This node's replica of a partition, or null when it holds none. */
  public Partition partition(int p) {
    Partition[] now = partitions;
    return p < now.length ? now[p] : null;
  }

  /**
   * The member that leads a partition as far as this node knows: from its own replica's Raft
   * state, or (when it holds no replica) the map's first-choice replica, which redirects onwards
   * if it is not the leader. Null while a hosted partition has no leader.
   */
  public Member leaderOf(int p) {
    ClusterMap map = map();
    Partition part = partition(p);
    if (part == null) {
      return map.preferredLeader(p);
    }
    PeerId leader = part.leaderId();
    if (leader == null) {
      return null;
    }
    for (Member m : map.members()) {
      if (m.busPort() == leader.getPort() && m.host().equals(leader.getIp())) {
        return m;
      }
    }
    return null;
  }

  /** True when every partition hosted here knows its leader. */
  public boolean allLeadersKnown() {
    Partition[] now = partitions;
    for (int p = 0; p < now.length; p++) {
      if (now[p] != null && leaderOf(p) == null) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized void close() {
    closing = true;
    server.executor().setRouter(null);
    if (sync != null) {
      sync.close(); // stops the map thread first, so no group starts while the others stop
    }
    Partition[] now = partitions;
    for (Partition p : now) {
      if (p != null) {
        p.shutdown();
      }
    }
    for (Partition p : now) {
      if (p != null) {
        try {
          p.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (pubSub != null) {
      pubSub.close();
    }
    moveProgress.close();
    partitions = new Partition[0];
    if (rpcServer != null) {
      rpcServer.shutdown();
      rpcServer = null;
    }
    if (batcher != null) {
      batcher.shutdownNow();
    }
    if (storage != null) {
      storage.close(); // after every group stopped: they write to it until then
    }
  }

  /** This node's storage (node log, recovery state). */
  public NodeStorage storage() {
    return storage;
  }
}
