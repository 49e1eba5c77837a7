package dev.tide.server.pubsub;

import dev.tide.server.testing.TideTestServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Pub/sub end to end with real clients: Jedis's {@link JedisPubSub} and Lettuce's pub/sub API. */
class PubSubClientsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static TideTestServer server;

  @BeforeAll
  static void start() {
    server = TideTestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void jedisPubSubReceivesChannelAndPatternMessagesAndTheConnectionIsUsableAfterwards() throws Exception {
    Queue<String> received = new ConcurrentLinkedQueue<>();
    JedisPubSub listener = new JedisPubSub() {
      @Override
      public void onMessage(String channel, String message) {
        received.add("message " + channel + " " + message);
      }

      @Override
      public void onPMessage(String pattern, String channel, String message) {
        received.add("pmessage " + pattern + " " + channel + " " + message);
      }
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Jedis sub = new Jedis("127.0.0.1", server.port()); Jedis pub = new Jedis("127.0.0.1", server.port())) {
      Future<?> loop = pool.submit(() -> sub.subscribe(listener, "jedis:a", "jedis:b"));
      await().atMost(WAIT).until(() -> listener.getSubscribedChannels() == 2);
      listener.psubscribe("jedis:*");
      await().atMost(WAIT).until(() -> listener.getSubscribedChannels() == 3);

      assertThat(pub.publish("jedis:a", "hello")).isEqualTo(2);
      assertThat(pub.publish("jedis:b", "world")).isEqualTo(2);
      assertThat(pub.publish("jedis:c", "pattern only")).isEqualTo(1);
      assertThat(pub.pubsubNumSub("jedis:a", "jedis:c")).containsEntry("jedis:a", 1L).containsEntry("jedis:c", 0L);
      assertThat(pub.pubsubNumPat()).isEqualTo(1);
      await().atMost(WAIT).until(() -> received.size() == 5);
      assertThat(new ArrayList<>(received)).containsExactly(
          "message jedis:a hello", "pmessage jedis:* jedis:a hello",
          "message jedis:b world", "pmessage jedis:* jedis:b world",
          "pmessage jedis:* jedis:c pattern only");

      listener.unsubscribe();
      listener.punsubscribe();
      loop.get(30, TimeUnit.SECONDS); // subscribe() returns once nothing is subscribed
      assertThat(sub.set("jedis:k", "v")).isEqualTo("OK"); // no stray pub/sub frames left on the wire
      assertThat(sub.get("jedis:k")).isEqualTo("v");
      assertThat(pub.publish("jedis:a", "nobody")).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lettucePubSubResp2() throws Exception {
    lettuceRoundTrip(ProtocolVersion.RESP2);
  }

  @Test
  void lettucePubSubResp3WhenHelloIsAvailable() throws Exception {
    if (server.server().table().lookup("hello") == null) {
      // RESP3 push frames are covered by PubSubDifferentialTest without HELLO; Lettuce needs HELLO.
      org.junit.jupiter.api.Assumptions.abort("HELLO is not in this build");
    }
    lettuceRoundTrip(ProtocolVersion.RESP3);
  }

  private static void lettuceRoundTrip(ProtocolVersion protocol) throws Exception {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
    Queue<String> received = new ConcurrentLinkedQueue<>();
    String prefix = "lettuce:" + protocol + ":";
    try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
         StatefulRedisConnection<String, String> pub = client.connect()) {
      sub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          received.add("message " + channel + " " + message);
        }

        @Override
        public void message(String pattern, String channel, String message) {
          received.add("pmessage " + pattern + " " + channel + " " + message);
        }
      });
      sub.sync().subscribe(prefix + "a");
      sub.sync().psubscribe(prefix + "*");
      assertThat(pub.sync().publish(prefix + "a", "one")).isEqualTo(2);
      assertThat(pub.sync().publish(prefix + "z", "two")).isEqualTo(1);
      assertThat(pub.sync().pubsubChannels(prefix + "*")).containsExactly(prefix + "a");
      await().atMost(WAIT).until(() -> received.size() == 3);
      assertThat(List.copyOf(received)).containsExactlyInAnyOrder(
          "message " + prefix + "a one", "pmessage " + prefix + "* " + prefix + "a one",
          "pmessage " + prefix + "* " + prefix + "z two");
      sub.sync().unsubscribe(prefix + "a");
      sub.sync().punsubscribe(prefix + "*");
      assertThat(pub.sync().publish(prefix + "a", "three")).isZero();
      assertThat(sub.sync().ping()).isEqualTo("PONG");
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
    }
  }
}
