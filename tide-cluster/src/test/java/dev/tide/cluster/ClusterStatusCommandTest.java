package dev.tide.cluster;

import dev.tide.cluster.map.Member;
import dev.tide.cluster.status.ClusterStatus;
import dev.tide.cluster.status.NodeStatus;
import dev.tide.cluster.status.RespClient;
import dev.tide.cluster.status.StatusTables;
import dev.tide.engine.slots.Slots;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TIDE.STATUS and TIDE.LOCALGET on a 3-node in-JVM cluster: every node reports its partitions'
 * Raft state consistently with the others (one serving leader per partition, same term, the
 * followers it lists), key counts match what was written, followers catch up to lag 0,
 * a stopped follower is reported as not alive by its leaders and as down by ClusterStatus, and
 * every replica holds each written value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterStatusCommandTest {

  private static final Logger log = LoggerFactory.getLogger(ClusterStatusCommandTest.class);
  private static final int PARTITIONS = 4;
  private static final int KEYS = 200;

  @TempDir
  static Path dir;
  private TestCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(dir, 3, PARTITIONS, 3, c -> { }).startAll();
    await().atMost(Duration.ofSeconds(60)).until(cluster::allLeadersElected);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private NodeStatus status(int i, int protocol) throws Exception {
    try (RespClient c = RespClient.connect("127.0.0.1", cluster.members.get(i).port(), 5_000)) {
      if (protocol == 3) {
        assertThat(c.call("HELLO", "3")).isInstanceOf(Map.class);
      }
      return NodeStatus.parse(c.call("TIDE.STATUS"));
    }
  }

  private List<ClusterStatus.Endpoint> endpoints() {
    List<ClusterStatus.Endpoint> out = new ArrayList<>();
    for (Member m : cluster.members) {
      out.add(new ClusterStatus.Endpoint(m.host(), m.port()));
    }
    return out;
  }

  @Test
  void everyNodeReportsItsPartitionsAndTheyAgreeOnLeadersTermsAndKeys() throws Exception {
    Map<String, String> written = new HashMap<>();
    try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(0).port())),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).build(), 20, Duration.ofSeconds(30))) {
      for (int i = 0; i < KEYS; i++) {
        String k = "status:" + i;
        assertThat(jc.set(k, "v" + i)).isEqualTo("OK");
        written.put(k, "v" + i);
      }
    }
    // Followers apply asynchronously: wait until every leader sees lag 0 on both followers.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (int i = 0; i < 3; i++) {
        for (NodeStatus.PartitionStatus p : status(i, 2).partitions()) {
          if (p.serving()) {
            assertThat(p.followers()).hasSize(2).allSatisfy(f -> {
              assertThat(f.alive()).isTrue();
              assertThat(f.lag()).isZero();
            });
          }
        }
      }
    });
    Map<Integer, String> leaderOf = new HashMap<>();
    Map<Integer, Long> termOf = new HashMap<>();
    long keysOnLeaders = 0;
    for (int i = 0; i < 3; i++) {
      NodeStatus s = status(i, i == 1 ? 3 : 2); // both reply shapes parse alike
      Member self = cluster.members.get(i);
      assertThat(s.name()).isEqualTo("n" + (i + 1));
      assertThat(s.id()).isEqualTo(self.id());
      assertThat(s.port()).isEqualTo(self.port());
      assertThat(s.busPort()).isEqualTo(self.busPort());
      assertThat(s.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(s.mapPartitions()).isEqualTo(PARTITIONS);
      assertThat(s.members()).extracting(NodeStatus.MemberInfo::id)
          .containsExactlyElementsOf(cluster.members.stream().map(Member::id).toList());
      assertThat(s.partitions()).hasSize(PARTITIONS); // RF 3 on 3 nodes: every node hosts every partition
      long keysHere = 0;
      for (NodeStatus.PartitionStatus p : s.partitions()) {
        assertThat(p.term()).isPositive();
        assertThat(p.commitIndex()).isGreaterThanOrEqualTo(p.appliedIndex()).isPositive();
        assertThat(p.lastLogIndex()).isGreaterThanOrEqualTo(p.commitIndex());
        assertThat(p.replicaIds()).hasSize(3);
        assertThat(p.leaderId()).isNotEmpty();
        keysHere += p.keys();
        if (p.serving()) {
          assertThat(leaderOf.put(p.partition(), s.id())).as("one leader for partition %d", p.partition()).isNull();
          assertThat(p.role()).isEqualTo("leader");
          assertThat(p.followers()).extracting(NodeStatus.FollowerStatus::id).doesNotContain(s.id())
              .allMatch(p.replicaIds()::contains);
          keysOnLeaders += p.keys();
        } else {
          assertThat(p.role()).isEqualTo("follower");
          assertThat(p.followers()).isEmpty();
        }
        Long prev = termOf.putIfAbsent(p.partition(), p.term());
        if (prev != null) {
          assertThat(p.term()).as("term of partition %d", p.partition()).isEqualTo(prev);
        }
      }
      assertThat(s.keys()).isEqualTo(keysHere).isEqualTo(KEYS); // every node holds every partition
      assertThat(s.usedMemory()).isPositive();
      assertThat(s.uptimeMs()).isNotNegative();
    }
    assertThat(leaderOf).hasSize(PARTITIONS);
    assertThat(keysOnLeaders).isEqualTo(KEYS);
    for (int i = 0; i < 3; i++) {
      NodeStatus s = status(i, 2);
      for (NodeStatus.PartitionStatus p : s.partitions()) {
        assertThat(p.leaderId()).isEqualTo(leaderOf.get(p.partition()));
      }
    }
    // Every replica holds every value; LOCALGET reads each node's own copy.
    for (int i = 0; i < 3; i++) {
      try (RespClient c = RespClient.connect("127.0.0.1", cluster.members.get(i).port(), 5_000)) {
        for (Map.Entry<String, String> e : written.entrySet()) {
          assertThat(c.call("TIDE.LOCALGET", e.getKey())).as("%s on n%d", e.getKey(), i + 1).isEqualTo(e.getValue());
        }
        assertThat(c.call("TIDE.LOCALGET", "status:missing")).isNull();
      }
    }
    ClusterStatus cs = ClusterStatus.fetch(endpoints(), Map.of(), 5_000);
    assertThat(cs.upCount()).isEqualTo(3);
    assertThat(cs.allLed(PARTITIONS)).isTrue();
    String text = StatusTables.render(cs);
    log.info("status:\n{}", text);
    assertThat(text).contains("3/3 nodes up, 4/4 partitions led, 200 keys");
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(text).contains(cs.nameOf(leaderOf.get(p)));
    }
  }

  @Test
  void localGetOfANonStringIsWrongTypeAndItIsNeverRedirected() throws Exception {
    String key = "status:list";
    try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(0).port())),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).build(), 20, Duration.ofSeconds(30))) {
      jc.rpush(key, "a");
    }
    int p = cluster.nodes[0].map().partitionOf(Slots.slot(key.getBytes(StandardCharsets.UTF_8)));
    int leader = cluster.leaderIndex(p);
    int follower = (leader + 1) % 3;
    try (RespClient c = RespClient.connect("127.0.0.1", cluster.members.get(follower).port(), 5_000)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> c.call("TIDE.LOCALGET", key) instanceof RespClient.Error);
      assertThat(((RespClient.Error) c.call("TIDE.LOCALGET", key)).message())
          .isEqualTo("WRONGTYPE Operation against a key holding the wrong kind of value");
      assertThat(c.call("GET", key).toString()).startsWith("Error[message=MOVED ");
    }
  }

  @Test
  void aStoppedNodeIsShownDownAndItsLeadersReportItNotAlive() throws Exception {
    // Restarts the node it stops (finally), so the other tests of this class see the whole cluster.
    int victim = 2;
    cluster.stop(victim);
    try {
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        ClusterStatus cs = ClusterStatus.fetch(endpoints(), Map.of(cluster.members.get(victim).clientAddress(), "n3"),
            2_000);
        assertThat(cs.upCount()).isEqualTo(2);
        ClusterStatus.NodeView down = cs.nodes().get(victim);
        assertThat(down.up()).isFalse();
        assertThat(down.name()).isEqualTo("n3");
        assertThat(down.error()).isEqualTo("connection refused");
        assertThat(cs.allLed(PARTITIONS)).isTrue(); // two of three replicas still elect leaders
        for (ClusterStatus.PartitionView p : cs.partitions()) {
          assertThat(p.followers()).filteredOn(f -> f.id().equals(cluster.members.get(victim).id()))
              .singleElement().satisfies(f -> assertThat(f.alive()).isFalse());
        }
        String text = StatusTables.render(cs);
        log.info("status with n3 stopped:\n{}", text);
        assertThat(text).contains("2/3 nodes up").contains("n3:down").containsPattern("n3 +down");
      });
    } finally {
      cluster.start(victim);
      await().atMost(Duration.ofSeconds(60)).until(cluster::allLeadersElected);
    }
  }
}
