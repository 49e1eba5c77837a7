package dev.tide.cluster.placement;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import dev.tide.cluster.controller.BusMessages;
import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.LeaderBalancer;
import dev.tide.cluster.controller.MapCommand;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Carries out the replica moves the map records, on the node that leads each moving partition.
 * The controller only records a move ({@link MapCommand.StartMove}); the partition's leader, which
 * holds the group's Raft configuration, walks it through these steps, one per round, each
 * re-derived from the group's current configuration so a round can always resume where a crash, a
 * leadership change or a failed step left it:
 * <ol>
 *   <li>add the destination as a <b>learner</b> (it receives the log, or a snapshot streamed in
 *       throttled chunks, but does not vote: the partition's quorum is unchanged);</li>
 *   <li>wait until it has <b>caught up</b> (its replicator is within {@link #CATCH_UP_MARGIN} entries of
 *       the leader's log);</li>
 *   <li>if this node is the source, <b>transfer leadership</b> to another remaining voter first (so
 *       the partition is not left leaderless when the source leaves), and stop: the new leader
 *       goes on;</li>
 *   <li><b>promote</b>: drop the learner and change the voters to the new set in one joint-consensus
 *       change (JRaft's changePeers; the destination is re-added as a catching-up peer, which takes
 *       only the few entries written since step 2);</li>
 *   <li>when the configuration is the new set, tell the controller ({@link MapCommand.FinishMove}):
 *       the map's replica list changes and the source stops and deletes its replica.</li>
 * </ol>
 * A destination that stops answering for {@link #STALLED_MS} before it is promoted gets the move
 * aborted ({@link MapCommand.AbortMove}); after promotion a move only goes forward. Learners the
 * map no longer asks for (an aborted move) are removed.
 */
public final class MoveExecutor {

  private static final Logger log = LoggerFactory.getLogger(MoveExecutor.class);

  /**
   * How close (in log entries) a learner must be before it is promoted: the promotion's own
   * catch-up (JRaft's, bounded by an election timeout) then has only these few entries to send,
   * so it cannot time out under write load.
   */
  public static final long CATCH_UP_MARGIN = 64;
  /**
   * How long a destination may be unreachable before its move is aborted: longer than a
   * restart of the destination (a few seconds), so a move survives one, short enough that a dead
   * destination does not block its partition's moves for long.
   */
  public static final long STALLED_MS = 30_000;

  /** What this node knows of a move it drives: phase text, learner lag, when it last progressed. */
  public record Progress(String phase, long lagEntries, long sinceMs) {
  }

  private final Member self;
  private final Supplier<ClusterState> state;
  private final IntFunction<Partition> partitions;
  private final Function<MapCommand, BusMessages.Reply> propose;
  private final LongSupplier clock;
  /** Partitions with a configuration change in flight (JRaft allows one at a time per group). */
  private final Map<Integer, Boolean> busy = new ConcurrentHashMap<>();
  private final Map<Integer, Long> lastAlive = new ConcurrentHashMap<>();
  private final Map<Integer, Progress> progress = new ConcurrentHashMap<>();

  public MoveExecutor(Member self, Supplier<ClusterState> state, IntFunction<Partition> partitions,
                      Function<MapCommand, BusMessages.Reply> propose, LongSupplier clock) {
    this.self = self;
    this.state = state;
    this.partitions = partitions;
    this.propose = propose;
    this.clock = clock;
  }

  /** What this node knows about the move of a partition it leads, or null. */
  public Progress progress(int partition) {
    return progress.get(partition);
  }

  static PeerId peer(Member m) {
    return new PeerId(m.host(), m.busPort());
  }

  /** One pass over the partitions this node leads. Map thread. */
  public void round() {
    ClusterState s = state.get();
    if (s == null || !s.isRecorded()) {
      return;
    }
    for (int p = 0; p < s.map().partitionCount(); p++) {
      Partition part = partitions.apply(p);
      if (part == null || !part.isLeader() || part.node() == null) {
        progress.remove(p);
        continue;
      }
      if (busy.containsKey(p)) {
        continue;
      }
      try {
        step(s, p, part.node());
      } catch (RuntimeException e) {
        log.warn("partition {}: move step failed: {}", p, e.toString());
      }
    }
  }

  private void step(ClusterState s, int p, Node node) {
    ClusterState.Move move = s.move(p);
    List<PeerId> peers = node.listPeers();
    List<PeerId> learners = node.listLearners();
    if (move == null) {
      progress.remove(p);
      lastAlive.remove(p);
      if (!learners.isEmpty()) {
        // a learner no move asks for (the move was aborted or finished while it was being added)
        change(p, "remove stale learners " + learners, done -> node.removeLearners(learners, done));
      }
      return;
    }
    MemberInfo from = s.info(move.from());
    MemberInfo to = s.info(move.to());
    if (from == null || to == null) {
      return;
    }
    PeerId toPeer = peer(to.member());
    PeerId fromPeer = peer(from.member());
    List<PeerId> target = new ArrayList<>();
    for (Member m : s.map().replicas(p)) {
      target.add(m.id().equals(from.id()) ? toPeer : peer(m));
    }
    long now = clock.getAsLong();
    if (new HashSet<>(peers).equals(new HashSet<>(target)) && !learners.contains(toPeer)) {
      progress.put(p, new Progress("finishing", 0, now));
      BusMessages.Reply r = propose.apply(new MapCommand.FinishMove(p, move.from(), move.to()));
      if (r.outcome == BusMessages.Reply.OK) {
        log.info("partition {}: moved its replica from {} to {}", p, from.describe(), to.describe());
      } else if (r.outcome == BusMessages.Reply.REFUSED) {
        // usually: an earlier round's FinishMove committed and this node's map is not yet newer
        log.debug("partition {}: the controller did not record the finished move: {}", p, r.message);
      }
      return;
    }
    if (peers.contains(toPeer)) {
      // promoted, but the source is still a voter (the change was interrupted): finish the change
      progress.put(p, new Progress("promoting", 0, now));
      change(p, "voters " + target, done -> node.changePeers(new Configuration(target), done));
      return;
    }
    boolean destinationUsable = to.state() == MemberState.ACTIVE;
    if (!learners.contains(toPeer)) {
      if (!destinationUsable) {
        abort(p, move, from, to, "the destination is " + to.state().label());
        return;
      }
      lastAlive.put(p, now);
      progress.put(p, new Progress("adding learner", -1, now));
      change(p, "add learner " + to.describe(), done -> node.addLearners(List.of(toPeer), done));
      return;
    }
    boolean alive = node.listAliveLearners().contains(toPeer);
    if (alive) {
      lastAlive.put(p, now);
    }
    long since = lastAlive.getOrDefault(p, now);
    if (!destinationUsable || now - since > STALLED_MS) {
      String why = !destinationUsable ? "the destination is " + to.state().label()
          : "the destination has not answered for " + (now - since) / 1000 + " s";
      change(p, "remove learner " + to.describe(), done -> node.removeLearners(List.of(toPeer), done));
      abort(p, move, from, to, why);
      return;
    }
    long next = LeaderBalancer.nextIndex(node, toPeer);
    long lag = next < 0 ? -1 : Math.max(0, node.getLastLogIndex() - (next - 1));
    if (!alive || lag < 0 || lag > CATCH_UP_MARGIN) {
      progress.put(p, new Progress("learner catching up", lag, now));
      return;
    }
    if (fromPeer.equals(node.getNodeId().getPeerId())) {
      // This node is leaving the group: hand leadership to a caught-up remaining voter first.
      for (PeerId candidate : target) {
        if (!candidate.equals(toPeer) && node.listAlivePeers().contains(candidate)
            && LeaderBalancer.caughtUpPeer(node, candidate)) {
          progress.put(p, new Progress("transferring leadership", lag, now));
          Status st = node.transferLeadershipTo(candidate);
          log.info("partition {}: its replica here moves to {}; handing leadership to {} first ({})", p,
              to.describe(), candidate, st);
          return;
        }
      }
      progress.put(p, new Progress("waiting for a caught-up voter to lead", lag, now));
      return;
    }
    progress.put(p, new Progress("promoting", lag, now));
    busy.put(p, true);
    node.removeLearners(List.of(toPeer), st -> {
      if (!st.isOk()) {
        busy.remove(p);
        log.info("partition {}: removing learner {} before promotion failed: {}", p, to.describe(), st);
        return;
      }
      node.changePeers(new Configuration(target), st2 -> {
        busy.remove(p);
        if (st2.isOk()) {
          log.info("partition {}: voters are now {}", p, target);
        } else {
          log.info("partition {}: promotion of {} failed ({}); the next round resumes", p, to.describe(), st2);
        }
      });
    });
  }

  private void abort(int p, ClusterState.Move move, MemberInfo from, MemberInfo to, String why) {
    BusMessages.Reply r = propose.apply(new MapCommand.AbortMove(p, move.from(), move.to()));
    if (r.outcome == BusMessages.Reply.OK) {
      log.warn("partition {}: move from {} to {} aborted: {}", p, from.describe(), to.describe(), why);
      progress.remove(p);
      lastAlive.remove(p);
    }
  }

  private void change(int p, String what, java.util.function.Consumer<com.alipay.sofa.jraft.Closure> call) {
    busy.put(p, true);
    try {
      call.accept(st -> {
        busy.remove(p);
        if (st.isOk()) {
          log.info("partition {}: {}", p, what);
        } else {
          log.info("partition {}: {} failed: {}", p, what, st);
        }
      });
    } catch (RuntimeException e) {
      busy.remove(p);
      throw e;
    }
  }
}
