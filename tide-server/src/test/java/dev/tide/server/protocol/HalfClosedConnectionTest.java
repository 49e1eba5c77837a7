package dev.tide.server.protocol;

import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.DifferentialTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that stop sending in the middle of a request: half-closed (FIN after a partial frame),
 * reset, or gone after declaring a large bulk. The server answers what was complete, as Redis
 * does, releases the connection and the memory of its partial request, and others are unaffected.
 */
class HalfClosedConnectionTest extends DifferentialTestBase {

  private static final int CLOSE_WAIT_MS = 10_000;

  @AfterEach
  void connectionsAreReleased() {
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(tideServer.server().clients().openConnections()).isEqualTo(1));
    diff.check("SET", "after", "1");
    assertThat(diff.check("GET", "after")).isEqualTo("1");
  }

  @Test
  void halfCloseAfterAPartialFrameClosesWithoutAReply() {
    String[] partials = {"*3\r\n$3\r\nSET\r\n$1\r\nk", "*1\r\n$4\r\nPI", "*2", "PING", "*1\r\n$100000\r\nabc"};
    for (String partial : partials) {
      try (RawConnection r = new RawConnection(redisServer.port()); RawConnection t = new RawConnection(tideServer.port())) {
        RawConnection.Outcome redis = r.send(partial).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
        RawConnection.Outcome tide = t.send(partial).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
        assertThat(tide.text()).as(partial).isEqualTo(redis.text()).isEmpty();
      }
    }
  }

  @Test
  void halfCloseAfterCompleteRequestsAnswersThemThenCloses() {
    String input = "*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1";
    try (RawConnection r = new RawConnection(redisServer.port()); RawConnection t = new RawConnection(tideServer.port())) {
      RawConnection.Outcome redis = r.send(input).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
      RawConnection.Outcome tide = t.send(input).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
      assertThat(tide.text()).isEqualTo(redis.text()).isEqualTo("$2\r\nhi\r\n+PONG\r\n");
    }
    assertThat(diff.check("GET", "k")).as("the incomplete SET never ran").isNull();
  }

  @Test
  void aResetInTheMiddleOfARequestReleasesTheConnection() throws IOException {
    for (int i = 0; i < 20; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", tideServer.port()), 5000);
        s.setSoLinger(true, 0); // close sends RST
        s.getOutputStream().write("*2\r\n$4\r\nECHO\r\n$1000\r\nxyz".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
    }
  }

  @Test
  void aClientGoneInTheMiddleOfALargeBulkFreesWhatItSent() throws Exception {
    int sentBytes = 8 * 1024 * 1024;
    try (RawConnection t = new RawConnection(tideServer.port())) {
      t.send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$67108864\r\n").send(new byte[sentBytes]);
      // The server holds about what arrived (at most twice), not the declared 64 MB.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(queryBufferOfNewestClient()).isBetween((long) sentBytes, 2L * sentBytes + 64 * 1024));
      RawConnection.Outcome outcome = t.shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
      assertThat(outcome.reply()).isEmpty();
    }
    assertThat(diff.check("GET", "big")).isNull();
  }

  /** The query buffer of the most recently connected client, read on its event loop. */
  private static long queryBufferOfNewestClient() throws Exception {
    ClientConnection newest = null;
    for (ClientConnection c : tideServer.server().clients().all()) {
      newest = c;
    }
    ClientConnection conn = newest;
    return conn.channel().eventLoop().submit(conn::queryBufferBytes).get(5, TimeUnit.SECONDS);
  }

}
