package dev.tide.cluster.placement;

import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MapCommand;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import dev.tide.cluster.controller.Settings;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which replica moves to start next: a pure function of the cluster state, so every
 * decision can be tested without a cluster and replayed from a map.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li><b>Drain</b>: every replica on a {@link MemberState#DRAINING} member moves to an active
 *       member (the one with the fewest replicas that fits).</li>
 *   <li><b>Balance</b> (setting {@code rebalance}): while the member with the most replicas has at
 *       least two more than the one with the fewest, one replica moves from the first to the
 *       second. Among the first's partitions it picks one that also evens out preferred
 *       leaders (the first replica, which {@code LeaderBalancer} makes leader): a partition the
 *       busier member is preferred for when it is preferred more often than the other.</li>
 *   <li>A destination never already holds a replica of the partition; where members carry zone
 *       labels, it is never in the zone of another of the partition's replicas.</li>
 *   <li>Limits: at most {@code moves-per-cluster} moves at once, each member in at most
 *       {@code moves-per-node} (as source or destination), one move per partition.</li>
 * </ol>
 * Replica counts include the moves in progress as if finished, so a round never plans a move the
 * previous round already started.
 */
public final class Planner {

  private Planner() {
  }

  /** The moves to start now (possibly none). */
  public static List<MapCommand.StartMove> plan(ClusterState s) {
    return plan(s, java.util.Set.of());
  }

  /**
   * The moves to start now, never to a member in {@code avoid} (destinations whose last move was
   * aborted lately: probably down, so a new move to them would only wait for its own abort).
   */
  public static List<MapCommand.StartMove> plan(ClusterState s, java.util.Set<String> avoid) {
    ClusterMap map = s.map();
    int maxMoves = (int) s.setting(Settings.MOVES_PER_CLUSTER);
    int perNode = (int) s.setting(Settings.MOVES_PER_NODE);
    List<MapCommand.StartMove> out = new ArrayList<>();
    int inFlight = s.moves().size();
    if (inFlight >= maxMoves) {
      return out;
    }
    // replica lists as they will be once the moves in progress finish
    List<List<String>> replicas = new ArrayList<>();
    for (int p = 0; p < map.partitionCount(); p++) {
      List<String> ids = new ArrayList<>();
      for (Member m : map.replicas(p)) {
        ids.add(m.id());
      }
      ClusterState.Move move = s.move(p);
      if (move != null) {
        ids.replaceAll(id -> id.equals(move.from()) ? move.to() : id);
      }
      replicas.add(ids);
    }
    java.util.Set<Integer> moving = new java.util.HashSet<>();
    Map<String, Integer> busy = new HashMap<>();
    for (ClusterState.Move m : s.moves()) {
      moving.add(m.partition());
      busy.merge(m.from(), 1, Integer::sum);
      busy.merge(m.to(), 1, Integer::sum);
    }
    List<MemberInfo> placeable = s.placeableMembers();
    List<MemberInfo> targets = placeable.stream().filter(m -> !avoid.contains(m.id())).toList();
    // 1. drains
    for (MemberInfo d : s.members()) {
      if (d.state() != MemberState.DRAINING) {
        continue;
      }
      for (int p = 0; p < map.partitionCount() && inFlight < maxMoves; p++) {
        if (moving.contains(p) || !replicas.get(p).contains(d.id()) || busy.getOrDefault(d.id(), 0) >= perNode) {
          continue;
        }
        MemberInfo to = bestTarget(s, replicas, p, d.id(), targets, busy, perNode);
        if (to != null) {
          start(out, replicas, busy, moving, p, d.id(), to.id());
          inFlight++;
        }
      }
    }
    // 2. balance
    if (s.setting(Settings.REBALANCE) == 0 || targets.size() < 2) {
      return out;
    }
    while (inFlight < maxMoves) {
      Map<String, Integer> count = counts(replicas, targets);
      MemberInfo most = null;
      MemberInfo least = null;
      for (MemberInfo m : targets) {
        if (busy.getOrDefault(m.id(), 0) >= perNode) {
          continue;
        }
        if (most == null || count.get(m.id()) > count.get(most.id())) {
          most = m;
        }
        if (least == null || count.get(m.id()) < count.get(least.id())) {
          least = m;
        }
      }
      if (most == null || least == null || count.get(most.id()) - count.get(least.id()) < 2) {
        break;
      }
      int p = pickPartition(s, replicas, moving, most, least);
      if (p < 0) {
        break;
      }
      start(out, replicas, busy, moving, p, most.id(), least.id());
      inFlight++;
    }
    return out;
  }

  private static void start(List<MapCommand.StartMove> out, List<List<String>> replicas, Map<String, Integer> busy,
                            java.util.Set<Integer> moving, int p, String from, String to) {
    out.add(new MapCommand.StartMove(p, from, to));
    moving.add(p);
    replicas.get(p).replaceAll(id -> id.equals(from) ? to : id);
    busy.merge(from, 1, Integer::sum);
    busy.merge(to, 1, Integer::sum);
  }

  /** Replica counts of the placeable members. */
  static Map<String, Integer> counts(List<List<String>> replicas, List<MemberInfo> members) {
    Map<String, Integer> count = new HashMap<>();
    for (MemberInfo m : members) {
      count.put(m.id(), 0);
    }
    for (List<String> ids : replicas) {
      for (String id : ids) {
        count.computeIfPresent(id, (k, v) -> v + 1);
      }
    }
    return count;
  }

  /** The member with the fewest replicas that may take partition {@code p}'s replica from {@code from}, or null. */
  private static MemberInfo bestTarget(ClusterState s, List<List<String>> replicas, int p, String from,
                                       List<MemberInfo> targets, Map<String, Integer> busy, int perNode) {
    Map<String, Integer> count = counts(replicas, targets);
    MemberInfo best = null;
    for (MemberInfo m : targets) {
      if (busy.getOrDefault(m.id(), 0) >= perNode || !fits(s, replicas.get(p), from, m)) {
        continue;
      }
      if (best == null || count.get(m.id()) < count.get(best.id())) {
        best = m;
      }
    }
    return best;
  }

  /** True when {@code to} may replace {@code from} among {@code ids}: not a replica yet, not in another replica's zone. */
  static boolean fits(ClusterState s, List<String> ids, String from, MemberInfo to) {
    if (ids.contains(to.id())) {
      return false;
    }
    if (to.zone().isEmpty()) {
      return true;
    }
    for (String id : ids) {
      MemberInfo other = s.info(id);
      if (!id.equals(from) && other != null && to.zone().equals(other.zone())) {
        return false;
      }
    }
    return true;
  }

  /** A partition to move from {@code most} to {@code least}, evening out preferred leaders; -1 if none fits. */
  private static int pickPartition(ClusterState s, List<List<String>> replicas, java.util.Set<Integer> moving,
                                   MemberInfo most, MemberInfo least) {
    int mostPreferred = 0;
    int leastPreferred = 0;
    for (List<String> ids : replicas) {
      if (ids.get(0).equals(most.id())) {
        mostPreferred++;
      } else if (ids.get(0).equals(least.id())) {
        leastPreferred++;
      }
    }
    boolean movePreferred = mostPreferred > leastPreferred + 1;
    int fallback = -1;
    for (int p = 0; p < replicas.size(); p++) {
      List<String> ids = replicas.get(p);
      if (moving.contains(p) || !ids.contains(most.id()) || !fits(s, ids, most.id(), least)) {
        continue;
      }
      boolean preferred = ids.get(0).equals(most.id());
      if (preferred == movePreferred) {
        return p;
      }
      if (fallback < 0) {
        fallback = p;
      }
    }
    return fallback;
  }
}
