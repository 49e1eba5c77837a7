package dev.tide.server.pubsub;

import dev.tide.server.config.ServerConfig;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pub/sub output buffer limit: a subscriber that never reads is disconnected once its
 * pending output passes the hard limit (or stays over the soft limit too long), while the server,
 * the publisher and a subscriber that keeps up carry on and lose nothing.
 */
class SlowSubscriberTest {

  /** Payload per message. */
  private static final int PAYLOAD_BYTES = 16 * 1024;
  /**
   * Messages published at most: 64 MB, far more than the kernel's socket buffers (a few MB on
   * Linux loopback) plus the 1 MB limit, so the slow subscriber must be cut off well before.
   */
  private static final int MAX_MESSAGES = 4096;
  /** Messages pipelined per round; the publisher then lets the healthy subscriber catch up. */
  private static final int BATCH = 16;
  /** How far (in messages) the healthy subscriber may lag: 64 × 16 KB = 1 MB, all in kernel buffers. */
  private static final int MAX_HEALTHY_LAG = 64;
  private static final String CHANNEL = "slow";

  @Test
  void hardLimitDisconnectsASubscriberThatNeverReads() throws Exception {
    runScenario(c -> {
      c.outputLimitPubSubHard = 1024 * 1024;
      c.outputLimitPubSubSoft = 0;
    });
  }

  @Test
  void softLimitDisconnectsASubscriberThatStaysOverIt() throws Exception {
    runScenario(c -> {
      c.outputLimitPubSubHard = 0;
      c.outputLimitPubSubSoft = 512 * 1024;
      c.outputLimitPubSubSoftSeconds = 0; // over the soft limit on two checks a millisecond apart
    });
  }

  private static void runScenario(Consumer<ServerConfig> limits) throws Exception {
    byte[] payloadBytes = new byte[PAYLOAD_BYTES];
    Arrays.fill(payloadBytes, (byte) 'x');
    String payload = new String(payloadBytes, StandardCharsets.US_ASCII);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TideTestServer server = TideTestServer.start(limits);
         Socket slow = new Socket();
         RespClient healthy = server.client();
         RespClient publisher = server.client()) {
      slow.setReceiveBufferSize(4096); // before connect, so the window stays small
      slow.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      slow.setSoTimeout(30_000);
      slow.getOutputStream().write("*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nslow\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] confirmation = "*3\r\n$9\r\nsubscribe\r\n$4\r\nslow\r\n:1\r\n".getBytes(StandardCharsets.US_ASCII);
      assertThat(slow.getInputStream().readNBytes(confirmation.length)).isEqualTo(confirmation);
      // From here on the slow subscriber reads nothing.

      assertThat(healthy.call("SUBSCRIBE", CHANNEL)).isEqualTo(List.of("subscribe", CHANNEL, 1L));
      AtomicInteger healthyReceived = new AtomicInteger();
      Future<?> healthyReader = pool.submit(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          Object m = healthy.read();
          assertThat(m).isEqualTo(List.of("message", CHANNEL, payload));
          healthyReceived.incrementAndGet();
        }
        return null;
      });

      int published = 0;
      boolean slowGone = false;
      while (published < MAX_MESSAGES && !slowGone) {
        for (int i = 0; i < BATCH; i++) {
          publisher.send("PUBLISH", CHANNEL, payload);
        }
        for (int i = 0; i < BATCH; i++) {
          long receivers = (Long) publisher.read();
          assertThat(receivers).isBetween(1L, 2L);
          slowGone = receivers == 1;
        }
        published += BATCH;
        int target = published - MAX_HEALTHY_LAG;
        await().atMost(Duration.ofSeconds(30)).until(() -> healthyReceived.get() >= target || healthyReader.isDone());
        assertThat(healthyReader.isDone()).as("healthy subscriber still reading").isFalse();
      }
      assertThat(slowGone).as("slow subscriber cut off within %d messages", MAX_MESSAGES).isTrue();
      assertThat(publisher.call("PUBSUB", "NUMSUB", CHANNEL)).isEqualTo(List.of(CHANNEL, 1L));
      assertThat(serverClosed(slow)).as("the server closed the slow subscriber's socket").isTrue();

      // The server, the publisher and the healthy subscriber carry on; nothing was lost.
      assertThat(publisher.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
      assertThat(publisher.call("PUBLISH", CHANNEL, payload)).isEqualTo(1L);
      int expected = published + 1;
      await().atMost(Duration.ofSeconds(30)).until(() -> healthyReceived.get() == expected || healthyReader.isDone());
      assertThat(healthyReceived.get()).isEqualTo(expected);
      await().atMost(Duration.ofSeconds(30)).until(() -> server.server().clients().size() == 2);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads (and discards) what the server sent until end of stream; true when it arrives. */
  private static boolean serverClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[64 * 1024];
    long drainedBytes = 0;
    try {
      while (drainedBytes < 1L << 30) { // bounded: far more than the server could have queued
        int n = in.read(buffer);
        if (n < 0) {
          return true;
        }
        drainedBytes += n;
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset: closed as well
    }
  }
}
