package dev.tide.cli;

import dev.tide.cluster.local.Layout;
import dev.tide.cluster.local.LocalCluster;
import dev.tide.cluster.status.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tide up} as a user runs it (a process): it starts the nodes, says it is up with the
 * connect line and the one-line status, SIGTERM (what Ctrl-C's SIGINT also runs: the shutdown
 * hook) stops every node, and a second run restarts the same cluster with the data written in
 * the first; {@code tide status} then shows every node up and every partition led.
 */
class UpCommandProcessTest {

  /** What the launcher's flags would be, made light for 2 shared cores; the nodes inherit them. */
  private static final List<String> CLI_FLAGS = List.of("-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "--enable-native-access=ALL-UNNAMED");

  private final List<Process> started = new ArrayList<>();
  private Path root;

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    if (root != null) {
      // the nodes stop with their launcher (--stop-with-parent); give them a moment before deleting
      Thread.sleep(500);
      LocalCluster.wipe(root);
    }
  }

  /** A started process and its output lines, read by one thread into a queue. */
  private static final class Running {
    private static final String EOF = "\u0000EOF";
    final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private boolean ended;

    Running(Process process) {
      this.process = process;
      Thread.ofVirtual().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            lines.add(l);
          }
        } catch (IOException ignored) {
          // the process ended
        }
        lines.add(EOF);
      });
    }

    /** Output lines until one contains {@code marker}; fails after {@code timeout} or at the end of output. */
    String readUntil(String marker, Duration timeout) throws InterruptedException {
      return read(marker, timeout);
    }

    /** All output up to its end; fails when it has not ended after {@code timeout}. */
    String readToEnd(Duration timeout) throws InterruptedException {
      return read(null, timeout);
    }

    private String read(String marker, Duration timeout) throws InterruptedException {
      StringBuilder all = new StringBuilder();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!ended && System.nanoTime() < deadline) {
        String l = lines.poll(100, TimeUnit.MILLISECONDS);
        if (l == null) {
          continue;
        }
        if (l.equals(EOF)) {
          ended = true;
          if (marker == null) {
            return all.toString();
          }
          break;
        }
        all.append(l).append('\n');
        if (marker != null && l.contains(marker)) {
          return all.toString();
        }
      }
      throw new AssertionError((marker == null ? "output did not end" : "no line with '" + marker + "'") + " within "
          + timeout + "; output:\n" + all);
    }
  }

  private Running tide(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(LocalCluster.javaCommand(System.getProperty("java.class.path"),
        TideCli.class.getName(), false, null, CLI_FLAGS));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(p);
    return new Running(p);
  }

  @Test
  void upStartsTheClusterCtrlCStopsItAndASecondRunRestartsItWithItsData() throws Exception {
    root = Files.createTempDirectory("tide-up");
    int base = ProcessClusterTest.freeBasePort();
    Running up = tide("up", "--data-dir", root.toString(), "--base-port", Integer.toString(base),
        "--metrics-base-port", "0", "--partitions", "4", "--node-heap", "256m");
    String out = up.readUntil("stop:     Ctrl-C", Duration.ofSeconds(300));
    assertThat(out).contains("starting a new cluster in " + root + ": 3 nodes on 127.0.0.1:" + base + ".."
        + (base + 2) + ", 4 partitions × 3 replicas")
        .containsPattern("Tide is up \\([0-9.]+ s\\): 3/3 nodes up, 4/4 partitions led, 0 keys")
        .contains("connect:  redis-cli -c -p " + base);
    Layout layout = Layout.load(root);
    List<Long> pids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      pids.add(Long.parseLong(Files.readString(root.resolve("n" + i).resolve("node.pid")).trim()));
    }
    try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", base)),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(5_000).build(), 10, Duration.ofSeconds(20))) {
      for (int i = 0; i < 100; i++) {
        String k = "up:" + i;
        String v = "v" + i;
        assertThat(Retry.whileUnavailable(() -> jc.set(k, v), Duration.ofSeconds(60))).isEqualTo("OK");
      }
    }

    // SIGTERM runs the same shutdown hook as Ctrl-C. (Process.destroy would also close our end of its output.)
    up.process.toHandle().destroy();
    String stopOut = up.readUntil("tide: stopped; data kept in " + root, Duration.ofSeconds(120));
    assertThat(stopOut).contains("tide: stopping 3 nodes");
    assertThat(up.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("node pid %d stopped", pid)
          .isFalse();
    }

    Running again = tide("up", "--data-dir", root.toString()); // no options: the stored layout
    String out2 = again.readUntil("stop:     Ctrl-C", Duration.ofSeconds(300));
    assertThat(out2).contains("restarting the cluster in " + root)
        .containsPattern("3/3 nodes up, 4/4 partitions led, 100 keys");
    try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", layout.port(2))),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(5_000).build(), 10, Duration.ofSeconds(20))) {
      for (int i = 0; i < 100; i++) {
        String k = "up:" + i;
        assertThat(Retry.whileUnavailable(() -> jc.get(k), Duration.ofSeconds(60))).isEqualTo("v" + i);
      }
    }
    Running status = tide("status", "--data-dir", root.toString());
    String table = status.readToEnd(Duration.ofSeconds(120));
    assertThat(status.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(status.process.exitValue()).as(table).isZero();
    assertThat(table).contains("3/3 nodes up, 4/4 partitions led, 100 keys")
        .containsPattern("n1 +up +127\\.0\\.0\\.1:" + base).containsPattern("n3 +up +127\\.0\\.0\\.1:" + (base + 2))
        .contains("follower lag").containsPattern("\n +3 +12288-16383 +n[123] ");
    try (RespClient c = RespClient.connect("127.0.0.1", base, 5_000)) {
      assertThat(c.call("TIDE.LOCALGET", "up:7")).isEqualTo("v7");
    }
    again.process.toHandle().destroy();
    again.readUntil("tide: stopped", Duration.ofSeconds(120));
  }
}
