package dev.tide.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression test for a bug the chaos checker found (docs/bugs-found.md #1): a cluster node
 * listened for clients before its cluster router was installed, so during start-up (while its
 * Raft groups opened) it answered commands from the single-node local keyspace — acknowledging
 * writes that were never replicated and reading empty values. A client writes a fresh key, again
 * and again, from before the node process starts until it is fully up; every write it got OK for
 * must then be readable through the cluster.
 */
class ClusterStartupTest {

  /** Writes tried while the node starts (one every few ms; the node is up within seconds). */
  static final int MAX_WRITES = 20_000;

  @Test
  void aStartingClusterNodeNeverAcknowledgesAWriteItDoesNotReplicate(@TempDir Path dir) throws Exception {
    int port = freePort();
    int bus = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.tide.cli.TideCli",
        "server", "--node-id", "n0", "--port", Integer.toString(port), "--bus-port", Integer.toString(bus), "--data-dir",
        dir.resolve("data").toString(), "--bootstrap", "127.0.0.1:" + port + "@" + bus, "--partitions", "8",
        "--replicas", "1");
    Process node = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile())
        .start();
    List<String> acknowledged = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      int clusterOks = 0;
      for (int i = 0; i < MAX_WRITES && clusterOks < 50 && System.nanoTime() < deadline; i++) {
        assertThat(node.isAlive()).as("node exited").isTrue();
        String key = "k" + i;
        String reply = call(port, "SET", key, "v");
        if ("+OK".equals(reply)) {
          acknowledged.add(key);
          // A node that routes through the cluster answers CLUSTER MYID; counting those OKs tells when it is fully up.
          String myid = call(port, "CLUSTER", "MYID");
          if (myid != null && myid.startsWith("$")) {
            clusterOks++;
          }
        }
        Thread.sleep(2);
      }
      assertThat(clusterOks).as("the node came up and took writes").isEqualTo(50);
      List<String> lost = new ArrayList<>();
      for (String key : acknowledged) {
        String v = call(port, "GET", key);
        if (!"$v".equals(v)) {
          lost.add(key + "=" + v);
        }
      }
      assertThat(lost).as("acknowledged writes not readable through the cluster").isEmpty();
    } finally {
      node.destroyForcibly();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** One command on a fresh connection; the reply's first line (bulk: "$" + payload), or null when nobody answers. */
  static String call(int port, String... args) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(5_000);
      StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
      }
      OutputStream out = s.getOutputStream();
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = new BufferedInputStream(s.getInputStream());
      String line = readLine(in);
      if (line.startsWith("$") && !line.equals("$-1")) {
        return "$" + readLine(in);
      }
      return line;
    } catch (IOException e) {
      return null;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read();
        break;
      }
      sb.append((char) c);
    }
    return sb.toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
