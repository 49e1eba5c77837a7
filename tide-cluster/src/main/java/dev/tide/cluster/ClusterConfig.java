package dev.tide.cluster;

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
    if (dataDir == null) {
      throw new IllegalArgumentException("--data-dir is required in cluster mode");
    }
    if (busPort < 1 || busPort > 65535) {
      throw new IllegalArgumentException("--bus-port must be in 1..65535, got " + busPort);
    }
    if (bootstrap.isEmpty()) {
      throw new IllegalArgumentException("--bootstrap must list the cluster's members (HOST:PORT@BUS or HOST:BUS)");
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

  /** This node's entry in the bootstrap list (matched by bus address and client port), or null. */
  public Member self() {
    for (Member m : bootstrap) {
      if (m.busPort() == busPort && m.host().equals(host) && m.port() == port) {
        return m;
      }
    }
    return null;
  }
}
