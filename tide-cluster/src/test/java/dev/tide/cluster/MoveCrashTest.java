package dev.tide.cluster;

import dev.tide.cluster.controller.BusMessages;
import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MapCommand;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.raft.Partition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica move survives the crash of each party (issue 5): the destination (while it downloads
 * the snapshot), the source, and the controller leader. The move is made slow on purpose (a
 * snapshot-only catch-up throttled to {@link #THROTTLE} bytes/s) so the crash lands mid-move; each
 * case ends with the move finished, the partition's Raft voters equal to the map's replicas, and
 * every acknowledged write on every replica.
 */
class MoveCrashTest {

  private static final Logger log = LoggerFactory.getLogger(MoveCrashTest.class);
  private static final int PARTITIONS = 4;
  /** ~1.6 MB in the moving partition: at {@link #THROTTLE} the download takes ~12 s. */
  private static final int KEYS = 160;
  private static final int VALUE_BYTES = 10_000;
  private static final long THROTTLE = 128 << 10;

  enum Crash { DESTINATION, SOURCE, CONTROLLER_LEADER }

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Crash.class)
  void aMoveFinishesConsistentlyWhenOnePartyCrashesMidway(Crash crash) throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, PARTITIONS, 3,
        c -> c.electionTimeoutMs = ClusterClients.STABLE_ELECTION_TIMEOUT_MS).startAll()) {
      ClusterClients.awaitStableLeaders(cluster, PARTITIONS);
      propose(cluster, new MapCommand.SetSetting("rebalance", 0));
      propose(cluster, new MapCommand.SetSetting("move-bytes-per-sec", THROTTLE));
      int n4 = cluster.addJoiner(List.of(cluster.busAddress(0)));

      String tag = "{mv}";
      int p = ClusterClients.partitionOf(cluster, tag);
      List<String> acknowledged = new ArrayList<>();
      // random (incompressible) values, so the snapshot really is ~KEYS x VALUE_BYTES
      java.util.Random random = new java.util.Random(42);
      byte[] raw = new byte[VALUE_BYTES / 2];
      random.nextBytes(raw);
      String value = java.util.HexFormat.of().formatHex(raw);
      try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(0).port())),
          DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).build(), 10, Duration.ofSeconds(30))) {
        for (int i = 0; i < KEYS; i++) {
          String key = tag + i;
          ClusterClients.retrying(() -> jc.set(key, value));
          acknowledged.add(key);
        }
      }
      // every replica snapshots twice (JRaft drops the log up to the snapshot before the latest),
      // so the new replica must download the snapshot rather than replay the log
      try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(0).port())),
          DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).build(), 10, Duration.ofSeconds(30))) {
        for (int round = 0; round < 2; round++) {
          for (int i = 0; i < 3; i++) {
            CountDownLatch done = new CountDownLatch(1);
            com.alipay.sofa.jraft.Status[] status = new com.alipay.sofa.jraft.Status[1];
            cluster.nodes[i].partition(p).node().snapshot(st -> {
              status[0] = st;
              done.countDown();
            });
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(status[0].isOk()).as("snapshot: %s", status[0]).isTrue();
          }
          String key = tag + "after-snapshot-" + round;
          ClusterClients.retrying(() -> jc.set(key, value));
          acknowledged.add(key);
        }
      }
      int leader = cluster.leaderIndex(p);
      int source = (leader + 1) % 3; // a follower: the leader-as-source path is ReplicaMoveTest's
      String sourceId = cluster.members.get(source).id();
      String destId = cluster.members.get(n4).id();
      propose(cluster, new MapCommand.StartMove(p, sourceId, destId));
      String group = Partition.groupId(p);
      await().atMost(Duration.ofSeconds(60)).until(() ->
          cluster.nodes[n4].partition(p) != null && cluster.nodes[n4].moveThrottle().groupBytes(group) > 0);
      log.info("move of partition {} from node {} to node {} is downloading; crashing the {}", p, source, n4, crash);
      if (crash == Crash.DESTINATION) {
        // a learner still downloading does not serve READONLY reads: it redirects to the leader
        try (redis.clients.jedis.Jedis j = ClusterClients.connect(cluster, n4)) {
          ClusterClients.cmd(j, "READONLY");
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClusterClients.cmd(j, "GET", tag + "0"))
              .hasMessageContaining("MOVED");
        }
      }

      List<Integer> stopped = new ArrayList<>();
      switch (crash) {
        case DESTINATION -> {
          cluster.stop(n4);
          Thread.sleep(2_000);
          cluster.start(n4); // restarts from its data directory, still the move's destination
        }
        case SOURCE -> {
          cluster.stop(source);
          stopped.add(source);
        }
        case CONTROLLER_LEADER -> {
          int controller = controllerLeader(cluster);
          cluster.stop(controller);
          stopped.add(controller);
        }
      }
      // the move finishes: the map no longer records it and the destination replaced the source
      await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        ClusterState s = newest(cluster);
        assertThat(s.moves()).isEmpty();
        assertThat(ids(s.map().replicas(p))).contains(destId).doesNotContain(sourceId).hasSize(3);
      });
      for (int i : stopped) {
        cluster.start(i);
      }
      ClusterState s = newest(cluster);
      Set<String> expected = ids(s.map().replicas(p));
      assertThat(expected).contains(destId).doesNotContain(sourceId);
      // the partition's Raft voters are the map's replicas, and nothing else is learning
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        int l = cluster.leaderIndex(p);
        assertThat(l).isNotNegative();
        var node = cluster.nodes[l].partition(p).node();
        Set<String> voters = new HashSet<>();
        for (var peer : node.listPeers()) {
          voters.add(Member.of(peer.getIp(), memberPort(cluster, peer.getPort()), peer.getPort()).id());
        }
        assertThat(voters).isEqualTo(expected);
        assertThat(node.listLearners()).isEmpty();
      });
      // the source no longer holds the partition (it deleted its copy, also when it was down then)
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.nodes[source].partition(p) == null
          && !Files.exists(cluster.dataDir(source).resolve("partitions").resolve(group)));
      // every acknowledged write is on every replica
      for (int i = 0; i < cluster.size(); i++) {
        if (cluster.nodes[i] == null || !expected.contains(cluster.members.get(i).id())) {
          continue;
        }
        Partition part = cluster.nodes[i].partition(p);
        int node = i;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          assertThat(part).as("node %d holds partition %d", node, p).isNotNull();
          List<String> missing = part.withKeyspace(ks -> {
            List<String> out = new ArrayList<>();
            for (String key : acknowledged) {
              Object v = ks.peek(ClusterClients.b(key), System.currentTimeMillis());
              if (!(v instanceof byte[] b) || new String(b, StandardCharsets.UTF_8).length() != VALUE_BYTES) {
                out.add(key);
              }
            }
            return out;
          });
          assertThat(missing).as("acknowledged writes missing on node %d", node).isEmpty();
        });
      }
    }
  }

  /** The newest map any running node has. */
  private static ClusterState newest(TestCluster cluster) {
    ClusterState best = null;
    for (ClusterNode n : cluster.nodes) {
      if (n != null && (best == null || n.state().epoch() > best.epoch())) {
        best = n.state();
      }
    }
    return best;
  }

  private static int memberPort(TestCluster cluster, int busPort) {
    for (Member m : cluster.members) {
      if (m.busPort() == busPort) {
        return m.port();
      }
    }
    throw new IllegalStateException("no member with bus port " + busPort);
  }

  private static Set<String> ids(List<Member> members) {
    Set<String> out = new HashSet<>();
    for (Member m : members) {
      out.add(m.id());
    }
    return out;
  }

  private static int controllerLeader(TestCluster cluster) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (int i = 0; i < 3; i++) {
        if (cluster.nodes[i] != null && cluster.nodes[i].sync().controller() != null
            && cluster.nodes[i].sync().controller().isLeader()) {
          return true;
        }
      }
      return false;
    });
    for (int i = 0; i < 3; i++) {
      if (cluster.nodes[i].sync().controller() != null && cluster.nodes[i].sync().controller().isLeader()) {
        return i;
      }
    }
    throw new IllegalStateException("no controller leader");
  }

  /** Proposes a map change through the first running node, retrying while the controller is busy. */
  private static void propose(TestCluster cluster, MapCommand command) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      BusMessages.Reply r = cluster.nodes[ClusterClients.firstRunning(cluster)].sync().propose(command);
      assertThat(r.outcome).as("reply to %s: %s", command, r.message).isNotEqualTo(BusMessages.Reply.REFUSED);
      return r.outcome == BusMessages.Reply.OK;
    });
  }
}
