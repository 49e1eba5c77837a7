package dev.tide.cluster;

import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.controller.MemberState;
import dev.tide.cluster.map.Member;
import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Operator mistakes are refused with a message that says what to fix, and leave the cluster as it
 * was. One running 3-node cluster serves every case.
 */
class ClusterRefusalTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  private static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new TestCluster(dir.resolve("a"), 3, 2, 3, c -> { }).startAll();
    await().atMost(WAIT).until(() -> {
      for (int i = 0; i < 3; i++) {
        ClusterState s = cluster.nodes[i].state();
        if (!s.isRecorded() || s.liveMembers().stream().anyMatch(m -> m.name().isEmpty())) {
          return false;
        }
      }
      return true;
    });
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Starts a server and cluster node with {@code cc}; returns what the start threw (the server is
   * closed either way). The server listens on a fresh port so that configurations borrowing a
   * running node's addresses get as far as the cluster checks.
   */
  private static Throwable startFails(ClusterConfig cc) throws Exception {
    ServerConfig sc = new ServerConfig();
    sc.port = TestCluster.freePort();
    sc.bind = cc.host;
    TideServer server = new TideServer(sc).start();
    try {
      new ClusterNode(server, cc).start();
      throw new AssertionError("the node started although it should have been refused");
    } catch (Exception e) {
      LoggerFactory.getLogger(ClusterRefusalTest.class).info("refused: {}", e.getMessage());
      return e;
    } finally {
      server.close();
    }
  }

  private static ClusterConfig joiner(String name, Path dataDir, List<String> join) throws Exception {
    ClusterConfig cc = new ClusterConfig();
    cc.nodeName = name;
    cc.dataDir = dataDir;
    cc.host = "127.0.0.1";
    cc.port = TestCluster.freePort();
    cc.busPort = TestCluster.freePort();
    cc.join = join;
    return cc;
  }

  private static long epoch() {
    return cluster.nodes[0].state().epoch();
  }

  @Test
  void joinToAnAddressWhereNothingAnswersGivesUpAfterItsTimeoutNamingTheAddress() throws Exception {
    String nowhere = "127.0.0.1:" + TestCluster.freePort();
    ClusterConfig cc = joiner("lost", dir.resolve("lost"), List.of(nowhere));
    cc.joinTimeoutMs = 2_000;
    Throwable e = startFails(cc);
    assertThat(e).hasMessageContaining("no cluster member answered at --join " + nowhere)
        .hasMessageContaining("within 2 s").hasMessageContaining("bus ports");
    assertThat(Files.exists(dir.resolve("lost").resolve("cluster.identity")))
        .as("a node that never joined records no identity").isFalse();
  }

  @Test
  void aNodeNameUsedByAnotherLiveMemberIsRefused() throws Exception {
    long before = epoch();
    int members = cluster.nodes[0].state().liveMembers().size();
    ClusterConfig cc = joiner("n2", dir.resolve("dup"), List.of(cluster.busAddress(0)));
    Throwable e = startFails(cc);
    Member n2 = cluster.members.get(1);
    assertThat(e).hasMessageContaining("node name 'n2' is already used by member 'n2' at 127.0.0.1:" + n2.port())
        .hasMessageContaining("choose another --node-id");
    assertThat(epoch()).isEqualTo(before);
    assertThat(cluster.nodes[0].state().liveMembers()).hasSize(members);
  }

  @Test
  void joiningWithADataDirectoryOfAnotherClusterIsRefused() throws Exception {
    try (TestCluster other = new TestCluster(dir.resolve("b"), 1, 1, 1, c -> { }).startAll()) {
      await().atMost(WAIT).until(() -> other.nodes[0].state().isRecorded());
      String otherId = other.nodes[0].state().clusterId();
      other.stop(0);
      ClusterConfig cc = other.config(0);
      cc.bootstrap = List.of();
      cc.join = List.of(cluster.busAddress(1));
      long before = epoch();
      Throwable e = startFails(cc);
      assertThat(e).hasMessageContaining("belongs to cluster " + otherId)
          .hasMessageContaining("but the cluster at")
          .hasMessageContaining(cluster.nodes[0].state().clusterId())
          .hasMessageContaining("empty --data-dir");
      assertThat(epoch()).isEqualTo(before);
    }
  }

  @Test
  void aBusPortInUseIsRefusedNamingThePort() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      ClusterConfig cc = joiner("busy", dir.resolve("busy"), List.of(cluster.busAddress(0)));
      cc.busPort = busy.getLocalPort();
      Throwable e = startFails(cc);
      assertThat(e).hasMessageContaining("cannot listen on bus port " + busy.getLocalPort())
          .hasMessageContaining("choose another --bus-port");
    }
  }

  @Test
  void bootstrapAndJoinTogetherAreRefused() {
    ClusterConfig cc = cluster.config(0);
    cc.join = List.of(cluster.busAddress(1));
    assertThatThrownBy(cc::conclude).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bootstrap and --join cannot be used together");
  }

  @Test
  void aRestartWithoutBootstrapOrJoinOnAnEmptyDataDirectoryIsRefused() throws Exception {
    ClusterConfig cc = joiner("fresh", dir.resolve("fresh"), List.of());
    Throwable e = startFails(cc);
    assertThat(e).hasMessageContaining("belongs to no cluster yet")
        .hasMessageContaining("--bootstrap").hasMessageContaining("--join");
  }

  @Test
  void aDataDirectoryIsRefusedToAnotherNodeNameOrAnotherBootstrapList() throws Exception {
    // a copy of n3's identity and map, started as a different node or with another cluster shape
    Path copy = dir.resolve("n3copy");
    Files.createDirectories(copy);
    Files.copy(cluster.dataDir(2).resolve("cluster.identity"), copy.resolve("cluster.identity"));
    ClusterConfig renamed = cluster.config(2);
    renamed.dataDir = copy;
    renamed.nodeName = "n9";
    assertThat(startFails(renamed)).hasMessageContaining("belongs to node 'n3'")
        .hasMessageContaining("--node-id n3");
    ClusterConfig reshaped = cluster.config(2);
    reshaped.dataDir = copy;
    reshaped.partitions = 3;
    assertThat(startFails(reshaped)).hasMessageContaining("belongs to another cluster")
        .hasMessageContaining("partitions=2").hasMessageContaining("partitions=3");
  }

  @Test
  void afterRefusalsTheClusterStillAcceptsAGoodJoin() throws Exception {
    int i = cluster.addJoiner(List.of(cluster.busAddress(2)));
    try {
      await().atMost(WAIT).until(() -> {
        MemberInfo m = cluster.nodes[0].state().info(cluster.members.get(i).id());
        return m != null && m.state() == MemberState.ACTIVE;
      });
    } finally {
      cluster.stop(i);
    }
  }
}
