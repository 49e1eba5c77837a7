package dev.tide.cluster;

import dev.tide.cluster.controller.LeaderBalancer;
import dev.tide.cluster.controller.MapSync;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.log.Durability;
import dev.tide.cluster.raft.log.NodeLog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of one cluster node, validated once by {@link #conclude()} with messages that name
 * the bad setting.
 */
public final class ClusterConfig {

  /**
   * Raft election timeout. JRaft's default (1000 ms) gave a 1.7 s median failover here; followers
   * wait a random time in [timeout, 2 × timeout) before standing, so 300 ms aims failover at
   * ~0.5–0.8 s on loopback (issue 4's target: writes resume within 1 s).
   */
  public static final int DEFAULT_ELECTION_TIMEOUT_MS = 300;
  /**
   * Heartbeats per election timeout (JRaft's electionHeartbeatFactor; its default 10 would mean a
   * heartbeat every 30 ms per group per follower). 3 keeps a 100 ms heartbeat: a follower still
   * sees two or three before it would stand, and 16 groups cost a third of the heartbeats.
   */
  public static final int DEFAULT_HEARTBEAT_FACTOR = 3;
  /** Seconds between snapshots of each partition (log compaction). */
  public static final int DEFAULT_SNAPSHOT_INTERVAL_SECS = 600;
  /**
   * How long {@code --join} keeps trying before the node gives up and exits: long enough for a
   * controller election or a member restart (seconds), short enough that a typo in an address
   * ends with a message instead of a hang.
   */
  public static final long DEFAULT_JOIN_TIMEOUT_MS = 30_000;

  /** How this node enters the cluster. */
  public enum Mode {
    /** {@code --bootstrap}: form a new cluster with the listed members (or restart one of them). */
    BOOTSTRAP,
    /** {@code --join}: ask a running cluster to add this node (or rejoin it after a restart). */
    JOIN,
    /** Neither: restart from the identity and map stored in the data directory. */
    RESTART
  }

  public String nodeName;
  public Path dataDir;
  public String host = "127.0.0.1";
  public int port;
  public int busPort;
  public List<Member> bootstrap = new ArrayList<>();
  public int partitions = ClusterMap.DEFAULT_PARTITIONS;
  public int replicas = ClusterMap.DEFAULT_REPLICAS;
  public int electionTimeoutMs = DEFAULT_ELECTION_TIMEOUT_MS;
  public int heartbeatFactor = DEFAULT_HEARTBEAT_FACTOR;
  public int snapshotIntervalSecs = DEFAULT_SNAPSHOT_INTERVAL_SECS;
  /** {@code --join}: bus addresses (HOST:BUS, or HOST:PORT@BUS) of members of a running cluster. */
  public List<String> join = new ArrayList<>();
  /** {@code --zone}: failure-zone label recorded by the controller (placement uses it in issue 5); "" = none. */
  public String zone = "";
  public long joinTimeoutMs = DEFAULT_JOIN_TIMEOUT_MS;
  public long mapPollIntervalMs = MapSync.DEFAULT_POLL_INTERVAL_MS;
  /** Period of the leader balancer ({@link LeaderBalancer}); 0 turns it off. */
  public long balanceIntervalMs = LeaderBalancer.DEFAULT_INTERVAL_MS;
  /** When a Raft log write counts as stored (docs/cluster.md, "Durability modes"); fsync is the safe default. */
  public Durability durability = Durability.FSYNC;
  /** Length of the node log's segment files (tests make it small to exercise rolling and deletion). */
  public long logSegmentBytes = NodeLog.DEFAULT_SEGMENT_BYTES;
  /**
   * Unsafe: a replica that lost log entries votes before it has caught up. Only to get a leader
   * back after a majority of a partition's replicas lost data at once (acknowledged writes may then
   * be lost anyway); see docs/cluster.md, "Corruption and recovery".
   */
  public boolean voteWhileRecovering;

  public ClusterConfig conclude() {
    if (nodeName == null || nodeName.isBlank()) {
      throw new IllegalArgumentException("--node-id is required in cluster mode");
    }
    String badName = MemberInfo.checkName("--node-id", nodeName);
    if (badName != null) {
      throw new IllegalArgumentException(badName);
    }
    if (zone == null) {
      zone = "";
    }
    if (!zone.isEmpty() && MemberInfo.checkName("--zone", zone) != null) {
      throw new IllegalArgumentException(MemberInfo.checkName("--zone", zone));
    }
    if (!bootstrap.isEmpty() && !join.isEmpty()) {
      throw new IllegalArgumentException("--bootstrap and --join cannot be used together: --bootstrap forms a new "
          + "cluster from the listed members, --join adds this node to a running cluster; give only one");
    }
    for (String j : join) {
      if (MapSync.parseEndpoint(j) == null) {
        throw new IllegalArgumentException("bad --join address '" + j + "': expected HOST:BUS (the bus port of a "
            + "running member) or HOST:PORT@BUS");
      }
    }
    if (joinTimeoutMs < 1) {
      throw new IllegalArgumentException("join timeout must be positive, got " + joinTimeoutMs + " ms");
    }
    if (mapPollIntervalMs < 10) {
      throw new IllegalArgumentException("map poll interval must be at least 10 ms, got " + mapPollIntervalMs);
    }
    if (balanceIntervalMs < 0) {
      throw new IllegalArgumentException("balance interval must be 0 (off) or positive, got " + balanceIntervalMs);
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("--data-dir is required in cluster mode");
    }
    if (busPort < 1 || busPort > 65535) {
      throw new IllegalArgumentException("--bus-port must be in 1..65535, got " + busPort);
    }
    if (bootstrap.isEmpty() && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("--port must be in 1..65535 in cluster mode, got " + port);
    }
    if (electionTimeoutMs < 50) {
      throw new IllegalArgumentException("election timeout must be at least 50 ms, got " + electionTimeoutMs);
    }
    if (durability == null) {
      throw new IllegalArgumentException("--durability must be fsync or replicated");
    }
    if (logSegmentBytes < 4096 || logSegmentBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("log segment size must be in 4 KiB .. 2 GiB, got " + logSegmentBytes);
    }
    if (heartbeatFactor < 2) {
      throw new IllegalArgumentException("heartbeat factor must be at least 2, got " + heartbeatFactor);
    }
    Member self = self();
    if (self == null) {
      throw new IllegalArgumentException("this node (" + host + ":" + port + "@" + busPort
          + ") is not in --bootstrap " + bootstrap + "; list every member, this one included, with the same address");
    }
    return this;
  }

  public Mode mode() {
    return !bootstrap.isEmpty() ? Mode.BOOTSTRAP : !join.isEmpty() ? Mode.JOIN : Mode.RESTART;
  }

  /**
   * This node as a member: its entry in the bootstrap list (matched by bus address and client
   * port; null when missing), or, when joining or restarting, the member at its own addresses.
   */
  public Member self() {
    if (bootstrap.isEmpty()) {
      return Member.of(host, port, busPort);
    }
    for (Member m : bootstrap) {
      if (m.busPort() == busPort && m.host().equals(host) && m.port() == port) {
        return m;
      }
    }
    return null;
  }
}
