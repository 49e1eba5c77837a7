package dev.tide.server.protocol;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Ten thousand idle connections opened in batches and closed again, while a normal client keeps
 * getting correct replies; afterwards the connection registry is back at its baseline and the heap
 * has not grown. The idle connections are held by a child process (see {@link IdleConnectionHolder}),
 * so this process spends file descriptors only on the server's side.
 */
class ManyIdleConnectionsTest {

  /** Redis's default maxclients, and the number of idle connections this test aims for. */
  private static final int TARGET_CONNECTIONS = 10_000;
  /** Connections opened per batch before the normal client is checked again. */
  private static final int BATCH = 500;
  /** Descriptors left for everything else in a process (jars, epoll, pipes, the JVM). */
  private static final int FD_RESERVE = 1_000;
  /** Below this the test would prove little; it is skipped with a message instead. */
  private static final int MIN_CONNECTIONS = 1_000;
  /** Generous bound on heap kept per idle connection (a ClientConnection, its writer and pipeline). */
  private static final long MAX_HEAP_PER_CONNECTION = 32 * 1024;
  /** Heap growth tolerated after everything is closed (GC noise; not proportional to connections). */
  private static final long MAX_HEAP_GROWTH_AFTER_CLOSE = 64L * 1024 * 1024;

  @Test
  void tenThousandIdleConnectionsComeAndGoWhileANormalClientIsServed() throws Exception {
    int connections = affordableConnections();
    try (TideTestServer tide = TideTestServer.start(c -> c.maxClients = connections + 100);
         RespClient normal = tide.client()) {
      assertThat(normal.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
      long heapBaseline = HugeRequestsTest.usedHeapAfterGc();

      Process holder = startHolder(tide.port(), connections);
      try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
           PrintWriter in = new PrintWriter(holder.getOutputStream(), true, StandardCharsets.US_ASCII)) {
        long started = System.nanoTime();
        int opened = 0;
        int checks = 0;
        while (opened < connections) {
          String line = out.readLine();
          assertThat(line).as("holder output").isNotNull().startsWith("OPENED ");
          opened = Integer.parseInt(line.substring("OPENED ".length()));
          checks++;
          normalClientIsServedCorrectly(normal, opened);
          if (opened < connections) {
            in.println("NEXT");
          }
        }
        assertThat(out.readLine()).isEqualTo("READY " + connections);
        await().atMost(Duration.ofSeconds(60))
            .until(() -> tide.server().clients().size() == connections + 1);
        long openedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        normalClientIsServedCorrectly(normal, -1);
        long heapPerConnection = (HugeRequestsTest.usedHeapAfterGc() - heapBaseline) / connections;

        long closing = System.nanoTime();
        in.println("CLOSE");
        assertThat(out.readLine()).isEqualTo("CLOSED");
        await().atMost(Duration.ofSeconds(60)).until(() -> tide.server().clients().openConnections() == 1);
        long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
        normalClientIsServedCorrectly(normal, -2);
        long heapGrowth = HugeRequestsTest.usedHeapAfterGc() - heapBaseline;

        System.out.printf("%d idle connections: opened in %d ms (%d checks of the normal client), closed in %d ms,"
            + " ~%d heap bytes each, heap growth after close %d KB%n", connections, openedMs, checks, closedMs,
            heapPerConnection, heapGrowth / 1024);
        assertThat(heapPerConnection).isLessThan(MAX_HEAP_PER_CONNECTION);
        assertThat(heapGrowth).isLessThan(MAX_HEAP_GROWTH_AFTER_CLOSE);
        assertThat(tide.server().clients().size()).isEqualTo(1);
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        holder.destroyForcibly();
      }
    }
  }

  private static void normalClientIsServedCorrectly(RespClient normal, int round) {
    String value = "round-" + round + "-" + "v".repeat(100);
    assertThat(normal.call("SET", "normal", value)).isEqualTo(new RespClient.Simple("OK"));
    assertThat(normal.call("GET", "normal")).isEqualTo(value);
    assertThat(normal.call("ECHO", "e" + round)).isEqualTo("e" + round);
  }

  /**
   * How many connections this machine allows: this process needs a descriptor per accepted
   * connection, the holder one per connection it opens; both start from the same limit.
   */
  private static int affordableConnections() {
    UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long max = os.getMaxFileDescriptorCount();
    long open = os.getOpenFileDescriptorCount();
    int affordable = (int) Math.min(TARGET_CONNECTIONS, Math.min(max - open - FD_RESERVE, max - FD_RESERVE));
    if (affordable < TARGET_CONNECTIONS) {
      System.out.printf("ManyIdleConnectionsTest: the open-files limit is %d (%d in use), so this test opens %d"
          + " idle connections instead of %d; raise 'ulimit -n' to at least %d to run all of them.%n",
          max, open, affordable, TARGET_CONNECTIONS, TARGET_CONNECTIONS + open + FD_RESERVE);
    }
    assumeThat(affordable).as("open-files limit %d leaves room for only %d connections", max, affordable)
        .isGreaterThanOrEqualTo(MIN_CONNECTIONS);
    return affordable;
  }

  private static Process startHolder(int port, int connections) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classes = Path.of(IdleConnectionHolder.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    return new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes,
        IdleConnectionHolder.class.getName(), Integer.toString(port), Integer.toString(connections),
        Integer.toString(BATCH)))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
