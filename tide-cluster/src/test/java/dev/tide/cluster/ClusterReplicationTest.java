package dev.tide.cluster;

import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.raft.Partition;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.slots.Slots;
import dev.tide.engine.types.SetValue;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A 3-node cluster (16 partitions, 3 replicas) in this JVM, driven by unmodified cluster clients.
 * Proves: writes to every slot are acknowledged and readable; each acknowledged write is on every
 * replica after commit; SPOP removes the same members on every replica; redirections and errors
 * have Redis's shapes.
 */
class ClusterReplicationTest {

  @TempDir
  static Path dir;
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    // Stable leaders: this class tests replication and the cluster protocol, not leadership
    // changes (ClusterFailoverTest, LeaderBalancingTest, ControllerTest do). With the 300 ms
    // election timeout and the leader balancer on, a CI run at load ~50 hit open finding #5
    // (docs/bugs-found.md: a connection got one extra reply during leadership moves, so
    // JedisCluster's CLUSTER SLOTS read a GET's bulk reply).
    cluster = new TestCluster(dir, 3, ClusterMap.DEFAULT_PARTITIONS, 3, c -> {
      c.electionTimeoutMs = ClusterClients.STABLE_ELECTION_TIMEOUT_MS;
      c.balanceIntervalMs = 0;
    }).startAll();
    await().atMost(Duration.ofSeconds(60)).until(cluster::allLeadersElected);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static JedisCluster jedisCluster() {
    return new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(0).port())),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).build(), 30, Duration.ofSeconds(60));
  }

  /** One key per slot: "slot:<n>:<i>" with i chosen so the key hashes to slot n. */
  static List<String> keyPerSlot() {
    String[] keys = new String[Slots.COUNT];
    int found = 0;
    for (int i = 0; found < Slots.COUNT && i < 10_000_000; i++) {
      String k = "k" + i;
      int s = Slots.slot(k.getBytes(StandardCharsets.UTF_8));
      if (keys[s] == null) {
        keys[s] = k;
        found++;
      }
    }
    assertThat(found).isEqualTo(Slots.COUNT);
    return List.of(keys);
  }

  @Test
  void jedisClusterWritesEverySlotAndEveryReplicaHasEveryAcknowledgedWrite() throws Exception {
    List<String> keys = keyPerSlot();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (JedisCluster jc = jedisCluster()) {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = t;
        work.add(pool.submit(() -> {
          for (int i = from; i < keys.size(); i += threads) {
            assertThat(jc.set(keys.get(i), "v" + i)).isEqualTo("OK");
          }
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      for (int i = 0; i < keys.size(); i += 7) {
        assertThat(jc.get(keys.get(i))).isEqualTo("v" + i);
      }
    } finally {
      pool.shutdownNow();
    }
    // Every replica of every partition applies every acknowledged write.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (int n = 0; n < 3; n++) {
        ClusterNode node = cluster.nodes[n];
        for (int i = 0; i < keys.size(); i++) {
          byte[] key = keys.get(i).getBytes(StandardCharsets.UTF_8);
          Partition part = node.partition(node.map().partitionOf(Slots.slot(key)));
          Object v = part.withKeyspace(ks -> ks.peek(key, System.currentTimeMillis()));
          assertThat(v).as("node %d key %s", n, keys.get(i)).isInstanceOf(byte[].class);
          assertThat(new String((byte[]) v, StandardCharsets.UTF_8)).isEqualTo("v" + i);
        }
      }
    });
  }

  @Test
  void spopRemovesTheSameMembersOnEveryReplica() {
    try (JedisCluster jc = jedisCluster()) {
      String key = "{spop}set";
      List<String> members = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        members.add("m" + i);
      }
      jc.sadd(key, members.toArray(String[]::new));
      Set<String> popped = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        popped.add(jc.spop(key));
      }
      popped.addAll(jc.spop(key, 15));
      assertThat(popped).hasSize(25);
      assertThat(jc.scard(key)).isEqualTo(175);
      Set<String> expected = new TreeSet<>(members);
      expected.removeAll(popped);
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        for (int n = 0; n < 3; n++) {
          ClusterNode node = cluster.nodes[n];
          Partition part = node.partition(node.map().partitionOf(Slots.slot(k)));
          Set<String> onReplica = part.withKeyspace(ks -> {
            Set<String> out = new TreeSet<>();
            ((SetValue) ks.peek(k, System.currentTimeMillis())).forEach(m -> out.add(new String(m, StandardCharsets.UTF_8)));
            return out;
          });
          assertThat(onReplica).as("replica on node %d", n).isEqualTo(expected);
        }
      });
    }
  }

  @Test
  void expiryUsesTheLeadersTimeOnEveryReplica() {
    try (JedisCluster jc = jedisCluster()) {
      jc.set("ttl-key", "x");
      assertThat(jc.pexpire("ttl-key", 600_000)).isEqualTo(1);
      byte[] k = "ttl-key".getBytes(StandardCharsets.UTF_8);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Set<Long> deadlines = new HashSet<>();
        for (int n = 0; n < 3; n++) {
          ClusterNode node = cluster.nodes[n];
          Partition part = node.partition(node.map().partitionOf(Slots.slot(k)));
          deadlines.add(part.withKeyspace(ks -> ks.expireAt(k)));
        }
        assertThat(deadlines).hasSize(1);
        assertThat(deadlines.iterator().next()).isPositive();
      });
    }
  }

  @Test
  void lettuceClusterClientReadsAndWrites() {
    RedisClusterClient client = RedisClusterClient.create(
        RedisURI.create("127.0.0.1", cluster.members.get(1).port()));
    try (StatefulRedisClusterConnection<String, String> conn = client.connect()) {
      for (int i = 0; i < 200; i++) {
        conn.sync().set("lettuce:" + i, "x" + i);
      }
      for (int i = 0; i < 200; i++) {
        assertThat(conn.sync().get("lettuce:" + i)).isEqualTo("x" + i);
      }
      assertThat(conn.sync().hset("{h}hash", "f", "v")).isTrue();
      assertThat(conn.sync().hget("{h}hash", "f")).isEqualTo("v");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void redirectionsAndErrorsHaveRedisShapes() {
    String key = "redirect-me";
    int slot = Slots.slot(key.getBytes(StandardCharsets.UTF_8));
    int partition = cluster.nodes[0].map().partitionOf(slot);
    // Leadership may be moving (elections, the leader balancer): ask again until one answer is stable.
    int[] chosen = new int[2];
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      int leader = cluster.leaderIndex(partition);
      assertThat(leader).isNotNegative();
      int other = (leader + 1) % 3;
      try (Jedis j = new Jedis("127.0.0.1", cluster.members.get(other).port())) {
        assertThatThrownBy(() -> j.set(key, "v"))
            .isInstanceOfSatisfying(JedisMovedDataException.class, e -> {
              assertThat(e.getSlot()).isEqualTo(slot);
              assertThat(e.getTargetNode().getPort()).isEqualTo(cluster.members.get(leader).port());
            });
      }
      chosen[0] = leader;
      chosen[1] = other;
    });
    int other = chosen[1];
    try (Jedis j = new Jedis("127.0.0.1", cluster.members.get(other).port())) {
      assertThat(j.clusterKeySlot(key)).isEqualTo(slot);
      assertThat(j.clusterMyId()).isEqualTo(cluster.members.get(other).id());
      assertThat(j.clusterInfo()).contains("cluster_state:ok").contains("cluster_known_nodes:3");
      assertThat(j.clusterNodes().lines().count()).isEqualTo(3);
    }
    try (Jedis j = new Jedis("127.0.0.1", cluster.members.get(chosen[0]).port())) {
      assertThatThrownBy(() -> j.mset("a", "1", "b", "2"))
          .isInstanceOf(JedisDataException.class)
          .hasMessage("CROSSSLOT Keys in request don't hash to the same slot");
    }
    int tagPartition = cluster.nodes[0].map().partitionOf(Slots.slot("t".getBytes(StandardCharsets.UTF_8)));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      int tagLeader = cluster.leaderIndex(tagPartition);
      assertThat(tagLeader).isNotNegative();
      try (Jedis j = new Jedis("127.0.0.1", cluster.members.get(tagLeader).port())) {
        assertThat(j.mset("{t}a", "1", "{t}b", "2")).isEqualTo("OK");
        assertThat(j.mget("{t}a", "{t}b")).containsExactly("1", "2");
        assertThat(j.watch("{t}a")).isEqualTo("OK"); // transactions work within a slot (ClusterTransactionsTest)
      }
    });
  }
}
