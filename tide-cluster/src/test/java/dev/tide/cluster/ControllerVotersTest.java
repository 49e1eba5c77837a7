package dev.tide.cluster;

import com.alipay.sofa.jraft.entity.PeerId;
import dev.tide.cluster.controller.BusMessages;
import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MapCommand;
import dev.tide.cluster.controller.MemberState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller group follows the membership: it grows to five voters as nodes join, and when
 * bootstrap voters are drained it hands their places (and its leadership) to other nodes, so they
 * can be removed; the cluster keeps taking map changes and client writes throughout.
 */
class ControllerVotersTest {

  private static final int PARTITIONS = 4;

  @TempDir
  Path dir;

  @Test
  void votersGrowToFiveAndMoveOffDrainedBootstrapNodesWhichCanThenBeRemoved() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, PARTITIONS, 3,
        c -> c.electionTimeoutMs = ClusterClients.STABLE_ELECTION_TIMEOUT_MS).startAll()) {
      ClusterClients.awaitStableLeaders(cluster, PARTITIONS);
      int n4 = cluster.addJoiner(List.of(cluster.busAddress(0)));
      int n5 = cluster.addJoiner(List.of(cluster.busAddress(1)));
      awaitVoters(cluster, 2, Set.of(0, 1, 2, n4, n5));

      try (Jedis admin = ClusterClients.connect(cluster, 2)) {
        for (String name : List.of("n1", "n2")) {
          assertThat(ClusterClients.text(ClusterClients.cmd(admin, "TIDE.NODE", "DRAIN", name))).isEqualTo("OK");
        }
        // drained (replicas moved) and no longer voters: then they may leave
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
            List.of("drained").contains(ClusterClients.text(((List<?>) ClusterClients.cmd(admin, "TIDE.NODE",
                "DRAINSTATUS", "n1")).get(0)))
            && List.of("drained").contains(ClusterClients.text(((List<?>) ClusterClients.cmd(admin, "TIDE.NODE",
                "DRAINSTATUS", "n2")).get(0))));
        awaitVoters(cluster, 2, Set.of(2, n4, n5));
        for (String name : List.of("n1", "n2")) {
          assertThat(ClusterClients.text(ClusterClients.cmd(admin, "TIDE.NODE", "REMOVE", name))).isEqualTo("OK");
        }
      }
      for (int i : new int[] {0, 1}) {
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.servers[i].isClosed());
        cluster.forget(i);
      }
      // the former voters' controller replicas are gone; the remaining three carry the map
      assertThat(Files.exists(cluster.dataDir(0).resolve("controller"))).isFalse();
      BusMessages.Reply r = cluster.nodes[n4].sync().propose(new MapCommand.SetSetting("moves-per-node", 2));
      assertThat(r.outcome).as(r.message).isIn(BusMessages.Reply.OK);
      int n6 = cluster.addJoiner(List.of(cluster.busAddress(n5)));
      await().atMost(Duration.ofSeconds(30)).until(() ->
          cluster.nodes[2].state().info(cluster.members.get(n6).id()) != null
              && cluster.nodes[2].state().info(cluster.members.get(n6).id()).state() == MemberState.ACTIVE);
      try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(2).port())),
          DefaultJedisClientConfig.builder().socketTimeoutMillis(5_000).build(), 10, Duration.ofSeconds(20))) {
        for (int i = 0; i < 50; i++) {
          String key = "after-" + i;
          ClusterClients.retrying(() -> jc.set(key, "v"));
          assertThat(ClusterClients.retrying(() -> jc.get(key))).isEqualTo("v");
        }
      }
    }
  }

  /** Waits until the map's voters are exactly {@code nodes} with no change pending, and the group's Raft voters too. */
  private static void awaitVoters(TestCluster cluster, int observer, Set<Integer> nodes) {
    Set<String> want = new HashSet<>();
    Set<PeerId> wantPeers = new HashSet<>();
    for (int i : nodes) {
      want.add(cluster.members.get(i).id());
      wantPeers.add(ClusterNode.peer(cluster.members.get(i)));
    }
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      ClusterState s = cluster.nodes[observer].state();
      assertThat(new HashSet<>(s.controllers())).isEqualTo(want);
      assertThat(s.controllerChangePending()).isFalse();
      boolean checked = false;
      for (ClusterNode n : cluster.nodes) {
        if (n != null && n.sync().controller() != null && n.sync().controller().isLeader()) {
          assertThat(new HashSet<>(n.sync().controller().node().listPeers())).isEqualTo(wantPeers);
          checked = true;
        }
      }
      assertThat(checked).as("a controller leader is running").isTrue();
    });
  }
}
