package dev.tide.cli;

import dev.tide.cluster.local.Layout;
import dev.tide.cluster.local.LocalCluster;
import dev.tide.cluster.status.ClusterStatus;
import dev.tide.cluster.status.NodeStatus;
import dev.tide.cluster.status.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 3-node cluster of real {@code tide server} processes (started by {@link LocalCluster} with
 * this test's class path): {@code kill -9} of a leader under concurrent cluster-client writes,
 * {@code kill -9} of every node and a restart — every acknowledged write is present afterwards,
 * on the leader and on every replica. The test keeps the list of acknowledged writes and checks
 * each one.
 *
 * <p>Cost on 2 shared cores: 3 JVMs with 4 partitions each (not the default 16: the idle cost
 * per group is what this machine can least afford), client JIT limited to C1, 256 MB heaps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessClusterTest {

  private static final Logger log = LoggerFactory.getLogger(ProcessClusterTest.class);

  private static final int NODES = 3;
  private static final int PARTITIONS = 4;
  /** Writer threads (each with its own JedisCluster connections). */
  private static final int WRITERS = 3;
  /** Acknowledged writes wanted before the kill and again after it. */
  private static final int ACKS_EACH_SIDE = 300;
  /** Upper bound on writes per writer thread: bounds the load if acknowledgements never come. */
  private static final int MAX_WRITES_PER_WRITER = 20_000;
  /** Writes before killing every node. */
  private static final int KILL_ALL_WRITES = 500;
  /** Generous: 3 JVMs starting on 2 shared cores took 114 s once when other builds loaded the machine. */
  private static final Duration LEADERS_TIMEOUT = Duration.ofSeconds(240);

  /** How long one read may keep meeting TRYAGAIN (an election) before the test gives up. */
  private static final Duration READ_RETRY = Duration.ofSeconds(60);

  private Path root;
  private LocalCluster cluster;

  /** Node JVM flags: small heap, C1 only and the serial collector keep 3 JVMs light on 2 cores. */
  static List<String> nodeCommand() {
    return LocalCluster.javaCommand(System.getProperty("java.class.path"), "dev.tide.cli.TideCli", false, "256m",
        List.of("-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED"));
  }

  /** A base port with NODES free client ports and their bus ports (+10000). */
  static int freeBasePort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 25_000);
      if (allFree(base, NODES) && allFree(base + 10_000, NODES)) {
        return base;
      }
    }
    throw new IOException("no free port range found");
  }

  private static boolean allFree(int base, int n) {
    for (int p = base; p < base + n; p++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", p));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  @BeforeAll
  void startCluster() throws Exception {
    root = Files.createTempDirectory("tide-process-cluster");
    Layout layout = new Layout(NODES, PARTITIONS, 3, "127.0.0.1", freeBasePort(), 10_000, 0);
    cluster = new LocalCluster(nodeCommand(), layout, root, List.of());
    cluster.start();
  }

  @AfterAll
  void stopCluster() throws IOException {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (root != null) {
        LocalCluster.wipe(root);
      }
    }
  }

  /** Every test starts from a whole cluster with a leader for every partition. */
  @BeforeEach
  void wholeCluster() throws Exception {
    cluster.start();
    cluster.awaitLeaders(LEADERS_TIMEOUT, s -> { });
  }

  private JedisCluster client() {
    return new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.layout().port(1))),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(2_000).connectionTimeoutMillis(1_000).build(), 10,
        Duration.ofSeconds(5));
  }

  @Test
  void leaderKilledWhileClientsWriteEveryAcknowledgedWriteIsOnTheLeaderAndEveryReplica() throws Exception {
    ClusterStatus before = cluster.status();
    ClusterStatus.PartitionView p0 = before.partitions().get(0);
    int victim = indexOf(p0.leader().name());
    List<String[]> acked = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failed = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < WRITERS; t++) {
      int id = t;
      writers.add(Thread.ofPlatform().name("writer-" + t).start(() -> {
        try (JedisCluster jc = client()) {
          for (int i = 0; i < MAX_WRITES_PER_WRITER && !stop.get(); i++) {
            String key = "fo:" + id + ":" + i;
            String value = "v" + i + "-" + ThreadLocalRandom.current().nextInt();
            try {
              if ("OK".equals(jc.set(key, value))) {
                acked.add(new String[] {key, value});
              }
            } catch (RuntimeException e) {
              failed.incrementAndGet(); // outcome unknown: not in the list, never checked
            }
          }
        }
      }));
    }
    try {
      await().atMost(Duration.ofSeconds(120)).until(() -> acked.size() >= ACKS_EACH_SIDE);
      cluster.kill(victim);
      int atKill = acked.size();
      long killedNs = System.nanoTime();
      log.info("killed {} (leader of partition 0 and others) with -9 after {} acknowledged writes",
          cluster.layout().name(victim), atKill);
      await().atMost(Duration.ofSeconds(120)).until(() -> acked.size() >= atKill + ACKS_EACH_SIDE);
      log.info("{} more acknowledged writes {} ms after the kill", acked.size() - atKill,
          (System.nanoTime() - killedNs) / 1_000_000);
    } finally {
      stop.set(true);
      for (Thread w : writers) {
        w.join(30_000);
      }
    }
    assertThat(writers).noneMatch(Thread::isAlive);
    log.info("{} acknowledged writes, {} failed or unknown", acked.size(), failed.get());

    ClusterStatus during = cluster.status();
    assertThat(during.nodes().get(victim - 1).up()).as("the killed node is shown down").isFalse();

    cluster.startNode(victim);
    cluster.awaitLeaders(LEADERS_TIMEOUT, s -> { });
    checkEveryAcknowledgedWrite(new ArrayList<>(acked));
  }

  @Test
  void everyNodeKilledAndRestartedEveryAcknowledgedWriteIsPresent() throws Exception {
    List<String[]> acked = new ArrayList<>();
    try (JedisCluster jc = client()) {
      for (int i = 0; i < KILL_ALL_WRITES; i++) {
        String key = "all:" + i + ":{" + (i % 64) + "}";
        String value = "w" + i;
        try {
          if ("OK".equals(Retry.whileUnavailable(() -> jc.set(key, value), Duration.ofSeconds(30)))) {
            acked.add(new String[] {key, value});
          }
        } catch (RuntimeException e) {
          log.info("write {} not acknowledged: {}", key, e.toString());
        }
      }
    }
    assertThat(acked).hasSizeGreaterThan(KILL_ALL_WRITES * 9 / 10);
    for (int i = 1; i <= NODES; i++) {
      cluster.kill(i); // right after the last acknowledgement: nothing gets a chance to flush later
    }
    for (int i = 1; i <= NODES; i++) {
      assertThat(cluster.isRunning(i)).isFalse();
    }
    cluster.start();
    cluster.awaitLeaders(LEADERS_TIMEOUT, s -> { });
    checkEveryAcknowledgedWrite(acked);
  }

  @Test
  void aPausedNodeIsShownDownWhileTheOthersServeAndRejoinsWhenResumed() throws Exception {
    int frozen = NODES;
    cluster.pause(frozen); // SIGSTOP: alive but silent, as a node in a long GC pause or a frozen VM
    try {
      assertThat(cluster.isRunning(frozen)).isTrue();
      await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
        ClusterStatus s = cluster.status();
        ClusterStatus.NodeView n = s.nodes().get(frozen - 1);
        assertThat(n.up()).isFalse();
        assertThat(n.error()).startsWith("no answer within");
        assertThat(s.allLed(PARTITIONS)).isTrue();
      });
      try (JedisCluster jc = client()) {
        for (int i = 0; i < 50; i++) {
          String key = "paused:" + i;
          assertThat(Retry.whileUnavailable(() -> jc.set(key, "p"), READ_RETRY)).isEqualTo("OK");
        }
      }
    } finally {
      cluster.resume(frozen);
    }
    await().atMost(Duration.ofSeconds(120)).until(() -> caughtUp(cluster.status()));
    try (RespClient c = RespClient.connect("127.0.0.1", cluster.layout().port(frozen), 5_000)) {
      for (int i = 0; i < 50; i++) {
        assertThat(c.call("TIDE.LOCALGET", "paused:" + i)).isEqualTo("p");
      }
    }
  }

  private int indexOf(String name) {
    for (int i = 1; i <= NODES; i++) {
      if (cluster.layout().name(i).equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /**
   * Waits until every replica has applied what its leader has (the writers have stopped, so the
   * logs stop growing), then reads every acknowledged key through the cluster (the leader, with
   * ReadIndex) and from every node's own replica (TIDE.LOCALGET).
   */
  private void checkEveryAcknowledgedWrite(List<String[]> acked) throws Exception {
    await().atMost(Duration.ofSeconds(120)).until(() -> caughtUp(cluster.status()));
    try (JedisCluster jc = client()) {
      for (String[] kv : acked) {
        assertThat(Retry.whileUnavailable(() -> jc.get(kv[0]), READ_RETRY)).as("leader's value of acknowledged %s", kv[0])
            .isEqualTo(kv[1]);
      }
    }
    for (int i = 1; i <= NODES; i++) {
      try (RespClient c = RespClient.connect("127.0.0.1", cluster.layout().port(i), 5_000)) {
        for (String[] kv : acked) {
          assertThat(c.call("TIDE.LOCALGET", kv[0])).as("%s's replica of acknowledged %s", cluster.layout().name(i),
              kv[0]).isEqualTo(kv[1]);
        }
      }
    }
    log.info("all {} acknowledged writes present on the leaders and on all {} replicas", acked.size(), NODES);
  }

  /** Every node up, every partition led, every replica's applied index at its leader's last log index. */
  private static boolean caughtUp(ClusterStatus s) {
    if (s.upCount() != NODES || !s.allLed(PARTITIONS)) {
      return false;
    }
    Map<Integer, Long> leaderLast = new java.util.HashMap<>();
    for (ClusterStatus.NodeView n : s.nodes()) {
      for (NodeStatus.PartitionStatus p : n.status().partitions()) {
        if (p.serving()) {
          leaderLast.put(p.partition(), p.lastLogIndex());
        }
      }
    }
    for (ClusterStatus.NodeView n : s.nodes()) {
      for (NodeStatus.PartitionStatus p : n.status().partitions()) {
        if (p.appliedIndex() < leaderLast.getOrDefault(p.partition(), Long.MAX_VALUE)) {
          return false;
        }
      }
    }
    return true;
  }
}
