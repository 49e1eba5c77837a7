package dev.tide.cluster;

import dev.tide.cluster.raft.Partition;
import dev.tide.cluster.raft.log.LogFiles;
import dev.tide.cluster.raft.storage.NodeStorage;
import dev.tide.cluster.snapshot.SnapshotFile;
import dev.tide.engine.slots.Slots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node log in a real cluster (3 nodes in this JVM, 4 partitions, 3 replicas): every
 * acknowledged write survives a restart of every node; a damaged log segment, a truncated one and
 * a damaged snapshot are detected, quarantined, and the replica recovers from its peers with
 * every acknowledged write, without leading (serving) while it recovers.
 */
class ClusterStorageTest {

  private static final int PARTITIONS = 4;
  /** Bounded retries of a write that got TRYAGAIN (no leader for a moment): 200 × 50 ms. */
  private static final int WRITE_ATTEMPTS = 200;
  private static final Duration CATCH_UP = Duration.ofSeconds(90);

  @TempDir
  Path dir;
  private TestCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private TestCluster start() throws Exception {
    cluster = new TestCluster(dir, 3, PARTITIONS, 3, c -> { }).startAll();
    await().atMost(Duration.ofSeconds(60)).until(cluster::allLeadersElected);
    return cluster;
  }

  private JedisCluster client(int node) {
    return new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(node).port())),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).build(), 30, Duration.ofSeconds(60));
  }

  /** Writes key → "v:key" for each key, retrying while a partition has no leader; all must be acknowledged. */
  private void write(List<String> keys) throws InterruptedException {
    try (JedisCluster jc = client(0)) {
      for (String k : keys) {
        boolean ok = false;
        for (int attempt = 0; attempt < WRITE_ATTEMPTS && !ok; attempt++) {
          try {
            ok = "OK".equals(jc.set(k, "v:" + k));
          } catch (RuntimeException e) {
            Thread.sleep(50);
          }
        }
        assertThat(ok).as("write of %s acknowledged", k).isTrue();
      }
    }
  }

  private static List<String> keys(String prefix, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(prefix + i);
    }
    return keys;
  }

  /** Keys that all hash into partition {@code p} (a hash tag chosen for it). */
  private List<String> keysIn(int p, String prefix, int n) {
    for (int j = 0; ; j++) {
      String tag = "{" + prefix + j + "}";
      if (cluster.nodes[0].map().partitionOf(Slots.slot(tag.getBytes(StandardCharsets.UTF_8))) == p) {
        return keys(tag, n);
      }
    }
  }

  private int partitionOf(String key) {
    return cluster.nodes[0].map().partitionOf(Slots.slot(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static Object valueOn(ClusterNode node, int partition, String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return node.partition(partition).withKeyspace(ks -> ks.peek(k, System.currentTimeMillis()));
  }

  /** Every running node's replica holds every key with its value. */
  private void assertEveryReplicaHas(List<String> keys) {
    for (int n = 0; n < 3; n++) {
      ClusterNode node = cluster.nodes[n];
      if (node == null) {
        continue;
      }
      for (String key : keys) {
        Object v = valueOn(node, partitionOf(key), key);
        assertThat(v).as("node %d key %s", n, key).isInstanceOf(byte[].class);
        assertThat(new String((byte[]) v, StandardCharsets.UTF_8)).isEqualTo("v:" + key);
      }
    }
  }

  /** Waits until node n recovered every group and holds every key; a recovering group never leads meanwhile. */
  private void awaitRecovered(int n, List<String> keys) {
    await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      NodeStorage storage = cluster.nodes[n].storage();
      for (int p = 0; p < PARTITIONS; p++) {
        Partition part = cluster.nodes[n].partition(p);
        if (storage.isRecovering(Partition.groupId(p))) {
          assertThat(part.isLeader()).as("a recovering replica does not lead p%d", p).isFalse();
        }
      }
      assertThat(storage.recovering()).isEmpty();
      assertEveryReplicaHas(keys);
    });
  }

  static void flipByte(Path file, long at) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 0x5A)}), at);
    }
  }

  private static List<Path> segments(Path logDir) throws IOException {
    try (Stream<Path> s = Files.list(logDir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tlog")).sorted().toList();
    }
  }

  private static List<Path> quarantined(Path dataDir) throws IOException {
    Path q = dataDir.resolve(NodeStorage.QUARANTINE_DIR);
    if (!Files.exists(q)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(q)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesARestartOfEveryNode() throws Exception {
    start();
    List<String> keys = keys("restart:", 400);
    write(keys);
    await().atMost(CATCH_UP).untilAsserted(() -> assertEveryReplicaHas(keys));
    cluster.close();
    for (int n = 0; n < 3; n++) {
      Path data = cluster.dataDir(n);
      assertThat(segments(data.resolve(NodeStorage.LOG_DIR))).isNotEmpty();
      assertThat(data.resolve("partitions").resolve("p0").resolve("log")).doesNotExist();
    }
    cluster.startAll();
    await().atMost(Duration.ofSeconds(60)).until(cluster::allLeadersElected);
    for (int n = 0; n < 3; n++) {
      assertThat(cluster.nodes[n].storage().recovering()).isEmpty();
    }
    await().atMost(CATCH_UP).untilAsserted(() -> assertEveryReplicaHas(keys));
    try (JedisCluster jc = client(1)) {
      for (String k : keys) {
        assertThat(jc.get(k)).isEqualTo("v:" + k);
      }
    }
  }

  @Test
  void aDamagedEntryInALogSegmentIsQuarantinedAndItsGroupRecoversFromPeers() throws Exception {
    start();
    List<String> keys = keys("damage:", 300);
    write(keys);
    await().atMost(CATCH_UP).untilAsserted(() -> assertEveryReplicaHas(keys));
    int victim = 2;
    cluster.stop(victim);
    Path logDir = cluster.dataDir(victim).resolve(NodeStorage.LOG_DIR);
    Path segment = segments(logDir).get(0);
    List<LogFiles.Found> entries = LogFiles.records(segment).stream()
        .filter(f -> f.isEntry() && f.group().equals("p1") && f.payloadLength() > 20).toList();
    assertThat(entries).hasSizeGreaterThan(10);
    LogFiles.Found hit = entries.get(entries.size() / 2);
    flipByte(segment, hit.payloadOffset() + hit.payloadLength() / 2);

    cluster.start(victim);
    NodeStorage storage = cluster.nodes[victim].storage();
    assertThat(storage.damagedGroups()).containsExactly("p1");
    assertThat(quarantined(cluster.dataDir(victim))).anySatisfy(
        f -> assertThat(f.getFileName()).isEqualTo(segment.getFileName()));
    List<String> more = keys("after-damage:", 50);
    write(more);
    List<String> all = new ArrayList<>(keys);
    all.addAll(more);
    awaitRecovered(victim, all);
  }

  @Test
  void aTruncatedLogSegmentMakesTheNodeRecoverEveryGroupFromPeers() throws Exception {
    start();
    List<String> keys = keys("truncate:", 300);
    write(keys);
    await().atMost(CATCH_UP).untilAsserted(() -> assertEveryReplicaHas(keys));
    int victim = 1;
    cluster.stop(victim);
    Path logDir = cluster.dataDir(victim).resolve(NodeStorage.LOG_DIR);
    List<Path> segs = segments(logDir);
    Path newest = segs.get(segs.size() - 1);
    List<LogFiles.Found> records = LogFiles.records(newest);
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(records.get(records.size() / 2).recordOffset());
    }

    cluster.start(victim);
    NodeStorage storage = cluster.nodes[victim].storage();
    assertThat(storage.recovering()).hasSize(PARTITIONS);
    assertThat(quarantined(cluster.dataDir(victim))).anySatisfy(
        f -> assertThat(f.getFileName()).isEqualTo(newest.getFileName()));
    awaitRecovered(victim, keys);
  }

  @Test
  void aDamagedSnapshotIsQuarantinedAndTheReplicaIsRebuiltFromTheLeadersSnapshot() throws Exception {
    start();
    int p = 2;
    List<String> first = keysIn(p, "snapA", 200);
    write(first);
    snapshotEverywhere(p);
    List<String> second = keysIn(p, "snapB", 200);
    write(second);
    // A second snapshot lets JRaft truncate the log up to the first one: a replica that starts
    // empty can only be rebuilt by installing the leader's snapshot.
    snapshotEverywhere(p);
    List<String> third = keysIn(p, "snapC", 50);
    write(third);
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(third);
    await().atMost(CATCH_UP).untilAsserted(() -> assertEveryReplicaHas(all));

    int victim = (cluster.leaderIndex(p) + 1) % 3;
    cluster.stop(victim);
    Path snapshots = cluster.dataDir(victim).resolve("partitions").resolve(Partition.groupId(p)).resolve("snapshot");
    Path file;
    try (Stream<Path> s = Files.walk(snapshots)) {
      file = s.filter(f -> f.getFileName().toString().equals(SnapshotFile.FILE_NAME)).findFirst().orElseThrow();
    }
    flipByte(file, Files.size(file) / 2);

    cluster.start(victim);
    NodeStorage storage = cluster.nodes[victim].storage();
    assertThat(storage.recovering()).containsOnlyKeys(Partition.groupId(p));
    assertThat(storage.recovering().get(Partition.groupId(p))).contains("snapshot").contains(SnapshotFile.FILE_NAME);
    assertThat(quarantined(cluster.dataDir(victim))).anySatisfy(
        f -> assertThat(f.getFileName().toString()).isEqualTo(SnapshotFile.FILE_NAME));
    awaitRecovered(victim, all);
    // It was rebuilt by installing the leader's snapshot (its own snapshot interval is 10 minutes).
    try (Stream<Path> s = Files.walk(snapshots)) {
      assertThat(s.filter(f -> f.getFileName().toString().equals(SnapshotFile.FILE_NAME)).toList()).isNotEmpty();
    }
  }

  private void snapshotEverywhere(int p) throws InterruptedException {
    for (int n = 0; n < 3; n++) {
      CountDownLatch done = new CountDownLatch(1);
      String[] error = new String[1];
      cluster.nodes[n].partition(p).node().snapshot(status -> {
        if (!status.isOk()) {
          error[0] = status.toString();
        }
        done.countDown();
      });
      assertThat(done.await(60, TimeUnit.SECONDS)).as("snapshot of p%d on node %d", p, n).isTrue();
      assertThat(error[0]).as("snapshot of p%d on node %d", p, n).isNull();
    }
  }
}
