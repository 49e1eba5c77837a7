package dev.tide.server.pubsub;

import dev.tide.server.TideServer;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery between event loops on Tide: per-publisher order, no message after an unsubscribe
 * confirmation, and cleanup when a subscriber disconnects.
 */
class PubSubDeliveryTest {

  /** Messages in the ordering test: enough to interleave with the event loops' other work. */
  private static final int ORDERED_MESSAGES = 5_000;
  /** Messages pipelined per write in the ordering test. */
  private static final int PIPELINE = 100;
  /** Subscribe/unsubscribe rounds racing a publisher. */
  private static final int UNSUBSCRIBE_ROUNDS = 300;
  /** Upper bound on messages the racing publisher sends. */
  private static final int RACING_PUBLISHES = 500_000;
  /** Connections opened at most while looking for one on a given event loop. */
  private static final int MAX_CONNECT_ATTEMPTS = 32;

  private static TideTestServer server;

  @BeforeAll
  static void start() {
    server = TideTestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A client and the event loop its server-side connection runs on. */
  private record Client(RespClient client, EventLoop loop) {
  }

  private static Client connect() {
    RespClient c = server.client();
    c.call("PING"); // the server registered it
    ClientConnection conn = newest(server.server());
    return new Client(c, conn.channel().eventLoop());
  }

  private static ClientConnection newest(TideServer s) {
    return s.clients().all().stream().max(Comparator.comparingLong(ClientConnection::clientId)).orElseThrow();
  }

  /** A client on the same event loop as {@code other} (sameLoop) or on a different one; null if none. */
  private static Client connectRelativeTo(Client other, boolean sameLoop) {
    List<RespClient> spare = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECT_ATTEMPTS; i++) {
        Client c = connect();
        if ((c.loop() == other.loop()) == sameLoop) {
          return c;
        }
        spare.add(c.client());
      }
      return null;
    } finally {
      spare.forEach(RespClient::close);
    }
  }

  @Test
  void messagesArriveInPublishOrderFromSameAndOtherEventLoops() {
    for (boolean sameLoop : new boolean[] {true, false}) {
      Client sub = connect();
      Client pub = connectRelativeTo(sub, sameLoop);
      assumeThat(pub).as("a publisher on the %s event loop", sameLoop ? "same" : "other").isNotNull();
      try {
        String channel = "order:" + sameLoop;
        assertThat(sub.client().call("SUBSCRIBE", channel)).isEqualTo(List.of("subscribe", channel, 1L));
        for (int i = 0; i < ORDERED_MESSAGES; i += PIPELINE) {
          for (int j = i; j < i + PIPELINE; j++) {
            pub.client().send("PUBLISH", channel, Integer.toString(j));
          }
          for (int j = i; j < i + PIPELINE; j++) {
            assertThat(pub.client().read()).isEqualTo(1L);
          }
        }
        for (int i = 0; i < ORDERED_MESSAGES; i++) {
          assertThat(sub.client().read()).isEqualTo(List.of("message", channel, Integer.toString(i)));
        }
      } finally {
        sub.client().close();
        pub.client().close();
      }
    }
  }

  @Test
  void noMessageFollowsTheConfirmationOfAnUnsubscribe() throws Exception {
    Client sub = connect();
    Client pub = connectRelativeTo(sub, false);
    assumeThat(pub).as("a publisher on another event loop").isNotNull();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    try {
      Future<Integer> publisher = pool.submit(() -> {
        int sent = 0;
        while (!stop.get() && sent < RACING_PUBLISHES) {
          for (int j = 0; j < 10; j++) {
            pub.client().send("PUBLISH", "race", "m");
          }
          for (int j = 0; j < 10; j++) {
            pub.client().read();
          }
          sent += 10;
        }
        return sent;
      });
      int messagesSeen = 0;
      for (int round = 0; round < UNSUBSCRIBE_ROUNDS; round++) {
        assertThat(sub.client().call("SUBSCRIBE", "race")).isEqualTo(List.of("subscribe", "race", 1L));
        sub.client().send("UNSUBSCRIBE", "race");
        sub.client().send("PING");
        // Messages may arrive until the confirmation; after it, the very next reply is PING's.
        int guard = 0;
        Object reply;
        while (!(reply = sub.client().read()).equals(List.of("unsubscribe", "race", 0L))) {
          assertThat(reply).isEqualTo(List.of("message", "race", "m"));
          messagesSeen++;
          assertThat(++guard).isLessThan(RACING_PUBLISHES);
        }
        assertThat(sub.client().read()).as("reply after the unsubscribe confirmation")
            .isEqualTo(new RespClient.Simple("PONG"));
      }
      stop.set(true);
      assertThat(publisher.get(60, TimeUnit.SECONDS)).isPositive();
      assertThat(messagesSeen).as("the race was exercised").isPositive();
    } finally {
      stop.set(true);
      pool.shutdownNow();
      sub.client().close();
      pub.client().close();
    }
  }

  @Test
  void aClosedConnectionLeavesNoSubscriptionBehind() {
    try (RespClient observer = server.client()) {
      RespClient sub = server.client();
      sub.call("SUBSCRIBE", "gone:a", "gone:b");
      sub.read();
      sub.call("PSUBSCRIBE", "gone:*");
      sub.call("SSUBSCRIBE", "gone:s");
      assertThat(observer.call("PUBSUB", "NUMSUB", "gone:a", "gone:b")).isEqualTo(List.of("gone:a", 1L, "gone:b", 1L));
      assertThat(observer.call("PUBSUB", "SHARDNUMSUB", "gone:s")).isEqualTo(List.of("gone:s", 1L));
      long patternsBefore = (Long) observer.call("PUBSUB", "NUMPAT");
      assertThat(patternsBefore).isPositive();
      sub.close();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(observer.call("PUBSUB", "NUMSUB", "gone:a", "gone:b")).isEqualTo(List.of("gone:a", 0L, "gone:b", 0L));
        assertThat(observer.call("PUBSUB", "SHARDNUMSUB", "gone:s")).isEqualTo(List.of("gone:s", 0L));
        assertThat(observer.call("PUBSUB", "NUMPAT")).isEqualTo(patternsBefore - 1);
      });
      assertThat(observer.call("PUBLISH", "gone:a", "anyone?")).isEqualTo(0L);
    }
  }
}
