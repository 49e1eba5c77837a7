package dev.tide.server.protocol;

import dev.tide.engine.command.CommandSpec;
import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-client limits over real sockets: {@code client-output-buffer-limit normal}, {@code timeout}
 * and {@code maxclients}. Time-dependent rules run against a server on a manual clock, so they are
 * checked exactly, with no sleeps; the same behaviours are compared with redis-server where they
 * can be observed from outside.
 */
class ClientLimitsTest {

  private static final int CLOSE_WAIT_MS = 20_000;
  private static final int MB = 1024 * 1024;
  /** A client that never reads: the kernel buffers only a little for it. */
  private static final int STALLED_RECEIVE_BUFFER = 4096;
  private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TideServer server;

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private TideServer start(Consumer<ServerConfig> configure) throws InterruptedException {
    ServerConfig config = new ServerConfig();
    config.port = 0;
    configure.accept(config);
    server = new TideServer(config, clock::get);
    server.start();
    toClose.add(server);
    // Test-only commands: park the caller as a blocking command does, or mark it subscribed.
    server.table().register(CommandSpec.builder("testblock", 2, "readonly").keys(1, 1, 1)
        .impl(ctx -> ctx.block(new byte[][] {ctx.arg(1)}, 0, r -> r.nullArray())));
    server.table().register(CommandSpec.builder("testsubscribe", 1, "fast").impl(ctx -> {
      ((ClientConnection) ctx.session()).setSubscriptionCount(1);
      ctx.reply().ok();
    }));
    return server;
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    toClose.add(resource);
    return resource;
  }

  private RespClient client() {
    return closeLater(new RespClient(server.port()));
  }

  // ---- client-output-buffer-limit normal -------------------------------------------------------

  @Test
  void aClientOverTheHardLimitIsClosedAndOthersCarryOn() throws Exception {
    start(c -> c.set("client-output-buffer-limit", "normal 1mb 0 0"));
    RespClient normal = client();
    normal.call("SET", "big", "b".repeat(MB));
    normal.call("SET", "small", "s".repeat(1000));

    RawConnection stalled = closeLater(new RawConnection(server.port(), STALLED_RECEIVE_BUFFER));
    stalled.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(64));
    await().atMost(Duration.ofSeconds(20)).until(() -> server.outputBufferLimits().disconnections() == 1);
    RawConnection.Outcome outcome = stalled.readUntilClosed(CLOSE_WAIT_MS);
    assertThat(outcome.reply().length).as("replies delivered before the close").isLessThan(64 * MB);

