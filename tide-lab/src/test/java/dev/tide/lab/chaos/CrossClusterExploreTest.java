package dev.tide.lab.chaos;

import dev.tide.lab.chaos.client.Reply;
import dev.tide.lab.chaos.client.Router;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.chaos.cluster.ChaosCluster;
import dev.tide.lab.chaos.cluster.NodeCommand;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Exploration of open finding #4 (docs/bugs-found.md): can a node of another cluster, listening
 * at the address of a dead member, take part in this cluster's Raft groups (same group names)?
 * Cluster A loses two of its three nodes; a single-node cluster B starts at the address of one of
 * them. If A then commits writes, B counted toward A's majority. Run with -Dchaos.crosstalk=votes (A without a majority) or =replication (A keeps one).
 */
@EnabledIfSystemProperty(named = "chaos.crosstalk", matches = ".+")
class CrossClusterExploreTest {

  @Test
  void foreignNodeAtADeadMembersAddress() throws Exception {
    Path dir = Files.createTempDirectory("crosstalk");
    NodeCommand cmd = NodeCommand.fromClassPath(System.getProperty("java.class.path"));
    try (ChaosCluster a = ChaosCluster.start(new ChaosCluster.Config(3, 4, 3, cmd, dir.resolve("a"), false, false, null));
         ClientIo io = new ClientIo(1)) {
      System.out.println("A serving after " + a.awaitServing(io, 120_000) + " ms");
      boolean keepMajority = System.getProperty("chaos.crosstalk").equals("replication");
      if (!keepMajority) {
        a.kill(1); // A without a majority: would B's votes give it one?
      }
      a.kill(2); // with keepMajority, A's leaders keep replicating to node 2's address, now B's
      Session s = new Session(io, a.guard(), Router.cluster(List.of(a.node(0).address())), TimeUnit.SECONDS.toNanos(2));
      Reply r = s.execute(Session.bytes("x"), Session.argv("SET", "x", "without-majority")).reply();
      System.out.println("A with 1 of 3 nodes, SET -> " + r);
      ChaosCluster.Node n2 = a.node(2);
      Path bData = dir.resolve("b-data");
      List<String> bCmd = cmd.command(List.of("server", "--node-id", "b0", "--bind", n2.host(), "--port",
          Integer.toString(n2.port()), "--bus-port", Integer.toString(n2.busPort()), "--data-dir", bData.toString(),
          "--bootstrap", n2.host() + ":" + n2.port() + "@" + n2.busPort(), "--partitions", "4", "--replicas", "1"));
      Process b = new ProcessBuilder(bCmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("b.log").toFile()).start();
      try {
        Thread.sleep(20_000);
        Session sb = new Session(io, TargetGuard.LOOPBACK_ONLY, Router.cluster(List.of(n2.address())),
            TimeUnit.SECONDS.toNanos(2));
        System.out.println("B SET b-key -> " + sb.execute(Session.bytes("b-key"), Session.argv("SET", "b-key", "b")).reply());
        Thread.sleep(5_000);
        System.out.println("B GET b-key -> " + sb.execute(Session.bytes("b-key"), Session.argv("GET", "b-key")).reply());
        sb.close();
        for (int i = 0; i < 10; i++) {
          Session sa = new Session(io, TargetGuard.LOOPBACK_ONLY, Router.single(a.node(0).address()),
              TimeUnit.SECONDS.toNanos(2));
          Reply ra = sa.call(a.node(0).address(), Session.argv("SET", "x" + i, "v"));
          System.out.println("A node 0 SET x" + i + " -> " + ra);
          sa.close();
          Thread.sleep(1000);
        }
      } finally {
        b.destroyForcibly();
        b.waitFor(20, TimeUnit.SECONDS);
      }
      System.out.println("logs in " + dir);
    }
  }
}
