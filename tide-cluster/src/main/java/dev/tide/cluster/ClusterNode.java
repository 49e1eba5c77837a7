package dev.tide.cluster;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.JRaftTuning;
import dev.tide.cluster.raft.Partition;
import dev.tide.cluster.raft.log.Durability;
import dev.tide.cluster.raft.storage.NodeStorage;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.server.TideServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A Tide node in cluster mode: the RESP server of single-node mode plus this node's replicas of
 * the cluster's partitions, each a SOFAJRaft group.
 *
 * <p><b>Multi-raft.</b> All groups of the node share one RPC server on the bus port (JRaft
 * routes messages by group id) and JRaft's shared timer pools (election, vote, step-down,
 * snapshot), and one log ({@link NodeStorage}: a shared, checksummed segment log with group
 * commit), so the cost of a group is its state, its index in that log and JRaft's few threads per
 * group, not a log store and a set of timer threads. One batcher thread serves every partition's
 * write batching.
 *
 * <p><b>Map.</b> Phase 1 computes the {@link ClusterMap} from the bootstrap list
 * ({@link ClusterMap#initial}); the controller group replaces that next. The data directory
 * records the map's identity (members, partitions, replicas) and a node refuses to start on a
 * directory written for a different cluster.
 *
 * <p><b>Serving.</b> {@link ClusterRouter} sits in the command executor: keyed commands go to
 * the partition of their slot if this node leads it, otherwise the client gets MOVED/TRYAGAIN.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
  private static final String IDENTITY_FILE = "cluster.identity";

  private final TideServer server;
  private final ClusterConfig config;
  private final ClusterMap map;
  private final Member self;
  private final Partition[] partitions;
  private final EngineConfig engineConfig = new EngineConfig();
  private ScheduledExecutorService batcher;
  private RpcServer rpcServer;
  private NodeStorage storage;

  public ClusterNode(TideServer server, ClusterConfig config) {
    this.server = server;
    this.config = config.conclude();
    this.map = ClusterMap.initial(config.bootstrap, config.partitions, config.replicas);
    this.self = config.self();
    this.partitions = new Partition[map.partitionCount()];
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

  /** Starts the partitions' Raft groups and routes the server's commands through them. */
  public ClusterNode start() throws IOException {
    JRaftTuning.systemDefaults(); // before JRaft's classes load
    try {
      return startGroups();
    } catch (IOException | RuntimeException e) {
      close(); // what did start (groups, RPC server, node log) stops again
      throw e;
    }
  }

  private ClusterNode startGroups() throws IOException {
    Files.createDirectories(config.dataDir);
    checkIdentity();
    storage = NodeStorage.open(storageOptions());
    rpcServer = storage.createRpcServer(new Endpoint(self.host(), self.busPort()));
    if (!rpcServer.init(null)) {
      rpcServer = null;
      throw new IOException("cannot listen on bus port " + self.busPort() + " (in use?)");
    }
    batcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tide-batcher");
      t.setDaemon(true);
      return t;
    });
    NodeOptions template = nodeOptions();
    PeerId selfPeer = peer(self);
    for (int p : map.partitionsOn(self)) {
      List<PeerId> peers = new ArrayList<>();
      for (Member m : map.replicas(p)) {
        peers.add(peer(m));
      }
      Partition part = new Partition(p, server.table(), engineConfig, batcher, server::now);
      Path dir = config.dataDir.resolve("partitions").resolve(Partition.groupId(p));
      storage.prepareGroup(Partition.groupId(p), dir);
      part.start(rpcServer, selfPeer, peers, dir, template);
      partitions[p] = part;
      storage.watchCatchUp(Partition.groupId(p), part.node());
    }
    ClusterCommands.register(server.table(), this);
    server.executor().setRouter(new ClusterRouter(this));
    server.onClose(this::close);
    log.info("cluster node {} ({}) started: {} of {} partitions here, map {}", config.nodeName, self.id(),
        map.partitionsOn(self).size(), map.partitionCount(), map);
    return this;
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

  /** Refuses a data directory written for another cluster (different members, partitions or replicas). */
  private void checkIdentity() throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("partitions=").append(map.partitionCount()).append('\n');
    sb.append("replicas=").append(map.replicas(0).size()).append('\n');
    for (Member m : map.members()) {
      sb.append("member=").append(m.host()).append(':').append(m.port()).append('@').append(m.busPort()).append('\n');
    }
    sb.append("self=").append(self.id()).append('\n');
    String identity = sb.toString();
    Path file = config.dataDir.resolve(IDENTITY_FILE);
    if (Files.exists(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8);
      if (!existing.equals(identity)) {
        throw new IOException("data directory " + config.dataDir + " belongs to another cluster or node:\n"
            + existing + "this node is:\n" + identity
            + "start with the same --bootstrap/--partitions/--replicas and addresses, or use an empty --data-dir");
      }
      return;
    }
    Path tmp = file.resolveSibling(IDENTITY_FILE + ".tmp");
    Files.writeString(tmp, identity, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static PeerId peer(Member m) {
    return new PeerId(m.host(), m.busPort());
  }

  public ClusterMap map() {
    return map;
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
    return partitions[p];
  }

  /**
   * The member that leads a partition as far as this node knows: from its own replica's Raft
   * state, or (when it holds no replica) the map's first-choice replica, which redirects onwards
   * if it is not the leader. Null while a hosted partition has no leader.
   */
  public Member leaderOf(int p) {
    Partition part = partitions[p];
    if (part == null) {
      return map.replicas(p).get(0);
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
    for (int p = 0; p < partitions.length; p++) {
      if (partitions[p] != null && leaderOf(p) == null) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized void close() {
    server.executor().setRouter(null);
    for (Partition p : partitions) {
      if (p != null) {
        p.shutdown();
      }
    }
    for (Partition p : partitions) {
      if (p != null) {
        try {
          p.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
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