    assertThat(normal.call("GET", "small")).isEqualTo("s".repeat(1000));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.clients().openConnections() == 1);
  }

  @Test
  void aLimitSetWithConfigSetAppliesToConnectedClients() throws Exception {
    start(c -> { });
    RespClient normal = client();
    normal.call("SET", "big", "b".repeat(MB));
    RawConnection stalled = closeLater(new RawConnection(server.port(), STALLED_RECEIVE_BUFFER));
    assertThat(stalled.send("PING\r\n").readExactly(7, 5000)).isEqualTo(PONG);
    assertThat(normal.call("CONFIG", "SET", "client-output-buffer-limit", "normal 2mb 0 0"))
        .isEqualTo(new RespClient.Simple("OK"));
    stalled.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(64));
    await().atMost(Duration.ofSeconds(20)).until(() -> server.outputBufferLimits().disconnections() == 1);
    stalled.readUntilClosed(CLOSE_WAIT_MS);
    assertThat(normal.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
  }

  @Test
  void aClientWhoseRepliesPileUpInTheOutboundBufferHitsTheHardLimit() throws Exception {
    start(c -> c.set("client-output-buffer-limit", "normal 4mb 0 0"));
    RespClient normal = client();
    normal.call("SET", "big", "b".repeat(MB));
    RawConnection stalled = closeLater(new RawConnection(server.port(), STALLED_RECEIVE_BUFFER));
    // One request per write: every reply is flushed, the kernel fills up, then Netty's buffer grows.
    byte[] get = "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 200 && server.outputBufferLimits().disconnections() == 0; i++) {
      stalled.sendQuietly(get);
      Thread.sleep(5); // let each request be its own read
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> server.outputBufferLimits().disconnections() == 1);
    stalled.readUntilClosed(CLOSE_WAIT_MS);
    assertThat(normal.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
  }

  @Test
  void byDefaultNormalClientsAreUnlimitedAndGetEveryReply() throws Exception {
    start(c -> { });
    RespClient normal = client();
    String big = "b".repeat(MB);
    normal.call("SET", "big", big);
    RawConnection stalled = closeLater(new RawConnection(server.port(), STALLED_RECEIVE_BUFFER));
    // 32 MB of replies: far more than the kernel buffers for a socket (tcp_wmem's maximum is 4 MB by default).
    stalled.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(32));
    // The server buffers many megabytes for it and keeps the connection.
    await().atMost(Duration.ofSeconds(20)).until(() -> pendingOutputOfNewestClient() > 4L * MB);
    assertThat(server.clients().openConnections()).isEqualTo(2);
    String expected = ("$" + MB + "\r\n" + big + "\r\n").repeat(32);
    byte[] all = stalled.readExactly(expected.length(), CLOSE_WAIT_MS);
    assertThat(new String(all, StandardCharsets.US_ASCII)).isEqualTo(expected);
  }

  @Test
  void aClientOverTheSoftLimitIsClosedOnlyAfterItsSeconds() throws Exception {
    start(c -> c.set("client-output-buffer-limit", "normal 0 512kb 2"));
    RespClient normal = client();
    normal.call("SET", "big", "b".repeat(MB));
    RawConnection stalled = closeLater(new RawConnection(server.port(), STALLED_RECEIVE_BUFFER));
    stalled.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(16));
    await().atMost(Duration.ofSeconds(20)).until(() -> server.outputBufferLimits().clientsOverSoftLimit() == 1);

    clock.addAndGet(2000); // exactly the soft seconds: not yet
    sweepOutputLimitsAndSettle();
    assertThat(server.outputBufferLimits().disconnections()).isZero();
    assertThat(server.clients().openConnections()).isEqualTo(2);

    clock.addAndGet(1); // longer than the soft seconds
    sweepOutputLimitsAndSettle();
    assertThat(server.outputBufferLimits().disconnections()).isEqualTo(1);
    stalled.readUntilClosed(CLOSE_WAIT_MS);
    assertThat(normal.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
  }

  @Test
  void redisClosesTheSameStalledClientUnderTheSameLimit() {
    try (RedisReference redis = RedisReference.start("--client-output-buffer-limit", "normal 1mb 0 0");
         RespClient normal = new RespClient(redis.port());
         RawConnection stalled = new RawConnection(redis.port(), STALLED_RECEIVE_BUFFER)) {
      normal.call("SET", "big", "b".repeat(MB));
      normal.call("SET", "small", "s".repeat(1000));
      stalled.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(64));
      RawConnection.Outcome outcome = stalled.readUntilClosed(CLOSE_WAIT_MS);
      assertThat(outcome.reply().length).isLessThan(64 * MB);
      assertThat(normal.call("GET", "small")).isEqualTo("s".repeat(1000));
    }
  }

  // ---- timeout ---------------------------------------------------------------------------------

  @Test
  void idleClientsAreClosedAfterTheTimeoutButNotBlockedSubscribedOrActiveOnes() throws Exception {
    start(c -> c.set("timeout", "1"));
    RawConnection idle = closeLater(new RawConnection(server.port()));
    RespClient active = client();
    RespClient blocked = client();
    RespClient subscribed = client();
    assertThat(subscribed.call("TESTSUBSCRIBE")).isEqualTo(new RespClient.Simple("OK"));
    blocked.send("TESTBLOCK", "nothing-arrives-here");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        server.clients().all().stream().anyMatch(ClientConnection::isBlocked));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.clients().size() == 4);

    clock.addAndGet(900);
    assertThat(active.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
    clock.addAndGet(700); // idle has been idle 1.6 s, active 0.7 s
    sweepIdleClientsAndSettle();
    assertThat(idle.readUntilClosed(CLOSE_WAIT_MS).reply()).isEmpty();
    assertThat(server.idleClients().closedClients()).isEqualTo(1);

    clock.addAndGet(900); // active now idle 1.6 s too; blocked and subscribed never time out
    sweepIdleClientsAndSettle();
    assertThat(server.idleClients().closedClients()).isEqualTo(2);
    assertThat(server.clients().size()).isEqualTo(2);
    assertThat(subscribed.call("PING")).isEqualTo(List.of("pong", ""));
  }

  @Test
  void aTimeoutOfZeroNeverClosesIdleClients() throws Exception {
    start(c -> { });
    RawConnection idle = closeLater(new RawConnection(server.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.clients().size() == 1);
    clock.addAndGet(TimeUnit.DAYS.toMillis(365));
    sweepIdleClientsAndSettle();
    assertThat(server.clients().size()).isEqualTo(1);
    assertThat(idle.send("PING\r\n").readExactly(7, 5000)).isEqualTo("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void idleClientsAreClosedOnTheRealClockLikeRedis() throws Exception {
    try (RedisReference redis = RedisReference.start("--timeout", "1");
         RawConnection redisIdle = new RawConnection(redis.port())) {
      ServerConfig config = new ServerConfig();
      config.port = 0;
      config.set("timeout", "1");
      try (TideServer tide = new TideServer(config).start(); RawConnection tideIdle = new RawConnection(tide.port())) {
        assertThat(redisIdle.readUntilClosed(CLOSE_WAIT_MS).reply()).isEmpty();
        assertThat(tideIdle.readUntilClosed(CLOSE_WAIT_MS).reply()).isEmpty();
      }
    }
  }

  // ---- maxclients ------------------------------------------------------------------------------

  @Test
  void connectionsOverMaxclientsGetRedisErrorAndAPlaceFreesWhenOneCloses() throws Exception {
    start(c -> c.set("maxclients", "3"));
    try (RedisReference redis = RedisReference.start("--maxclients", "3")) {
      for (int port : new int[] {server.port(), redis.port()}) {
        List<RawConnection> admitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          RawConnection c = closeLater(new RawConnection(port));
          assertThat(c.send("PING\r\n").readExactly(7, 5000)).isEqualTo(PONG);
          admitted.add(c);
        }
        try (RawConnection rejected = new RawConnection(port)) {
          assertThat(rejected.readUntilClosed(CLOSE_WAIT_MS).text()).as("port %d", port)
              .isEqualTo("-ERR max number of clients reached\r\n");
        }
        admitted.get(0).close();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
          try (RawConnection again = new RawConnection(port)) {
            assertThat(again.send("PING\r\n").readExactly(7, 5000)).isEqualTo(PONG);
          }
        });
      }
    }
    assertThat(server.clients().rejectedConnections()).isGreaterThanOrEqualTo(1);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private long pendingOutputOfNewestClient() throws Exception {
    ClientConnection newest = null;
    for (ClientConnection c : server.clients().all()) {
      newest = c;
    }
    ClientConnection conn = newest;
    return conn == null ? 0 : conn.channel().eventLoop().submit(conn::pendingOutputBytes).get(5, TimeUnit.SECONDS);
  }

  /** Runs the output limit sweep now and waits until the checks it handed to event loops ran. */
  private void sweepOutputLimitsAndSettle() throws Exception {
    server.outputBufferLimits().sweep();
    settleEventLoops();
  }

  private void sweepIdleClientsAndSettle() throws Exception {
    server.idleClients().sweep();
    settleEventLoops();
  }

  /** Every connection's event loop has run the tasks queued before this call. */
  private void settleEventLoops() throws Exception {
    for (ClientConnection c : server.clients().all()) {
      c.channel().eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
    }
  }
}
