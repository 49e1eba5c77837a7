package dev.tide.cli;

import dev.tide.cluster.local.Layout;
import dev.tide.cluster.local.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node that cannot start refuses with one line saying what to fix, and exits non-zero: a port
 * in use (client or bus), a data directory that cannot be one, a data directory of another
 * cluster. Real {@code tide server} processes; the local cluster manager checks the same before
 * it starts anything.
 */
class NodeStartupErrorsTest {

  @TempDir
  Path dir;

  private record Exit(int code, String output) {
  }

  /** Runs {@code tide server} in cluster mode as a process; returns its exit code and output. */
  private static Exit runNode(Path dataDir, int port, int busPort) throws Exception {
    List<String> cmd = new ArrayList<>(ProcessClusterTest.nodeCommand());
    cmd.addAll(List.of("server", "--node-id", "n1", "--data-dir", dataDir.toString(), "--port", Integer.toString(port),
        "--bus-port", Integer.toString(busPort), "--bootstrap", "127.0.0.1:" + port + "@" + busPort));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("the node did not exit: it started despite the problem");
      }
      return new Exit(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  private static ServerSocket occupy() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress("127.0.0.1", 0));
    return s;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = occupy()) {
      return s.getLocalPort();
    }
  }

  @Test
  void clientPortInUseNamesThePortAndTheOption() throws Exception {
    try (ServerSocket taken = occupy()) {
      int port = taken.getLocalPort();
      Exit e = runNode(dir.resolve("n1"), port, freePort());
      assertThat(e.code()).isEqualTo(2);
      assertThat(e.output()).contains("tide: port " + port + " on 127.0.0.1 (--port) is already in use by another"
          + " process; stop that process or choose another --port");
    }
  }

  @Test
  void busPortInUseNamesThePortAndTheOption() throws Exception {
    try (ServerSocket taken = occupy()) {
      int bus = taken.getLocalPort();
      Exit e = runNode(dir.resolve("n1"), freePort(), bus);
      assertThat(e.code()).isEqualTo(2);
      assertThat(e.output()).contains("tide: port " + bus + " on 127.0.0.1 (--bus-port) is already in use");
    }
  }

  @Test
  void dataDirUnderAFileSaysWhichPathIsAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Exit e = runNode(file.resolve("n1"), freePort(), freePort());
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.output()).contains("tide: --data-dir " + file.resolve("n1") + " cannot be created: " + file
        + " is a file, not a directory");
  }

  @Test
  void dataDirThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Exit e = runNode(file, freePort(), freePort());
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.output()).contains("tide: --data-dir " + file + " is a file, not a directory");
  }

  @Test
  void dataDirOfAnOlderFormatIsRefusedNamingWhatToChange() throws Exception {
    // A phase-1 identity (before the controller): refused, never reused. Another cluster's
    // current-format directory is ClusterRefusalTest's case (tide-cluster).
    Path data = Files.createDirectories(dir.resolve("n1"));
    Files.writeString(data.resolve("cluster.identity"), "partitions=16\nreplicas=3\nmember=10.0.0.9:7000@17000\n");
    Exit e = runNode(data, freePort(), freePort());
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.output()).contains("data directory " + data).contains("was written by an older Tide")
        .contains("start this node with an empty --data-dir");
  }

  // ---- the local cluster manager, before it starts any process ----------------------------------

  @Test
  void localClusterRefusesAPortInUseBeforeStartingAnything() throws Exception {
    try (ServerSocket taken = occupy()) {
      int base = taken.getLocalPort(); // n1's client port is taken
      LocalCluster c = new LocalCluster(List.of("/bin/false"), new Layout(3, 4, 3, "127.0.0.1", base, 100, 0),
          dir.resolve("c"), List.of());
      assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class)
          .hasMessage("client port 127.0.0.1:" + taken.getLocalPort() + " of n1 is already in use by another process;"
              + " stop that process or choose other ports with --base-port");
      for (int i = 1; i <= 3; i++) {
        assertThat(c.pid(i)).isEqualTo(-1);
      }
    }
  }

  @Test
  void localClusterRefusesWhileANodeOfAnEarlierRunStillRunsNamingItsPid() throws Exception {
    Path root = dir.resolve("c");
    Layout layout = new Layout(1, 4, 1, "127.0.0.1", freePort(), 100, 0);
    layout.save(root);
    Path n1 = Files.createDirectories(root.resolve("n1"));
    // Stands in for an orphaned node: a live process whose command line names n1's data directory
    // (a bash builtin waiting on stdin, so killing the PID leaves no child behind).
    Process orphan = new ProcessBuilder("bash", "-c", "read -t 60 line", "orphan", "--data-dir", n1.toString()).start();
    try {
      Files.writeString(n1.resolve("node.pid"), orphan.pid() + "\n");
      LocalCluster c = new LocalCluster(List.of("/bin/false"), layout, root, List.of());
      assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class)
          .hasMessage("n1 of an earlier run is still running on " + n1 + " (pid " + orphan.pid() + "); stop it first: kill "
              + orphan.pid());
    } finally {
      orphan.destroyForcibly();
      orphan.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void localClusterRefusesAnotherLayoutOnTheSameRootAndWipeOnlyDeletesClusterRoots() throws Exception {
    Path root = dir.resolve("c");
    new Layout(3, 16, 3, "127.0.0.1", 7000, 10000, 0).save(root);
    LocalCluster c = new LocalCluster(List.of("/bin/false"), new Layout(5, 16, 3, "127.0.0.1", 7000, 10000, 0), root,
        List.of());
    assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("holds another local cluster (3 nodes on 127.0.0.1:7000..7002, 16 partitions × 3"
            + " replicas)").hasMessageContaining("nodes 3 vs 5").hasMessageContaining("--fresh");
    Path other = Files.createDirectories(dir.resolve("somebody-elses"));
    Files.writeString(other.resolve("notes.txt"), "keep me");
    assertThatThrownBy(() -> LocalCluster.wipe(other)).hasMessageContaining("does not hold a Tide local cluster");
    assertThat(other.resolve("notes.txt")).exists();
    LocalCluster.wipe(root);
    assertThat(root).doesNotExist();
  }
}
