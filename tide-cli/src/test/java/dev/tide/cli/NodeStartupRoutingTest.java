package dev.tide.cli;

import dev.tide.cluster.local.Layout;
import dev.tide.cluster.local.LocalCluster;
import dev.tide.cluster.status.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster node never answers a keyed command from its local (single-node) keyspace, not even
 * in the first moments after its client port opens while its Raft groups are still starting: a
 * write acknowledged there would be lost (found by {@code ./tide bench failover}: a restarted
 * node acknowledged thousands of SETs during its start-up, none of them replicated).
 *
 * <p>Only node 1 of a 3-node bootstrap runs, so no partition can elect a leader (no majority):
 * every SET it ever answers must be refused (TRYAGAIN or MOVED), from the first connection on.
 */
class NodeStartupRoutingTest {

  /** How long to keep writing after the first connection: covers the start of 16 groups on 2 busy cores. */
  private static final long WRITE_FOR_MS = 8_000;
  /** How long the node may take to open its client port. */
  private static final long CONNECT_WITHIN_MS = 90_000;
  /** Most SETs sent (bounds the loop). */
  private static final int MAX_WRITES = 20_000;

  @TempDir
  Path root;

  @Test
  void noKeyedCommandIsAnsweredLocallyWhileThePartitionsStart() throws Exception {
    Layout layout = new Layout(3, 16, 3, "127.0.0.1", ProcessClusterTest.freeBasePort(), 10_000, 0);
    List<String> replies = new ArrayList<>();
    try (LocalCluster cluster = new LocalCluster(ProcessClusterTest.nodeCommand(), layout, root, List.of())) {
      cluster.startNode(1);
      RespClient c = connectAsSoonAsListening(cluster, layout.port(1));
      try (c) {
        long until = System.currentTimeMillis() + WRITE_FOR_MS;
        for (int i = 0; i < MAX_WRITES && System.currentTimeMillis() < until; i++) {
          Object r = c.call("SET", "startup-key-" + i, "v");
          replies.add(r instanceof RespClient.Error e ? e.message().split(" ")[0] : String.valueOf(r));
        }
      }
    }
    assertThat(replies).isNotEmpty();
    assertThat(replies).as("SET replies of a node that cannot lead anything").doesNotContain("OK")
        .allSatisfy(r -> assertThat(r).isIn("TRYAGAIN", "MOVED"));
  }

  private static RespClient connectAsSoonAsListening(LocalCluster cluster, int port) throws Exception {
    long deadline = System.currentTimeMillis() + CONNECT_WITHIN_MS;
    while (true) {
      cluster.checkAlive();
      try {
        return RespClient.connect("127.0.0.1", port, 5_000);
      } catch (IOException notYet) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("node 1 did not listen on " + port + " within " + CONNECT_WITHIN_MS + " ms");
        }
        Thread.sleep(2);
      }
    }
  }
}
