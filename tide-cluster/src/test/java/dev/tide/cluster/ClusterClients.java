package dev.tide.cluster;

import dev.tide.cluster.raft.Partition;
import dev.tide.engine.slots.Slots;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Helpers for cluster tests: raw commands on one node, which node leads a key, a replica's value. */
final class ClusterClients {

  /** Election timeout for tests of command semantics: leaders stay put on a busy machine. */
  static final int STABLE_ELECTION_TIMEOUT_MS = 2_000;

  private ClusterClients() {
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static int partitionOf(TestCluster cluster, String key) {
    return cluster.nodes[firstRunning(cluster)].map().partitionOf(Slots.slot(b(key)));
  }

  static int firstRunning(TestCluster cluster) {
    for (int i = 0; i < cluster.nodes.length; i++) {
      if (cluster.nodes[i] != null) {
        return i;
      }
    }
    throw new IllegalStateException("no node running");
  }

  /** Index of the node leading the key's partition, waiting (bounded) while it has none. */
  static int leaderOf(TestCluster cluster, String key) {
    int p = partitionOf(cluster, key);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> cluster.leaderIndex(p) >= 0);
    return cluster.leaderIndex(p);
  }

  static Jedis connect(TestCluster cluster, int node) {
    return new Jedis(new HostAndPort("127.0.0.1", cluster.members.get(node).port()),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(30_000).build());
  }

  /** Sends any command and returns Jedis's raw reply (byte[], Long, List, null); errors throw JedisDataException. */
  static Object cmd(Jedis j, String... argv) {
    byte[] name = b(argv[0]);
    ProtocolCommand c = () -> name;
    String[] args = new String[argv.length - 1];
    System.arraycopy(argv, 1, args, 0, args.length);
    return j.sendCommand(c, args);
  }

  /** A raw reply as text: byte[] as UTF-8, lists element-wise, others by toString (null stays null). */
  static Object text(Object reply) {
    if (reply instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (reply instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(text(o));
      }
      return out;
    }
    return reply;
  }

  /** The value a node's replica holds for a key (a string as text, null when absent), without expiring it. */
  static Object replicaValue(TestCluster cluster, int node, String key) {
    byte[] k = b(key);
    Partition part = cluster.nodes[node].partition(partitionOf(cluster, key));
    if (part == null) {
      return "<no replica>";
    }
    return part.withKeyspace(ks -> {
      var n = ks.node(k);
      if (n == null) {
        return null;
      }
      Object v = n.value();
      return v instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : v.toString();
    });
  }

  /**
   * Runs an idempotent write, retrying while it is answered TRYAGAIN (a partition changing leader:
   * on this 2-core machine shared with other builds, elections happen under load). Bounded by
   * Awaitility's timeout.
   */
  static <T> T retrying(java.util.function.Supplier<T> write) {
    java.util.concurrent.atomic.AtomicReference<T> result = new java.util.concurrent.atomic.AtomicReference<>();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
        .pollInterval(java.time.Duration.ofMillis(50))
        .until(() -> {
          try {
            result.set(write.get());
            return true;
          } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("TRYAGAIN")) {
              return false;
            }
            throw e;
          }
        });
    return result.get();
  }

  /**
   * Waits until every partition has a leader and no partition's leader changed over a few polls:
   * right after start, elections may still move leaders while the machine is busy.
   */
  static void awaitStableLeaders(TestCluster cluster, int partitions) {
    int[] last = new int[partitions];
    int[] stableRounds = {0};
    java.util.Arrays.fill(last, -2);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
        .pollInterval(java.time.Duration.ofMillis(300))
        .until(() -> {
          boolean same = cluster.allLeadersElected();
          for (int p = 0; p < partitions; p++) {
            int now = cluster.leaderIndex(p);
            same &= now == last[p];
            last[p] = now;
          }
          stableRounds[0] = same ? stableRounds[0] + 1 : 0;
          return stableRounds[0] >= 5;
        });
  }

  /**
   * Moves the leadership of partition p to node p mod n (JRaft's leadership transfer), so every
   * node leads some partitions and follows others, then waits for leaders to settle. Without it
   * the node started first tends to win every election.
   */
  static void spreadLeaders(TestCluster cluster, int partitions) {
    awaitStableLeaders(cluster, partitions);
    int n = cluster.nodes.length;
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
        .pollInterval(java.time.Duration.ofMillis(500))
        .until(() -> {
          boolean done = true;
          for (int p = 0; p < partitions; p++) {
            int target = p % n;
            int leader = cluster.leaderIndex(p);
            if (leader != target) {
              done = false;
              if (leader >= 0) {
                cluster.nodes[leader].partition(p).node()
                    .transferLeadershipTo(ClusterNode.peer(cluster.members.get(target)));
              }
            }
          }
          return done;
        });
    awaitStableLeaders(cluster, partitions);
  }

  /** A key with the given hash tag whose partition is led (or not led) by {@code node}. */
  static String tagLedBy(TestCluster cluster, int node, boolean led, String prefix) {
    for (int i = 0; i < 100_000; i++) {
      String tag = prefix + i;
      int leader = cluster.leaderIndex(partitionOf(cluster, tag));
      if (leader >= 0 && (leader == node) == led) {
        return tag;
      }
    }
    throw new IllegalStateException("no tag found");
  }
}
