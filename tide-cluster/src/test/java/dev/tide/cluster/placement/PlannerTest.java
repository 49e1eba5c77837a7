package dev.tide.cluster.placement;

import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MapCommand;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import dev.tide.cluster.controller.Settings;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner and the move commands on cluster states without a cluster: placement rules, limits,
 * convergence (applying the planner's moves until it plans none ends balanced), and the safety
 * refusals of the map.
 */
class PlannerTest {

  private static List<Member> members(int n) {
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Member.of("127.0.0.1", 7101 + i, 17101 + i));
    }
    return out;
  }

  /** A recorded state of {@code n} bootstrap members n1..n{n} with {@code partitions} partitions of RF 3. */
  static ClusterState cluster(int n, int partitions) {
    ClusterState s = ClusterState.bootstrap(ClusterMap.initial(members(n), partitions, 3)).recorded("test");
    for (int i = 0; i < n; i++) {
      s = ok(s, new MapCommand.UpdateMember(s.map().members().get(i).id(), "n" + (i + 1), null, null));
    }
    return s;
  }

  /** Adds an active member named {@code name} with an optional zone. */
  static ClusterState join(ClusterState s, String name, int index, String zone) {
    Member m = Member.of("127.0.0.1", 7101 + index, 17101 + index);
    s = ok(s, new MapCommand.AddMember(name, m.host(), m.port(), m.busPort(), zone));
    return ok(s, new MapCommand.UpdateMember(m.id(), null, MemberState.ACTIVE, null));
  }

  static ClusterState ok(ClusterState s, MapCommand c) {
    ClusterState.Result r = s.apply(c);
    assertThat(r.error()).as("refusal of %s", c).isNull();
    return r.state();
  }

  static String refusal(ClusterState s, MapCommand c) {
    ClusterState.Result r = s.apply(c);
    assertThat(r.ok()).as("%s should be refused", c).isFalse();
    return r.error();
  }

  static String id(ClusterState s, String name) {
    return s.liveByName(name).id();
  }

  /** Runs the planner and finishes every move it starts, until it plans nothing; returns the final state. */
  static ClusterState converge(ClusterState s) {
    for (int round = 0; round < 1000; round++) {
      List<MapCommand.StartMove> moves = Planner.plan(s);
      if (moves.isEmpty() && s.moves().isEmpty()) {
        return s;
      }
      for (MapCommand.StartMove m : moves) {
        s = ok(s, m);
      }
      for (ClusterState.Move m : List.copyOf(s.moves())) {
        s = ok(s, new MapCommand.FinishMove(m.partition(), m.from(), m.to()));
      }
    }
    throw new AssertionError("the planner did not converge");
  }

  static Map<String, Integer> counts(ClusterState s) {
    Map<String, Integer> c = new HashMap<>();
    for (MemberInfo m : s.members()) {
      if (m.state() == MemberState.ACTIVE || m.state() == MemberState.DRAINING) {
        c.put(m.name(), s.map().partitionsOn(m.member()).size());
      }
    }
    return c;
  }

  static void assertValidPlacement(ClusterState s) {
    for (int p = 0; p < s.map().partitionCount(); p++) {
      Set<String> ids = new HashSet<>();
      for (Member m : s.map().replicas(p)) {
        assertThat(ids.add(m.id())).as("partition %d has two replicas on one member", p).isTrue();
        assertThat(s.info(m.id()).state()).isNotEqualTo(MemberState.LEFT);
      }
      assertThat(ids).hasSize(3);
    }
  }

  @Test
  void aBalancedClusterPlansNothing() {
    assertThat(Planner.plan(cluster(3, 16))).isEmpty();
    assertThat(Planner.plan(cluster(5, 16))).isEmpty();
  }

  @Test
  void newNodesReceiveTheirShareAndNoMoreThanNeededMoves() {
    ClusterState s = cluster(3, 16);
    s = join(s, "n4", 3, "");
    s = join(s, "n5", 4, "");
    List<MapCommand.StartMove> first = Planner.plan(s);
    // limits: at most moves-per-cluster at once, each member in at most moves-per-node
    assertThat(first).hasSizeLessThanOrEqualTo((int) Settings.MOVES_PER_CLUSTER.defaultValue());
    Map<String, Integer> involvement = new HashMap<>();
    for (MapCommand.StartMove m : first) {
      involvement.merge(m.from(), 1, Integer::sum);
      involvement.merge(m.to(), 1, Integer::sum);
    }
    assertThat(involvement.values()).allMatch(v -> v <= Settings.MOVES_PER_NODE.defaultValue());

    int moves = 0;
    ClusterState t = s;
    while (true) {
      List<MapCommand.StartMove> plan = Planner.plan(t);
      if (plan.isEmpty()) {
        break;
      }
      for (MapCommand.StartMove m : plan) {
        t = ok(t, m);
        t = ok(t, new MapCommand.FinishMove(m.partition(), m.from(), m.to()));
        moves++;
      }
    }
    assertValidPlacement(t);
    Map<String, Integer> c = counts(t);
    assertThat(c.values()).allMatch(v -> v == 9 || v == 10); // 48 replicas on 5 nodes
    // no wasted moves: every move gave a new node a replica (the ideal, ~2/5 of the 48 replicas)
    assertThat(moves).isEqualTo(c.get("n4") + c.get("n5")).isBetween(18, 20);
    // preferred leaders spread too (LeaderBalancer follows them): every node prefers 3 or 4 of 16
    Map<String, Integer> preferred = new HashMap<>();
    for (int p = 0; p < 16; p++) {
      preferred.merge(t.info(t.map().preferredLeader(p).id()).name(), 1, Integer::sum);
    }
    assertThat(preferred).hasSize(5);
    assertThat(preferred.values()).allMatch(v -> v >= 2 && v <= 4);
  }

  @Test
  void drainingMovesEveryReplicaAwayAndTheNodeCanThenLeave() {
    ClusterState s = join(cluster(3, 8), "n4", 3, "");
    s = converge(s);
    String n4 = id(s, "n4");
    s = ok(s, new MapCommand.UpdateMember(n4, null, MemberState.DRAINING, null));
    assertThat(refusal(s, new MapCommand.UpdateMember(n4, null, MemberState.LEFT, null)))
        .contains("still holds replicas");
    s = converge(s);
    assertThat(s.map().partitionsOn(s.info(n4).member())).isEmpty();
    s = ok(s, new MapCommand.UpdateMember(n4, null, MemberState.LEFT, null));
    assertValidPlacement(s);
    assertThat(counts(s).values()).allMatch(v -> v == 8);
  }

  @Test
  void unsafeRequestsAreRefusedWithTheReason() {
    ClusterState s = cluster(3, 4);
    // draining would leave two nodes for three replicas
    assertThat(refusal(s, new MapCommand.UpdateMember(id(s, "n1"), null, MemberState.DRAINING, null)))
        .contains("add a node first");
    s = join(s, "n4", 3, "");
    s = ok(s, new MapCommand.UpdateMember(id(s, "n1"), null, MemberState.DRAINING, null));
    assertThat(refusal(s, new MapCommand.UpdateMember(id(s, "n2"), null, MemberState.DRAINING, null)))
        .contains("add a node first");
    // moves: one per partition; only to an active non-replica; from a replica
    String n1 = id(s, "n1");
    String n2 = id(s, "n2");
    String n4 = id(s, "n4");
    assertThat(refusal(s, new MapCommand.StartMove(0, n1, n2))).contains("already holds a replica");
    assertThat(refusal(s, new MapCommand.StartMove(0, n4, n1))).contains("holds no replica");
    s = ok(s, new MapCommand.StartMove(0, n1, n4));
    assertThat(refusal(s, new MapCommand.StartMove(0, n2, n4))).contains("already moving");
    // a member in a move cannot leave; a finished move puts the destination in the source's place
    int before = indexOf(s, 0, n1);
    s = ok(s, new MapCommand.FinishMove(0, n1, n4));
    assertThat(indexOf(s, 0, n4)).isEqualTo(before);
    assertThat(refusal(s, new MapCommand.FinishMove(0, n1, n4))).contains("no move");
    // an abort of a finished move changes nothing
    assertThat(s.apply(new MapCommand.AbortMove(0, n1, n4)).changed()).isFalse();
    // settings are validated
    assertThat(refusal(s, new MapCommand.SetSetting("move-bytes-per-sec", 1))).contains("must be between");
    assertThat(refusal(s, new MapCommand.SetSetting("nonsense", 1))).contains("unknown setting");
    s = ok(s, new MapCommand.SetSetting("move-bytes-per-sec", 8L << 20));
    assertThat(s.setting(Settings.MOVE_BYTES_PER_SEC)).isEqualTo(8L << 20);
  }

  private static int indexOf(ClusterState s, int p, String id) {
    List<Member> r = s.map().replicas(p);
    for (int i = 0; i < r.size(); i++) {
      if (r.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void zonesNeverHoldTwoReplicasOfAPartition() {
    ClusterState s = ClusterState.bootstrap(ClusterMap.initial(members(3), 6, 3)).recorded("test");
    String[] zones = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
      s = ok(s, new MapCommand.UpdateMember(s.map().members().get(i).id(), "n" + (i + 1), null, zones[i]));
    }
    s = join(s, "n4", 3, "a");
    s = join(s, "n5", 4, "b");
    s = join(s, "n6", 5, "c");
    s = converge(s);
    assertValidPlacement(s);
    for (int p = 0; p < 6; p++) {
      Set<String> seen = new HashSet<>();
      for (Member m : s.map().replicas(p)) {
        assertThat(seen.add(s.info(m.id()).zone())).as("partition %d zones", p).isTrue();
      }
    }
    assertThat(counts(s).values()).allMatch(v -> v == 3);
  }

  @Test
  void aDestinationWhoseMoveWasAbortedIsLeftAlone() {
    ClusterState s = join(cluster(3, 8), "n4", 3, "");
    assertThat(Planner.plan(s)).isNotEmpty().allMatch(m -> m.to().equals(id(s, "n4")));
    assertThat(Planner.plan(s, Set.of(id(s, "n4")))).isEmpty();
  }

  @Test
  void movesAndSettingsSurviveTheStateEncoding() {
    ClusterState s = join(cluster(3, 4), "n4", 3, "");
    s = ok(s, new MapCommand.StartMove(1, id(s, "n2"), id(s, "n4")));
    s = ok(s, new MapCommand.SetSetting("moves-per-node", 2));
    ClusterState back = ClusterState.decode(s.encode());
    assertThat(back).isEqualTo(s);
    assertThat(back.moves()).containsExactly(new ClusterState.Move(1, id(s, "n2"), id(s, "n4")));
    assertThat(back.setting(Settings.MOVES_PER_NODE)).isEqualTo(2);
    for (MapCommand c : List.of(new MapCommand.StartMove(1, "a", "b"), new MapCommand.FinishMove(2, "c", "d"),
        new MapCommand.AbortMove(3, "e", "f"), new MapCommand.SetSetting("rebalance", 0))) {
      assertThat(MapCommand.decode(c.encode())).isEqualTo(c);
    }
  }
}
