package dev.tide.cluster;

import dev.tide.cluster.raft.Partition;
import dev.tide.engine.types.ListValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.tide.cluster.ClusterClients.cmd;
import static dev.tide.cluster.ClusterClients.connect;
import static dev.tide.cluster.ClusterClients.leaderOf;
import static dev.tide.cluster.ClusterClients.partitionOf;
import static dev.tide.cluster.ClusterClients.replicaValue;
import static dev.tide.cluster.ClusterClients.tagLedBy;
import static dev.tide.cluster.ClusterClients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * MULTI/EXEC/WATCH and blocking pops in cluster mode keep single-node semantics within a slot:
 * a 3-node cluster (8 partitions, 3 replicas: every node holds every partition) in this JVM,
 * driven by raw Jedis connections to the nodes.
 */
class ClusterTransactionsTest {

  @TempDir
  static Path dir;
  static TestCluster cluster;
  static final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() throws Exception {
    // A long election timeout: these tests are about command semantics, not failover, and this
    // 2-core machine is shared with other builds; 300 ms makes leaders change under load.
    cluster = new TestCluster(dir, 3, 8, 3, c -> c.electionTimeoutMs = ClusterClients.STABLE_ELECTION_TIMEOUT_MS)
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

  /** Waits until every replica holds the same value for each key, and returns the leader's values. */
  static void assertReplicasEqual(String... keys) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (String key : keys) {
        Object first = replicaValue(cluster, 0, key);
        for (int n = 1; n < 3; n++) {
          assertThat(replicaValue(cluster, n, key)).as("node %d key %s", n, key).isEqualTo(first);
        }
      }
    });
  }

  static List<String> listOn(int node, String key) {
    byte[] k = ClusterClients.b(key);
    Partition part = cluster.nodes[node].partition(partitionOf(cluster, key));
    return part.withKeyspace(ks -> {
      List<String> out = new ArrayList<>();
      if (ks.node(k) != null && ks.node(k).value() instanceof ListValue list) {
        for (long i = 0; i < list.length(); i++) {
          out.add(new String(list.get(i), StandardCharsets.UTF_8));
        }
      }
      return out;
    });
  }

  // ---- transactions -----------------------------------------------------------------------------

  @Test
  void execAppliesTheQueueAtomicallyOnEveryReplicaAndRunsKeylessCommandsInPlace() {
    String tag = "{exec}";
    int leader = leaderOf(cluster, "exec");
    try (Jedis j = connect(cluster, leader)) {
      assertThat(text(cmd(j, "MULTI"))).isEqualTo("OK");
      assertThat(text(cmd(j, "SET", tag + "a", "1"))).isEqualTo("QUEUED");
      assertThat(text(cmd(j, "PING"))).isEqualTo("QUEUED");
      assertThat(text(cmd(j, "INCRBY", tag + "a", "41"))).isEqualTo("QUEUED");
      assertThat(text(cmd(j, "ECHO", "between"))).isEqualTo("QUEUED");
      assertThat(text(cmd(j, "LPUSH", tag + "a", "x"))).isEqualTo("QUEUED");
      assertThat(text(cmd(j, "RPUSH", tag + "l", "p", "q"))).isEqualTo("QUEUED");
      assertThat(text(cmd(j, "GET", tag + "a"))).isEqualTo("QUEUED");
      Object reply = text(cmd(j, "EXEC"));
      assertThat(reply).asList().hasSize(7);
      List<?> r = (List<?>) reply;
      assertThat(r.get(0)).isEqualTo("OK");
      assertThat(r.get(1)).isEqualTo("PONG");
      assertThat(r.get(2)).isEqualTo(42L);
      assertThat(r.get(3)).isEqualTo("between");
      assertThat(r.get(4)).isInstanceOf(JedisDataException.class);
      assertThat(((JedisDataException) r.get(4)).getMessage()).startsWith("WRONGTYPE");
      assertThat(r.get(5)).isEqualTo(2L);
      assertThat(r.get(6)).isEqualTo("42");
      // The connection left MULTI: a command runs at once again.
      assertThat(text(cmd(j, "GET", tag + "a"))).isEqualTo("42");
    }
    assertReplicasEqual(tag + "a");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (int n = 0; n < 3; n++) {
        assertThat(listOn(n, tag + "l")).as("node %d", n).containsExactly("p", "q");
      }
    });
  }

  @Test
  void discardDropsTheQueue() {
    String key = "{discard}k";
    int leader = leaderOf(cluster, key);
    try (Jedis j = connect(cluster, leader)) {
      cmd(j, "MULTI");
      cmd(j, "SET", key, "never");
      assertThat(text(cmd(j, "DISCARD"))).isEqualTo("OK");
      assertThat(cmd(j, "GET", key)).isNull();
      assertThatThrownBy(() -> cmd(j, "EXEC")).hasMessage("ERR EXEC without MULTI");
    }
  }

  @Test
  void keysOfDifferentSlotsOnOneNodeQueueButExecAnswersCrossslotAndDiscards() {
    // Two slots of the same partition: one leader, so both commands queue (as in Redis Cluster).
    int p = partitionOf(cluster, "same-part-a");
    String found = null;
    for (int i = 0; i < 100_000 && found == null; i++) {
      String k = "same-part-b" + i;
      if (partitionOf(cluster, k) == p && dev.tide.engine.slots.Slots.slot(ClusterClients.b(k))
          != dev.tide.engine.slots.Slots.slot(ClusterClients.b("same-part-a"))) {
        found = k;
      }
    }
    assertThat(found).isNotNull();
    String other = found;
    int leader = leaderOf(cluster, "same-part-a");
    try (Jedis j = connect(cluster, leader)) {
      cmd(j, "MULTI");
      assertThat(text(cmd(j, "SET", "same-part-a", "1"))).isEqualTo("QUEUED");
      assertThat(text(cmd(j, "SET", other, "2"))).isEqualTo("QUEUED");
      assertThatThrownBy(() -> cmd(j, "EXEC")).hasMessage(ClusterRouter.CROSSSLOT);
      assertThatThrownBy(() -> cmd(j, "EXEC")).hasMessage("ERR EXEC without MULTI");
      assertThat(cmd(j, "GET", "same-part-a")).isNull();
      // A single queued command whose own keys span slots is refused at once and flags the transaction.
      cmd(j, "MULTI");
      assertThatThrownBy(() -> cmd(j, "MSET", "same-part-a", "1", other, "2")).hasMessage(ClusterRouter.CROSSSLOT);
      assertThat(text(cmd(j, "SET", "same-part-a", "1"))).isEqualTo("QUEUED");
      assertThatThrownBy(() -> cmd(j, "EXEC")).hasMessage("EXECABORT Transaction discarded because of previous errors.");
      assertThat(cmd(j, "GET", "same-part-a")).isNull();
    }
  }

  @Test
  void aQueuedCommandForAnotherNodesSlotIsMovedAndExecAborts() {
    int node = 0;
    String here = tagLedBy(cluster, node, true, "here");
    String there = tagLedBy(cluster, node, false, "there");
    try (Jedis j = connect(cluster, node)) {
      cmd(j, "MULTI");
      assertThat(text(cmd(j, "SET", "{" + here + "}k", "v"))).isEqualTo("QUEUED");
      assertThatThrownBy(() -> cmd(j, "SET", "{" + there + "}k", "v")).hasMessageStartingWith("MOVED ");
      assertThatThrownBy(() -> cmd(j, "EXEC")).hasMessage("EXECABORT Transaction discarded because of previous errors.");
      assertThat(cmd(j, "GET", "{" + here + "}k")).isNull();
    }
  }

  @Test
  void watchedKeyChangedByAnotherClientAbortsExecEverywhere() {
    String key = "{watch}k";
    String other = "{watch}other";
    int leader = leaderOf(cluster, key);
    try (Jedis a = connect(cluster, leader); Jedis b = connect(cluster, leader)) {
      cmd(a, "SET", key, "0");
      // Unchanged watched key: EXEC runs.
      assertThat(text(cmd(a, "WATCH", key))).isEqualTo("OK");
      cmd(b, "SET", other, "not the watched key");
      cmd(a, "MULTI");
      cmd(a, "SET", key, "1");
      assertThat(text(cmd(a, "EXEC"))).isEqualTo(List.of("OK"));
      // Changed by another client between WATCH and EXEC: EXEC answers nil and nothing applies.
      cmd(a, "WATCH", key);
      cmd(b, "SET", key, "from b");
      cmd(a, "MULTI");
      cmd(a, "SET", key, "from a");
      cmd(a, "SET", other, "from a");
      assertThat(cmd(a, "EXEC")).isNull();
      assertThat(text(cmd(a, "GET", key))).isEqualTo("from b");
      assertThat(text(cmd(a, "GET", other))).isEqualTo("not the watched key");
      // EXEC unwatched everything: the next transaction runs.
      cmd(a, "MULTI");
      cmd(a, "SET", other, "after");
      assertThat(text(cmd(a, "EXEC"))).isEqualTo(List.of("OK"));
      // UNWATCH forgets the key.
      cmd(a, "WATCH", key);
      cmd(b, "SET", key, "again");
      cmd(a, "UNWATCH");
      cmd(a, "MULTI");
      cmd(a, "SET", key, "mine");
      assertThat(text(cmd(a, "EXEC"))).isEqualTo(List.of("OK"));
      // A read-only transaction is aborted by a change too.
      cmd(a, "WATCH", key);
      cmd(b, "DEL", key);
      cmd(a, "MULTI");
      cmd(a, "GET", key);
      assertThat(cmd(a, "EXEC")).isNull();
      // FLUSHALL changes a watched key that existed.
      cmd(a, "SET", key, "x");
      cmd(a, "WATCH", key);
      cmd(b, "FLUSHALL");
      cmd(a, "MULTI");
      cmd(a, "SET", key, "y");
      assertThat(cmd(a, "EXEC")).isNull();
    }
    assertReplicasEqual(key, other);
  }

  @Test
  void aWatchedKeyThatExpiresBeforeExecAbortsIt() {
    String key = "{wexp}k";
    int leader = leaderOf(cluster, key);
    try (Jedis a = connect(cluster, leader); Jedis b = connect(cluster, leader)) {
      cmd(a, "SET", key, "v", "PX", "300");
      cmd(a, "WATCH", key);
      await().atMost(Duration.ofSeconds(30)).until(() -> cmd(b, "EXISTS", key).equals(0L));
      cmd(a, "MULTI");
      cmd(a, "SET", key, "late");
      assertThat(cmd(a, "EXEC")).isNull();
    }
  }

  @Test
  void readOnlyTransactionsAndBlockingCommandsInsideMultiAnswerAtOnce() {
    String tag = "{ro}";
    int leader = leaderOf(cluster, "ro");
    try (Jedis j = connect(cluster, leader)) {
      cmd(j, "SET", tag + "a", "1");
      cmd(j, "RPUSH", tag + "l", "x");
      cmd(j, "MULTI");
      cmd(j, "GET", tag + "a");
      cmd(j, "LRANGE", tag + "l", "0", "-1");
      cmd(j, "EXISTS", tag + "none");
      assertThat(text(cmd(j, "EXEC"))).isEqualTo(List.of("1", List.of("x"), 0L));
      cmd(j, "MULTI");
      cmd(j, "BLPOP", tag + "empty", "0");
      cmd(j, "BLPOP", tag + "l", "0");
      assertThat(text(cmd(j, "EXEC"))).isEqualTo(Arrays.asList(null, List.of(tag + "l", "x")));
      // MULTI with nothing but keyless commands runs here.
      cmd(j, "MULTI");
      cmd(j, "PING");
      cmd(j, "ECHO", "e");
      assertThat(text(cmd(j, "EXEC"))).isEqualTo(List.of("PONG", "e"));
    }
  }

  @Test
  void leadershipLostBetweenWatchAndExecGivesMovedAndDiscards() {
    String key = "{lost}k";
    int p = partitionOf(cluster, key);
    int leader = leaderOf(cluster, key);
    int target = (leader + 1) % 3;
    try (Jedis j = connect(cluster, leader)) {
      cmd(j, "SET", key, "before");
      cmd(j, "WATCH", key);
      cmd(j, "MULTI");
      cmd(j, "SET", key, "during");
      Partition part = cluster.nodes[leader].partition(p);
      assertThat(part.node().transferLeadershipTo(ClusterNode.peer(cluster.members.get(target))).isOk()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leaderIndex(p) == target
          && cluster.nodes[leader].leaderOf(p) != null);
      assertThatThrownBy(() -> cmd(j, "EXEC"))
          .hasMessage("MOVED " + dev.tide.engine.slots.Slots.slot(ClusterClients.b(key)) + " 127.0.0.1:"
              + cluster.members.get(target).port());
      assertThatThrownBy(() -> cmd(j, "EXEC")).hasMessage("ERR EXEC without MULTI");
    }
    try (Jedis j = connect(cluster, target)) {
      assertThat(text(cmd(j, "GET", key))).isEqualTo("before");
    }
  }

  // ---- blocking commands ------------------------------------------------------------------------

  static Partition leaderPartition(String key) {
    int p = partitionOf(cluster, key);
    return cluster.nodes[leaderOf(cluster, key)].partition(p);
  }

  @Test
  void blpopIsServedByALaterPushFromAnotherClientOnEveryReplica() throws Exception {
    String key = "{bl}q";
    int leader = leaderOf(cluster, key);
    try (Jedis waiter = connect(cluster, leader); Jedis pusher = connect(cluster, leader)) {
      Future<Object> popped = pool.submit(() -> text(cmd(waiter, "BLPOP", key, "0")));
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(key).blockedClients() == 1);
      assertThat(text(cmd(pusher, "RPUSH", key, "a", "b"))).isEqualTo(2L);
      assertThat(popped.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(key, "a"));
      // The waiter's connection runs commands again.
      assertThat(text(cmd(waiter, "LRANGE", key, "0", "-1"))).isEqualTo(List.of("b"));
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (int n = 0; n < 3; n++) {
        assertThat(listOn(n, key)).as("node %d", n).containsExactly("b");
      }
    });
  }

  @Test
  void blockingCommandsTimeOutWithTheirTimeoutReply() {
    String key = "{bt}q";
    int leader = leaderOf(cluster, key);
    try (Jedis j = connect(cluster, leader)) {
      assertThat(cmd(j, "BLPOP", key, "0.2")).isNull();
      assertThat(cmd(j, "BZPOPMIN", "{bt}z", "0.2")).isNull();
      assertThat(cmd(j, "BLMOVE", key, "{bt}dst", "LEFT", "RIGHT", "0.2")).isNull();
      assertThatThrownBy(() -> cmd(j, "BLPOP", key, "-1")).hasMessage("ERR timeout is negative");
      assertThat(leaderPartition(key).blockedClients()).isZero();
      assertThat(text(cmd(j, "PING"))).isEqualTo("PONG");
    }
  }

  @Test
  void clientsBlockedOnOneKeyAreServedFirstComeFirstServed() throws Exception {
    String key = "{fifo}q";
    int leader = leaderOf(cluster, key);
    int clients = 4;
    List<Jedis> conns = new ArrayList<>();
    List<Future<Object>> results = new ArrayList<>();
    try (Jedis pusher = connect(cluster, leader)) {
      for (int i = 0; i < clients; i++) {
        Jedis c = connect(cluster, leader);
        conns.add(c);
        results.add(pool.submit(() -> text(cmd(c, "BRPOP", key, "0"))));
        int expected = i + 1;
        await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(key).blockedClients() == expected);
      }
      // One element at a time, then several at once: each goes to the longest-waiting client.
      cmd(pusher, "LPUSH", key, "e0");
      assertThat(results.get(0).get(30, TimeUnit.SECONDS)).isEqualTo(List.of(key, "e0"));
      cmd(pusher, "LPUSH", key, "e1", "e2", "e3");
      assertThat(results.get(1).get(30, TimeUnit.SECONDS)).isEqualTo(List.of(key, "e1"));
      assertThat(results.get(2).get(30, TimeUnit.SECONDS)).isEqualTo(List.of(key, "e2"));
      assertThat(results.get(3).get(30, TimeUnit.SECONDS)).isEqualTo(List.of(key, "e3"));
    } finally {
      conns.forEach(Jedis::close);
    }
  }

  @Test
  void bzpopminAndBlmoveAreServedByLaterWrites() throws Exception {
    String tag = "{bz}";
    int leader = leaderOf(cluster, "bz");
    try (Jedis a = connect(cluster, leader); Jedis b = connect(cluster, leader); Jedis w = connect(cluster, leader)) {
      Future<Object> z = pool.submit(() -> text(cmd(a, "BZPOPMIN", tag + "z", "0")));
      Future<Object> m = pool.submit(() -> text(cmd(b, "BLMOVE", tag + "src", tag + "dst", "LEFT", "RIGHT", "0")));
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(tag + "z").blockedClients() == 2);
      cmd(w, "ZADD", tag + "z", "2", "two", "1", "one");
      cmd(w, "RPUSH", tag + "src", "moved");
      assertThat(z.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(tag + "z", "one", "1"));
      assertThat(m.get(30, TimeUnit.SECONDS)).isEqualTo("moved");
      assertThat(text(cmd(w, "LRANGE", tag + "dst", "0", "-1"))).isEqualTo(List.of("moved"));
    }
  }

  @Test
  void aClientBlockedOnAKeyOfAnotherTypeWaitsAndTheNextClientIsServed() throws Exception {
    String key = "{types}k";
    int leader = leaderOf(cluster, key);
    try (Jedis a = connect(cluster, leader); Jedis b = connect(cluster, leader); Jedis w = connect(cluster, leader)) {
      Future<Object> list = pool.submit(() -> text(cmd(a, "BLPOP", key, "0")));
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(key).blockedClients() == 1);
      Future<Object> zset = pool.submit(() -> text(cmd(b, "BZPOPMIN", key, "0")));
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(key).blockedClients() == 2);
      cmd(w, "ZADD", key, "1", "m");
      assertThat(zset.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(key, "m", "1"));
      assertThat(list.isDone()).isFalse();
      cmd(w, "RPUSH", key, "x");
      assertThat(list.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(key, "x"));
    }
  }

  @Test
  void aNewClientIsServedAtOnceByDataThatTheClientsAheadOfItCannotTake() throws Exception {
    String key = "{ahead}k";
    int leader = leaderOf(cluster, key);
    try (Jedis a = connect(cluster, leader); Jedis b = connect(cluster, leader); Jedis w = connect(cluster, leader)) {
      Future<Object> list = pool.submit(() -> text(cmd(a, "BLPOP", key, "0")));
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(key).blockedClients() == 1);
      cmd(w, "ZADD", key, "1", "m"); // wakes the BLPOP, which cannot take a sorted set and waits on
      // A later write through the log: once it is answered, the BLPOP's re-run (proposed while the
      // ZADD was applied) has been applied too, and the BLPOP is waiting again at the queue's head.
      cmd(w, "SET", "{ahead}barrier", "x");
      assertThat(text(cmd(b, "BZPOPMIN", key, "0"))).isEqualTo(List.of(key, "m", "1"));
      assertThat(list.isDone()).isFalse();
      cmd(w, "RPUSH", key, "x");
      assertThat(list.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(key, "x"));
    }
  }

  @Test
  void aBlockedClientThatDisconnectsLeavesTheQueueAndTakesNothing() {
    String key = "{gone}q";
    int leader = leaderOf(cluster, key);
    Jedis waiter = connect(cluster, leader);
    pool.submit(() -> cmd(waiter, "BLPOP", key, "0"));
    await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(key).blockedClients() == 1);
    waiter.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(key).blockedClients() == 0);
    try (Jedis j = connect(cluster, leader)) {
      cmd(j, "RPUSH", key, "kept");
      assertThat(text(cmd(j, "LRANGE", key, "0", "-1"))).isEqualTo(List.of("kept"));
    }
  }

  @Test
  void blockedClientsGetTryagainWhenTheLeaderChanges() throws Exception {
    String key = "{moved}q";
    int p = partitionOf(cluster, key);
    int leader = leaderOf(cluster, key);
    int target = (leader + 2) % 3;
    try (Jedis waiter = connect(cluster, leader)) {
      Future<Object> popped = pool.submit(() -> {
        try {
          return cmd(waiter, "BLPOP", key, "0");
        } catch (JedisDataException e) {
          return e.getMessage();
        }
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderPartition(key).blockedClients() == 1);
      Partition part = cluster.nodes[leader].partition(p);
      assertThat(part.node().transferLeadershipTo(ClusterNode.peer(cluster.members.get(target))).isOk()).isTrue();
      assertThat((String) popped.get(30, TimeUnit.SECONDS)).startsWith("TRYAGAIN ");
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leaderIndex(p) == target);
      assertThat(part.blockedClients()).isZero();
      assertThat(text(cmd(waiter, "PING"))).isEqualTo("PONG");
    }
  }
}
