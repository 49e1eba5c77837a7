package dev.tide.cluster;

import dev.tide.cluster.raft.Partition;
import dev.tide.engine.slots.Slots;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.tide.cluster.ClusterClients.b;
import static dev.tide.cluster.ClusterClients.cmd;
import static dev.tide.cluster.ClusterClients.connect;
import static dev.tide.cluster.ClusterClients.partitionOf;
import static dev.tide.cluster.ClusterClients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Whole-keyspace commands, READONLY follower reads, active expiry and pub/sub across nodes, on a
 * 3-node cluster with 8 partitions and 2 replicas each (so every node follows some partitions and
 * holds no replica of others).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterKeyspaceTest {

  @TempDir
  static Path dir;
  static TestCluster cluster;
  static final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() throws Exception {
    // A long election timeout: these tests are about command semantics, not failover, and this
    // 2-core machine is shared with other builds; 300 ms makes leaders change under load.
    cluster = new TestCluster(dir, 3, 8, 2, c -> c.electionTimeoutMs = ClusterClients.STABLE_ELECTION_TIMEOUT_MS)
        .startAll();
    ClusterClients.spreadLeaders(cluster, 8);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  static JedisCluster jedisCluster() {
    return new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(0).port())),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).build(), 30, Duration.ofSeconds(60));
  }

  /** Keys of {@code candidates} whose partition node {@code n} leads now. */
  static Set<String> ledBy(int n, List<String> candidates) {
    Set<String> out = new HashSet<>();
    for (String k : candidates) {
      if (cluster.leaderIndex(partitionOf(cluster, k)) == n) {
        out.add(k);
      }
    }
    return out;
  }

  static List<String> writeKeys(String prefix, int count) {
    List<String> keys = new ArrayList<>();
    try (JedisCluster jc = jedisCluster()) {
      for (int i = 0; i < count; i++) {
        String k = prefix + i;
        int v = i;
        ClusterClients.retrying(() -> jc.set(k, "v" + v));
        keys.add(k);
      }
    }
    return keys;
  }

  @Test
  @Order(1)
  void scanOverANodesPartitionsReturnsEachOfItsKeysExactlyOnce() {
    List<String> keys = writeKeys("scan:", 300);
    Set<String> union = new HashSet<>();
    for (int n = 0; n < 3; n++) {
      List<String> seen = new ArrayList<>();
      try (Jedis j = connect(cluster, n)) {
        String cursor = "0";
        int calls = 0;
        do {
          ScanResult<String> r = j.scan(cursor, new ScanParams().match("scan:*").count(5));
          assertThat(r.getResult().size()).as("a bounded COUNT keeps each reply small").isLessThanOrEqualTo(50);
          seen.addAll(r.getResult());
          cursor = r.getCursor();
          assertThat(++calls).as("the scan ends").isLessThan(10_000);
        } while (!cursor.equals("0"));
      }
      assertThat(new HashSet<>(seen)).as("node %d returns its keys once", n).hasSize(seen.size());
      assertThat(new HashSet<>(seen)).as("node %d returns the keys of the partitions it leads", n)
          .isEqualTo(ledBy(n, keys));
      union.addAll(seen);
    }
    assertThat(union).containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  @Order(2)
  void keysDbsizeAndRandomkeyAnswerForTheLedPartitions() {
    List<String> keys = writeKeys("keys:", 60);
    long dbsizes = 0;
    for (int n = 0; n < 3; n++) {
      try (Jedis j = connect(cluster, n)) {
        assertThat(new HashSet<>(j.keys("keys:*"))).as("node %d", n).isEqualTo(ledBy(n, keys));
        long expected = 0;
        for (int p = 0; p < 8; p++) {
          if (cluster.leaderIndex(p) == n) {
            expected += cluster.nodes[n].partition(p).withKeyspace(ks -> (long) ks.size());
          }
        }
        long size = j.dbSize();
        assertThat(size).as("node %d", n).isEqualTo(expected);
        dbsizes += size;
        if (size > 0) {
          String random = j.randomKey();
          assertThat(cluster.leaderIndex(partitionOf(cluster, random))).as("RANDOMKEY %s from node %d", random, n)
              .isEqualTo(n);
        }
      }
    }
    assertThat(dbsizes).isGreaterThanOrEqualTo(keys.size());
  }

  @Test
  @Order(3)
  void readonlyConnectionsReadFromAFollowerAndWritesStillMove() {
    String key = "ro:key";
    int p = partitionOf(cluster, key);
    int leader = ClusterClients.leaderOf(cluster, key);
    int follower = -1;
    int stranger = -1;
    for (int n = 0; n < 3; n++) {
      if (n != leader && cluster.nodes[n].partition(p) != null) {
        follower = n;
      } else if (cluster.nodes[n].partition(p) == null) {
        stranger = n;
      }
    }
    assertThat(follower).isNotNegative();
    assertThat(stranger).isNotNegative();
    int slot = Slots.slot(b(key));
    String moved = "MOVED " + slot + " 127.0.0.1:" + cluster.members.get(leader).port();
    try (Jedis l = connect(cluster, leader)) {
      ClusterClients.retrying(() -> cmd(l, "SET", key, "replicated"));
    }
    int followerNode = follower;
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "replicated".equals(ClusterClients.replicaValue(cluster, followerNode, key)));
    try (Jedis f = connect(cluster, follower)) {
      assertThatThrownBy(() -> cmd(f, "GET", key)).hasMessage(moved);
      assertThat(f.readonly()).isEqualTo("OK");
      assertThat(text(cmd(f, "GET", key))).isEqualTo("replicated");
      assertThat(text(cmd(f, "STRLEN", key))).isEqualTo(10L);
      assertThatThrownBy(() -> cmd(f, "SET", key, "nope")).hasMessage(moved);
      assertThat(text(cmd(f, "READWRITE"))).isEqualTo("OK");
      assertThatThrownBy(() -> cmd(f, "GET", key)).hasMessage(moved);
    }
    try (Jedis s = connect(cluster, stranger)) {
      s.readonly();
      assertThatThrownBy(() -> cmd(s, "GET", key)).hasMessageStartingWith("MOVED " + slot + " ");
    }
  }

  @Test
  @Order(4)
  void activeExpiryRemovesExpiredKeysFromEveryReplicaWithoutReads() {
    List<String> expiring = new ArrayList<>();
    try (JedisCluster jc = jedisCluster()) {
      for (int i = 0; i < 100; i++) {
        String k = "ttl:" + i;
        ClusterClients.retrying(() -> jc.set(k, "x", SetParams.setParams().px(200)));
        expiring.add(k);
      }
      ClusterClients.retrying(() -> jc.set("ttl:kept", "y", SetParams.setParams().px(600_000)));
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (String k : expiring) {
        int p = partitionOf(cluster, k);
        for (int n = 0; n < 3; n++) {
          Partition part = cluster.nodes[n].partition(p);
          if (part != null) {
            byte[] key = b(k);
            boolean stored = part.withKeyspace(ks -> ks.node(key) != null);
            assertThat(stored).as("%s on node %d", k, n).isFalse();
          }
        }
      }
    });
    int p = partitionOf(cluster, "ttl:kept");
    for (int n = 0; n < 3; n++) {
      Partition part = cluster.nodes[n].partition(p);
      if (part != null) {
        boolean stored = part.withKeyspace(ks -> ks.node(b("ttl:kept")) != null);
        assertThat(stored).as("node %d", n).isTrue();
      }
    }
  }

  @Test
  @Order(5)
  void publishOnOneNodeReachesSubscribersOnEveryNode() throws Exception {
    List<BlockingQueue<String>> inboxes = new ArrayList<>();
    List<JedisPubSub> subs = new ArrayList<>();
    List<Jedis> conns = new ArrayList<>();
    CountDownLatch subscribed = new CountDownLatch(3);
    try {
      for (int n = 0; n < 3; n++) {
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        JedisPubSub sub = new JedisPubSub() {
          @Override
          public void onMessage(String channel, String message) {
            inbox.add(channel + ":" + message);
          }

          @Override
          public void onSubscribe(String channel, int count) {
            subscribed.countDown();
          }
        };
        Jedis c = connect(cluster, n);
        conns.add(c);
        inboxes.add(inbox);
        subs.add(sub);
        pool.submit(() -> c.subscribe(sub, "news"));
      }
      assertThat(subscribed.await(30, TimeUnit.SECONDS)).isTrue();
      for (int from = 0; from < 3; from++) {
        try (Jedis pub = connect(cluster, from)) {
          assertThat(pub.publish("news", "from" + from)).as("local subscribers").isEqualTo(1);
        }
        for (int n = 0; n < 3; n++) {
          assertThat(inboxes.get(n).poll(30, TimeUnit.SECONDS)).as("node %d", n).isEqualTo("news:from" + from);
        }
      }
    } finally {
      subs.forEach(s -> {
        if (s.isSubscribed()) {
          s.unsubscribe();
        }
      });
      conns.forEach(Jedis::close);
    }
  }

  @Test
  @Order(6)
  void spublishReachesSubscribersOnTheChannelsReplicasAndMovesElsewhere() throws Exception {
    String channel = "orders";
    int p = partitionOf(cluster, channel);
    int slot = Slots.slot(b(channel));
    List<Integer> replicas = new ArrayList<>();
    int stranger = -1;
    for (int n = 0; n < 3; n++) {
      if (cluster.nodes[n].partition(p) != null) {
        replicas.add(n);
      } else {
        stranger = n;
      }
    }
    assertThat(replicas).hasSize(2);
    BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisShardedPubSub sub = new JedisShardedPubSub() {
      @Override
      public void onSMessage(String ch, String message) {
        inbox.add(ch + ":" + message);
      }

      @Override
      public void onSSubscribe(String ch, int count) {
        subscribed.countDown();
      }
    };
    try (Jedis subscriber = connect(cluster, replicas.get(0)); Jedis publisher = connect(cluster, replicas.get(1))) {
      pool.submit(() -> sub.proceed(subscriber.getConnection(), channel));
      assertThat(subscribed.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(text(cmd(publisher, "SPUBLISH", channel, "o1"))).isEqualTo(0L);
      assertThat(inbox.poll(30, TimeUnit.SECONDS)).isEqualTo("orders:o1");
      try (Jedis s = connect(cluster, stranger)) {
        assertThatThrownBy(() -> cmd(s, "SPUBLISH", channel, "x")).hasMessageStartingWith("MOVED " + slot + " ");
      }
      sub.sunsubscribe();
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void flushallOnEveryNodeEmptiesEveryReplica() {
    writeKeys("flush:", 50);
    for (int n = 0; n < 3; n++) {
      try (Jedis j = connect(cluster, n)) {
        assertThat(j.flushAll()).isEqualTo("OK");
        assertThat(j.dbSize()).isZero();
      }
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (int n = 0; n < 3; n++) {
        for (int p = 0; p < 8; p++) {
          Partition part = cluster.nodes[n].partition(p);
          if (part != null) {
            int size = part.withKeyspace(ks -> ks.size());
            assertThat(size).as("node %d partition %d", n, p).isZero();
          }
        }
      }
    });
    try (Jedis j = connect(cluster, 0)) {
      assertThatThrownBy(() -> cmd(j, "FLUSHALL", "NOW")).hasMessage("ERR syntax error");
    }
  }
}
