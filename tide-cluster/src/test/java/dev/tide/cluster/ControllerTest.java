package dev.tide.cluster;

import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.Controller;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.engine.slots.Slots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The controller group with real nodes in one JVM: it records the bootstrap map, every node
 * converges on the controller's epoch, nodes join with --join and restart without it, and the
 * controller survives the loss of its leader.
 */
class ControllerTest {

  /** Few partitions: these tests are about the map, and each group costs CPU on a 2-core machine. */
  private static final int PARTITIONS = 4;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private static TestCluster cluster(Path dir) throws Exception {
    return new TestCluster(dir, 3, PARTITIONS, 3, c -> { }).startAll();
  }

  /** Index of the running node whose controller replica leads, or -1. */
  private static int controllerLeader(TestCluster cluster) {
    int found = -1;
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.running(i)) {
        Controller c = cluster.nodes[i].sync().controller();
        if (c != null && c.isLeader()) {
          found = i;
        }
      }
    }
    return found;
  }

  /** True when every running node holds the same recorded map, listing {@code members} live members, all active and named. */
  private static boolean converged(TestCluster cluster, int members) {
    ClusterState first = null;
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.running(i)) {
        continue;
      }
      ClusterState s = cluster.nodes[i].state();
      if (!s.isRecorded() || s.liveMembers().size() != members) {
        return false;
      }
      for (MemberInfo m : s.liveMembers()) {
        if (m.state() != MemberState.ACTIVE || m.name().isEmpty()) {
          return false;
        }
      }
      if (first == null) {
        first = s;
      } else if (!first.equals(s)) {
        return false;
      }
    }
    return first != null;
  }

  @Test
  void bootstrapElectsAControllerThatRecordsTheInitialMapAndEveryNodeConvergesOnIt() throws Exception {
    try (TestCluster cluster = cluster(dir)) {
      // Before the controller answers, every node already serves from the provisional bootstrap map.
      ClusterMap initial = ClusterMap.initial(cluster.members, PARTITIONS, 3);
      await().atMost(WAIT).until(() -> controllerLeader(cluster) >= 0);
      await().atMost(WAIT).until(() -> converged(cluster, 3));
      ClusterState s = cluster.nodes[0].state();
      assertThat(s.clusterId()).isNotEmpty();
      // epoch 1 is the recorded bootstrap map; each member registering its name added one
      assertThat(s.epoch()).isEqualTo(1 + 3);
      for (int p = 0; p < PARTITIONS; p++) {
        assertThat(s.map().replicas(p)).isEqualTo(initial.replicas(p));
        assertThat(s.map().slotRanges(p)).usingRecursiveComparison().isEqualTo(initial.slotRanges(p));
      }
      for (int i = 0; i < 3; i++) {
        assertThat(s.info(cluster.members.get(i).id()).name()).isEqualTo("n" + (i + 1));
      }
      assertThat(s.controllers()).containsExactly(cluster.members.get(0).id(), cluster.members.get(1).id(),
          cluster.members.get(2).id());

      // CLUSTER TIDE-MAP shows the same epoch and members on every node, and a controller leader
      for (int i = 0; i < 3; i++) {
        int node = i;
        try (Jedis j = new Jedis("127.0.0.1", cluster.members.get(i).port())) {
          Map<String, Object> reply = tideMap(j);
          assertThat(reply.get("epoch")).isEqualTo(s.epoch());
          assertThat(reply.get("cluster-id")).isEqualTo(s.clusterId());
          assertThat(reply.get("myself")).isEqualTo(cluster.members.get(i).id());
          List<Map<String, Object>> members = list(reply.get("members"));
          assertThat(members).extracting(m -> m.get("name")).containsExactly("n1", "n2", "n3");
          assertThat(members).extracting(m -> m.get("state")).containsOnly("active");
          assertThat(members).extracting(m -> m.get("controller")).containsOnly(1L);
          assertThat(list(reply.get("partitions"))).hasSize(PARTITIONS);
          // the controller leader as this node sees it (elections may move it: wait, do not assume)
          await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Object> controller = map(tideMap(j).get("controller"));
            int leader = controllerLeader(cluster);
            assertThat(leader).isNotNegative();
            assertThat(controller.get("leader")).as("controller leader seen by node %d", node)
                .isEqualTo(cluster.members.get(leader).id());
          });
        }
      }
    }
  }

  @Test
  void aNodeJoinsEveryNodeSeesTheNewEpochAndClientsStillWork() throws Exception {
    try (TestCluster cluster = cluster(dir)) {
      await().atMost(WAIT).until(() -> converged(cluster, 3));
      long before = cluster.nodes[0].state().epoch();
      // --join through a node that is not necessarily the controller leader: it redirects
      int joiner = cluster.addJoiner(List.of(cluster.busAddress(2)));
      await().atMost(WAIT).until(() -> converged(cluster, 4));
      ClusterState s = cluster.nodes[0].state();
      assertThat(s.epoch()).isGreaterThan(before);
      Member joined = cluster.members.get(joiner);
      assertThat(s.info(joined.id()).name()).isEqualTo("n4");
      assertThat(s.map().partitionsOn(joined)).isEmpty(); // replicas move to it in issue 5

      // It is listed by CLUSTER NODES everywhere and answers MOVED for every slot.
      for (int i = 0; i < cluster.size(); i++) {
        try (Jedis j = new Jedis("127.0.0.1", cluster.members.get(i).port())) {
          assertThat(j.clusterNodes()).contains(joined.id() + " 127.0.0.1:" + joined.port() + "@" + joined.busPort());
        }
      }
      await().atMost(WAIT).until(cluster::allLeadersElected);
      try (Jedis j = new Jedis("127.0.0.1", joined.port())) {
        for (String key : List.of("a", "b", "c", "{x}1")) {
          assertThatThrownBy(() -> j.set(key, "v")).isInstanceOf(JedisMovedDataException.class);
        }
        assertThat(j.clusterInfo()).contains("cluster_known_nodes:4");
      }
      // A cluster client that starts from the new node writes and reads through the others.
      try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", joined.port())),
          DefaultJedisClientConfig.builder().socketTimeoutMillis(5_000).build(), 10, Duration.ofSeconds(30))) {
        for (int i = 0; i < 50; i++) {
          assertThat(jc.set("k" + i, "v" + i)).isEqualTo("OK");
        }
        for (int i = 0; i < 50; i++) {
          assertThat(jc.get("k" + i)).isEqualTo("v" + i);
        }
      }
    }
  }

  @Test
  void afterTheControllerLeaderStopsANewOneIsElectedAndJoinsStillWork() throws Exception {
    try (TestCluster cluster = cluster(dir)) {
      await().atMost(WAIT).until(() -> converged(cluster, 3) && controllerLeader(cluster) >= 0);
      int old = controllerLeader(cluster);
      cluster.stop(old);
      await().atMost(WAIT).until(() -> controllerLeader(cluster) >= 0);
      assertThat(controllerLeader(cluster)).isNotEqualTo(old);
      // join through the stopped node and a live one: the joiner skips the dead address
      int live = (old + 1) % 3;
      int joiner = cluster.addJoiner(List.of(cluster.busAddress(old), cluster.busAddress(live)));
      await().atMost(WAIT).until(() -> converged(cluster, 4));
      // the old leader comes back and catches up with the map it missed
      cluster.start(old);
      await().atMost(WAIT).until(() -> converged(cluster, 4));
      assertThat(cluster.nodes[old].state().info(cluster.members.get(joiner).id())).isNotNull();
    }
  }

  @Test
  void aJoinedNodeRestartsFromItsDataDirectoryWithoutJoin() throws Exception {
    try (TestCluster cluster = cluster(dir)) {
      await().atMost(WAIT).until(() -> converged(cluster, 3));
      int joiner = cluster.addJoiner(List.of(cluster.busAddress(0)));
      await().atMost(WAIT).until(() -> converged(cluster, 4));
      long epoch = cluster.nodes[0].state().epoch();
      cluster.stop(joiner);
      cluster.start(joiner); // config(i) of a joined node has no --join and no --bootstrap
      ClusterState s = cluster.nodes[joiner].state();
      assertThat(s.epoch()).isEqualTo(epoch); // from its cached map, at once
      assertThat(s.info(cluster.members.get(joiner).id()).name()).isEqualTo("n4");
      await().atMost(WAIT).until(() -> converged(cluster, 4));
      // it is still a member that follows the controller: a new epoch reaches it
      int fifth = cluster.addJoiner(List.of(cluster.busAddress(1)));
      await().atMost(WAIT).until(() -> converged(cluster, 5));
      assertThat(cluster.nodes[joiner].state().info(cluster.members.get(fifth).id())).isNotNull();
    }
  }

  // ---- reading CLUSTER TIDE-MAP (RESP2: maps arrive as flat key/value arrays) ---------------------

  static Map<String, Object> tideMap(Jedis j) {
    return map(j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode("CLUSTER"), "TIDE-MAP"));
  }

  /** A RESP2 flat key/value array as a map; values stay raw except bulk strings, which become Strings. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object raw) {
    List<Object> flat = (List<Object>) raw;
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      Object v = flat.get(i + 1);
      out.put(text(flat.get(i)), v instanceof byte[] ? text(v) : v);
    }
    return out;
  }

  /** An array of maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object raw) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : (List<Object>) raw) {
      out.add(map(o));
    }
    return out;
  }

  private static String text(Object o) {
    return new String((byte[]) o, java.nio.charset.StandardCharsets.UTF_8);
  }

  static int slotOwner(ClusterState s, String key) {
    return s.map().partitionOf(Slots.slot(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
