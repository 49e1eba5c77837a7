package dev.tide.cluster;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
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
import java.util.concurrent.TimeUnit;

/**
 * A Tide node in cluster mode: the RESP server of single-node mode plus this node's replicas of
 * the cluster's partitions, each a SOFAJRaft group.
 *
 * <p><b>Multi-raft.</b> All groups of the node share one RPC server on the bus port (JRaft
 * routes messages by group id) and JRaft's shared timer pools (election, vote, step-down,
 * snapshot), so the cost of a group is its state, its log store and its FSM thread, not a set of
 * timer threads. One batcher thread serves every partition's write batching.
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
  private ClusterPubSub pubSub;
  private volatile boolean closed;

  /**
   * Period of the active-expiry tick of the partitions this node leads: Redis's default {@code hz}
   * of 10 runs its active expiry cycle every 100 ms.
   */
  public static final long ACTIVE_EXPIRE_PERIOD_MS = 100;

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
    Files.createDirectories(config.dataDir);
    checkIdentity();
    rpcServer = RaftRpcServerFactory.createRaftRpcServer(new Endpoint(self.host(), self.busPort()));
    if (!rpcServer.init(null)) {
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
      part.start(rpcServer, selfPeer, peers, config.dataDir.resolve("partitions").resolve(Partition.groupId(p)),
          template);
      partitions[p] = part;
    }
    pubSub = new ClusterPubSub(this);
    pubSub.start(rpcServer);
    ClusterCommands.register(server.table(), this);
    dev.tide.cluster.status.StatusCommands.register(server.table(), this);
    server.executor().onConnectionClosed(conn -> {
      if (!closed) {
        for (Partition part : partitions) {
          if (part != null) {
            part.connectionClosed(conn);
          }
        }
      }
    });
    server.executor().setRouter(new ClusterRouter(this, new ClusterTransactions(this, pubSub),
        new ClusterKeyspace(this), pubSub));
    batcher.scheduleWithFixedDelay(this::activeExpireTick, ACTIVE_EXPIRE_PERIOD_MS, ACTIVE_EXPIRE_PERIOD_MS,
        TimeUnit.MILLISECONDS);
    server.onClose(this::close);
    log.info("cluster node {} ({}) started: {} of {} partitions here, map {}", config.nodeName, self.id(),
        map.partitionsOn(self).size(), map.partitionCount(), map);
    return this;
  }

  private NodeOptions nodeOptions() {
    NodeOptions o = new NodeOptions();
    o.setElectionTimeoutMs(config.electionTimeoutMs);
    o.setSnapshotIntervalSecs(config.snapshotIntervalSecs);
    o.setSharedElectionTimer(true);
    o.setSharedVoteTimer(true);
    o.setSharedStepDownTimer(true);
    o.setSharedSnapshotTimer(true);
    o.setSharedTimerPool(true);
    RaftOptions raft = new RaftOptions();
    raft.setSync(config.syncLog);
    raft.setElectionHeartbeatFactor(config.heartbeatFactor);
    o.setRaftOptions(raft);
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

  /** Active expiry of every partition this node leads; bounded work per partition (Partition#activeExpireTick). */
  private void activeExpireTick() {
    if (closed) {
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
    closed = true;
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
    if (pubSub != null) {
      pubSub.close();
    }
    if (rpcServer != null) {
      rpcServer.shutdown();
      rpcServer = null;
    }
    if (batcher != null) {
      batcher.shutdownNow();
    }
  }
}
