package dev.tide.cluster.controller;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.Replicator;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.ThreadId;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Moves partition leadership back to each partition's preferred leader, the first replica in
 * the map ({@link dev.tide.cluster.map.ClusterMap#preferredLeader}). The initial placement spreads
 * first replicas evenly, so following the preference spreads leaders (and so write load) evenly;
 * without it, leaders stay wherever elections left them — after a node restarts it leads nothing.
 *
 * <p>Each node runs {@link #round} every {@link #DEFAULT_INTERVAL_MS} on its map thread. For every
 * partition it leads but is not preferred for, it asks JRaft to transfer leadership to the
 * preferred replica ({@code Node.transferLeadershipTo}) when that replica is an active member,
 * a voter of the group, alive (answered within the leader's lease) and caught up (its replicator's
 * next index is past the leader's last log index). JRaft blocks the partition's writes during a
 * transfer until the target takes over or an election timeout passes, so the catch-up check keeps
 * a lagging replica from stalling writes, and at most {@link #MAX_TRANSFERS_PER_ROUND} transfers
 * start per node per round so a restart does not move every leader at once. Leadership gained in
 * an election is left alone for {@link #STABLE_ROUNDS} round, a transfer waits (up to
 * {@link #MAX_BUSY_ROUNDS} rounds) for a moment when no write is in flight, and a partition whose
 * transfer did not take backs off (up to {@link #MAX_BACKOFF_ROUNDS} rounds), so a flaky preferred node does
 * not make its partitions change leader every round.
 */
public final class LeaderBalancer {

  private static final Logger log = LoggerFactory.getLogger(LeaderBalancer.class);

  /**
   * Seconds between rounds: long against an election (0.3-0.6 s here) so a transfer settles before
   * the next round looks, short enough that a restarted node leads its share within ~10 s.
   */
  public static final long DEFAULT_INTERVAL_MS = 3000;
  /**
   * Transfers a node starts per round: each briefly pauses one partition's writes (~1 round trip
   * when the target is caught up), so a few at a time keep the cluster's write pause small; with
   * 16 partitions on 3 nodes a restarted node's ~5 preferred partitions move back in two rounds.
   */
  public static final int MAX_TRANSFERS_PER_ROUND = 4;
  /**
   * Rounds a node must have led a partition before it hands leadership on: right after an
   * election (often caused by a busy or restarting node) leadership is left alone for one round
   * instead of being moved again at once.
   */
  static final int STABLE_ROUNDS = 1;
  /**
   * Longest back-off, in rounds, after transfers of a partition that did not take (the preferred
   * replica kept failing to take over): 1, 2, 4, 8 rounds, so a flaky node costs at most one
   * paused write batch every ~24 s per partition rather than one per round.
   */
  static final int MAX_BACKOFF_ROUNDS = 8;
  /**
   * Rounds a transfer waits for a moment with no write in flight (every appended entry applied).
   * JRaft fails the closures of entries not yet applied when the old leader steps down, so a
   * client whose write was in flight would get TRYAGAIN although the write commits; waiting for a
   * quiet moment avoids that, and after this many busy rounds the transfer goes ahead anyway so a
   * steadily written partition still gets its preferred leader back.
   */
  static final int MAX_BUSY_ROUNDS = 3;

  private static final Field REPLICATOR_GROUP = replicatorGroupField();

  private final Member self;
  private final Supplier<ClusterState> state;
  private final IntFunction<Partition> partitions;
  /** Per partition: the round since which this node has led it continuously, or -1. */
  private long[] leadingSince = new long[0];
  /** Per partition: the first round another transfer may start, and the current back-off. */
  private long[] notBefore = new long[0];
  private int[] backoff = new int[0];
  private int[] busyRounds = new int[0];
  private long rounds;

  public LeaderBalancer(Member self, Supplier<ClusterState> state, IntFunction<Partition> partitions) {
    this.self = self;
    this.state = state;
    this.partitions = partitions;
  }

  /** One pass over the partitions this node leads; returns the transfers started. Map thread. */
  public int round() {
    ClusterState s = state.get();
    if (s == null) {
      return 0;
    }
    long round = ++rounds;
    int count = s.map().partitionCount();
    if (leadingSince.length != count) {
      leadingSince = java.util.Arrays.copyOf(leadingSince, count);
      notBefore = java.util.Arrays.copyOf(notBefore, count);
      backoff = java.util.Arrays.copyOf(backoff, count);
      busyRounds = java.util.Arrays.copyOf(busyRounds, count);
      java.util.Arrays.fill(leadingSince, -1);
    }
    int started = 0;
    for (int p = 0; p < count; p++) {
      Partition part = partitions.apply(p);
      if (part == null || !part.isLeader()) {
        leadingSince[p] = -1;
        backoff[p] = 0; // someone else leads now: a later return starts afresh
        busyRounds[p] = 0;
        continue;
      }
      if (leadingSince[p] < 0) {
        leadingSince[p] = round;
      }
      Member preferred = s.map().preferredLeader(p);
      if (preferred.id().equals(self.id()) || started >= MAX_TRANSFERS_PER_ROUND
          || round - leadingSince[p] < STABLE_ROUNDS || round < notBefore[p]) {
        continue;
      }
      MemberInfo info = s.info(preferred.id());
      if (info == null || info.state() != MemberState.ACTIVE) {
        continue;
      }
      Node node = part.node();
      PeerId peer = new PeerId(preferred.host(), preferred.busPort());
      if (node == null || !node.listPeers().contains(peer) || !node.listAlivePeers().contains(peer)
          || !caughtUp(node, peer)) {
        continue;
      }
      if (node.getLastAppliedLogIndex() < node.getLastLogIndex() && busyRounds[p] < MAX_BUSY_ROUNDS) {
        busyRounds[p]++; // writes in flight: try again next round
        continue;
      }
      busyRounds[p] = 0;
      Status st = node.transferLeadershipTo(peer);
      backoff[p] = backoff[p] == 0 ? 1 : Math.min(MAX_BACKOFF_ROUNDS, backoff[p] * 2);
      notBefore[p] = round + backoff[p];
      if (st.isOk()) {
        started++;
        log.info("partition {}: handing leadership to its preferred replica {}", p, info.describe());
      } else {
        log.debug("partition {}: transfer to {} not started: {}", p, info.describe(), st);
      }
    }
    return started;
  }

  /**
   * True when the leader's replicator for {@code peer} has sent everything up to the leader's last
   * log index. JRaft keeps the replicator group private, so this reads it by reflection; if that
   * ever fails (another JRaft version), the check answers true and JRaft's own wait for catch-up
   * during the transfer (bounded by the election timeout) is the only guard.
   */
  static boolean caughtUp(Node node, PeerId peer) {
    if (REPLICATOR_GROUP == null || !(node instanceof NodeImpl)) {
      return true;
    }
    try {
      ReplicatorGroup group = (ReplicatorGroup) REPLICATOR_GROUP.get(node);
      ThreadId id = group == null ? null : group.getReplicator(peer);
      if (id == null) {
        return false;
      }
      return Replicator.getNextIndex(id) > node.getLastLogIndex();
    } catch (IllegalAccessException | RuntimeException e) {
      return true;
    }
  }

  /** {@link #caughtUp}, for the move executor. */
  public static boolean caughtUpPeer(Node node, PeerId peer) {
    return caughtUp(node, peer);
  }

  /**
   * The next log index the leader's replicator will send to {@code peer} (voter or learner), or -1
   * when it is not known (no replicator, or JRaft's internals are not readable).
   */
  public static long nextIndex(Node node, PeerId peer) {
    if (REPLICATOR_GROUP == null || !(node instanceof NodeImpl)) {
      return -1;
    }
    try {
      ReplicatorGroup group = (ReplicatorGroup) REPLICATOR_GROUP.get(node);
      ThreadId id = group == null ? null : group.getReplicator(peer);
      return id == null ? -1 : Replicator.getNextIndex(id);
    } catch (IllegalAccessException | RuntimeException e) {
      return -1;
    }
  }

  private static Field replicatorGroupField() {
    try {
      Field f = NodeImpl.class.getDeclaredField("replicatorGroup");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LoggerFactory.getLogger(LeaderBalancer.class).warn("JRaft replicator state is not readable ({}); leader "
          + "balancing relies on JRaft's own catch-up wait", e.toString());
      return null;
    }
  }
}
