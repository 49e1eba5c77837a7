package dev.tide.cluster;

import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.raft.Partition;
import dev.tide.engine.slots.Slots;
import org.junit.jupiter.api.Test;
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
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stops the leader of a partition while a cluster client writes to it: writes resume on a new
 * leader, no acknowledged write is lost, and the stopped node, restarted from its data
 * directory, catches up with every acknowledged write.
 */
class ClusterFailoverTest {

  private static final Logger log = LoggerFactory.getLogger(ClusterFailoverTest.class);
  /** Acknowledged writes before and after the leader stops (bounds the test's load). */
  private static final int WRITES_EACH_SIDE = 300;
  /** The writer gives up after this long: a failover that takes longer fails the test. */
  private static final Duration WRITER_DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void leaderStopsWritesResumeNothingAcknowledgedIsLostAndTheNodeCatchesUpAfterRestart() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, ClusterMap.DEFAULT_PARTITIONS, 3, c -> { }).startAll()) {
      await().atMost(Duration.ofSeconds(60)).until(cluster::allLeadersElected);
      String tag = "{fo}";
      int partition = cluster.nodes[0].map().partitionOf(Slots.slot(tag.getBytes(StandardCharsets.UTF_8)));
      int leader = cluster.leaderIndex(partition);
      int entry = (leader + 1) % 3;
      List<String> acknowledged = new ArrayList<>();
      long killedAtNanos = 0;
      long firstAfterKillNanos = 0;
      try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.members.get(entry).port())),
          DefaultJedisClientConfig.builder().socketTimeoutMillis(5_000).connectionTimeoutMillis(1_000).build(), 50,
          Duration.ofSeconds(30))) {
        long deadline = System.nanoTime() + WRITER_DEADLINE.toNanos();
        int afterKill = 0;
        for (int i = 0; afterKill < WRITES_EACH_SIDE && System.nanoTime() < deadline; i++) {
          if (i == WRITES_EACH_SIDE && killedAtNanos == 0) {
            cluster.stop(leader);
            killedAtNanos = System.nanoTime();
          }
          String key = tag + i;
          try {
            if ("OK".equals(jc.set(key, "v" + i))) {
              acknowledged.add(key);
              if (killedAtNanos != 0) {
                if (firstAfterKillNanos == 0) {
                  firstAfterKillNanos = System.nanoTime();
                }
                afterKill++;
              }
            }
          } catch (RuntimeException e) {
            log.info("write {} not acknowledged: {}", key, e.toString());
          }
        }
      }
      assertThat(killedAtNanos).isPositive();
      assertThat(firstAfterKillNanos).as("writes resumed after the leader stopped").isPositive();
      log.info("failover: first acknowledged write {} ms after the leader stopped",
          (firstAfterKillNanos - killedAtNanos) / 1_000_000);
      int newLeader = cluster.leaderIndex(partition);
      assertThat(newLeader).isNotEqualTo(leader).isNotNegative();

      // No acknowledged write is lost: both surviving replicas hold every one.
      for (int n = 0; n < 3; n++) {
        if (cluster.running(n)) {
          assertHasAll(cluster.nodes[n].partition(partition), acknowledged, "node " + n);
        }
      }
      // The stopped node restarts from its data directory and catches up.
      cluster.start(leader);
      assertHasAll(cluster.nodes[leader].partition(partition), acknowledged, "restarted node " + leader);
    }
  }

  private static void assertHasAll(Partition part, List<String> keys, String who) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      List<String> missing = part.withKeyspace(ks -> {
        List<String> out = new ArrayList<>();
        for (String k : keys) {
          if (ks.peek(k.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis()) == null) {
            out.add(k);
          }
        }
        return out;
      });
      assertThat(missing).as("acknowledged writes missing on %s", who).isEmpty();
    });
  }
}
