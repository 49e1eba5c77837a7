package dev.tide.cluster;

import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Elasticity under load (issue 5): a 3-node cluster grows to 5 and shrinks back to 3 while a
 * JedisCluster client writes. Replicas move to the new nodes (learner, catch-up, promotion) and off
 * the drained ones; the client never gets an error it cannot retry, every acknowledged write is
 * present at the end, and the placement is balanced at each size.
 */
class ReplicaMoveTest {

  private static final Logger log = LoggerFactory.getLogger(ReplicaMoveTest.class);
  private static final int PARTITIONS = 8;
  /** Upper bound on the writer's work: the test ends it long before in practice. */
  private static final int MAX_WRITES = 200_000;
  /** Attempts per write (MOVED is followed by the client; TRYAGAIN and connection errors by this loop). */
  private static final int ATTEMPTS = 100;

  @TempDir
  Path dir;

  @Test
  void growsThreeToFiveAndShrinksBackUnderWritesWithoutLosingOrFailingAny() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, PARTITIONS, 3,
        c -> c.electionTimeoutMs = ClusterClients.STABLE_ELECTION_TIMEOUT_MS).startAll()) {
      ClusterClients.awaitStableLeaders(cluster, PARTITIONS);
      AtomicBoolean stop = new AtomicBoolean();
      List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicInteger failed = new AtomicInteger();
      Thread writer = new Thread(() -> write(cluster, stop, acknowledged, failed), "test-writer");
      writer.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 200);

        // grow: two nodes join; the controller moves replicas to them
        int n4 = cluster.addJoiner(List.of(cluster.busAddress(0)));
        int n5 = cluster.addJoiner(List.of(cluster.busAddress(1)));
        awaitBalanced(cluster, 5);
        int before = acknowledged.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= before + 200);
        ClusterState grown = cluster.nodes[0].state();
        assertThat(grown.map().partitionsOn(cluster.members.get(n4)).size()).isGreaterThanOrEqualTo(4);
        assertThat(grown.map().partitionsOn(cluster.members.get(n5)).size()).isGreaterThanOrEqualTo(4);

        // shrink: drain both new nodes, then remove them
        try (Jedis admin = ClusterClients.connect(cluster, 0)) {
          assertThat(ClusterClients.text(ClusterClients.cmd(admin, "TIDE.REBALANCE", "STATUS"))).isEqualTo(List.of());
          assertThat(ClusterClients.text(ClusterClients.cmd(admin, "TIDE.SETTING", "GET", "move-bytes-per-sec")))
              .isEqualTo(List.of("move-bytes-per-sec", Long.toString(32L << 20)));
          assertThatThrownBy(() -> ClusterClients.cmd(admin, "TIDE.SETTING", "SET", "moves-per-node", "0"))
              .hasMessageContaining("must be between 1 and 16");
          List<?> members = (List<?>) ClusterClients.text(ClusterClients.cmd(admin, "TIDE.NODE", "LIST"));
          assertThat(members).hasSize(5);
          String scrape = cluster.servers[n4].metrics().scrape();
          assertThat(scrape).contains("tide_cluster_replicas ").contains("tide_cluster_moves_in_progress ")
              .contains("tide_cluster_move_received_bytes_total");
          assertThat(ClusterClients.text(ClusterClients.cmd(admin, "TIDE.NODE", "DRAIN", "n5"))).isEqualTo("OK");
          assertThat(ClusterClients.text(ClusterClients.cmd(admin, "TIDE.NODE", "DRAIN", "n4"))).isEqualTo("OK");
          // a third drain would leave two nodes for three replicas: refused with the reason
          assertThatThrownBy(() -> ClusterClients.cmd(admin, "TIDE.NODE", "DRAIN", "n3"))
              .hasMessageContaining("add a node first");
          for (String name : List.of("n4", "n5")) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                List.of("drained").contains(ClusterClients.text(((List<?>) ClusterClients.cmd(admin, "TIDE.NODE",
                    "DRAINSTATUS", name)).get(0))));
            assertThat(ClusterClients.text(ClusterClients.cmd(admin, "TIDE.NODE", "REMOVE", name))).isEqualTo("OK");
          }
        }
        awaitBalanced(cluster, 3);
        for (int i : new int[] {n4, n5}) {
          MemberInfo info = cluster.nodes[0].state().info(cluster.members.get(i).id());
          assertThat(info.state()).isEqualTo(MemberState.LEFT);
          // a node that has left stops by itself
          await().atMost(Duration.ofSeconds(30)).until(() -> cluster.servers[i].isClosed());
          cluster.forget(i);
        }
        int shrunk = acknowledged.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= shrunk + 200);
      } finally {
        stop.set(true);
        writer.join(60_000);
      }
      assertThat(failed.get()).as("client operations that failed after retries").isZero();
      log.info("{} acknowledged writes during 3 -> 5 -> 3", acknowledged.size());
      // Every acknowledged write is on every replica of its partition (the three remaining nodes).
      List<String> keys = new ArrayList<>(acknowledged);
      for (int n = 0; n < 3; n++) {
        int node = n;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          List<String> missing = new ArrayList<>();
          for (String key : keys) {
            int p = ClusterClients.partitionOf(cluster, key);
            dev.tide.cluster.raft.Partition part = cluster.nodes[node].partition(p);
            assertThat(part).as("node %d holds partition %d", node, p).isNotNull();
            Object v = part.withKeyspace(ks -> ks.peek(ClusterClients.b(key), System.currentTimeMillis()));
            if (!(v instanceof byte[] bytes) || !("v" + key).equals(new String(bytes,
                java.nio.charset.StandardCharsets.UTF_8))) {
              missing.add(key);
            }
          }
          assertThat(missing).as("acknowledged writes missing or wrong on node %d", node).isEmpty();
        });
      }
    }
  }

  /** Waits until no move is in progress and the live members' replica counts differ by at most one. */
  private static void awaitBalanced(TestCluster cluster, int liveMembers) {
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      ClusterState s = cluster.nodes[0].state();
      Map<String, Integer> counts = new HashMap<>();
      for (MemberInfo m : s.members()) {
        if (m.state() == MemberState.ACTIVE) {
          counts.put(m.name(), s.map().partitionsOn(m.member()).size());
        }
      }
      assertThat(s.moves()).as("moves in progress").isEmpty();
      assertThat(counts).hasSize(liveMembers);
      int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      int min = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
      assertThat(max - min).as("replica counts %s", counts).isLessThanOrEqualTo(1);
    });
  }

  private static JedisCluster client(TestCluster cluster, int entry) {
    return new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(entry).port())),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(5_000).connectionTimeoutMillis(1_000).build(), 20,
        Duration.ofSeconds(20));
  }

  private static void write(TestCluster cluster, AtomicBoolean stop, List<String> acknowledged, AtomicInteger failed) {
    try (JedisCluster jc = client(cluster, 0)) {
      for (int i = 0; i < MAX_WRITES && !stop.get(); i++) {
        String key = "k" + i;
        boolean ok = false;
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS && !ok; attempt++) {
          try {
            ok = "OK".equals(jc.set(key, "v" + key));
          } catch (RuntimeException e) {
            last = e;
            sleep(50);
          }
        }
        if (ok) {
          acknowledged.add(key);
        } else {
          failed.incrementAndGet();
          log.warn("write {} failed after {} attempts: {}", key, ATTEMPTS, String.valueOf(last));
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
