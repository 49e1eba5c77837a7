package dev.tide.server.clients;

import dev.tide.server.testing.TideTestServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Tide driven end to end by Lettuce (Netty-based, RESP3 by default via HELLO 3), sync and async. */
class LettuceEndToEndTest {

  private static TideTestServer server;
  private static RedisClient client;

  @BeforeAll
  static void start() {
    server = TideTestServer.start();
    RedisURI uri = RedisURI.create("127.0.0.1", server.port());
    uri.setTimeout(Duration.ofSeconds(20));
    client = RedisClient.create(uri);
  }

  @AfterAll
  static void stop() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    server.close();
  }

  private static StatefulRedisConnection<String, String> connect(ProtocolVersion version) {
    client.setOptions(ClientOptions.builder().protocolVersion(version).build());
    return client.connect();
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void commandsOfEveryTypeInBothProtocolVersions(ProtocolVersion version) {
    try (StatefulRedisConnection<String, String> conn = connect(version)) {
      RedisCommands<String, String> r = conn.sync();
      String p = version.name() + ":";
      r.del(p + "s", p + "h", p + "l", p + "set", p + "z");
      assertThat(r.set(p + "s", "v")).isEqualTo("OK");
      assertThat(r.get(p + "s")).isEqualTo("v");
      r.hset(p + "h", Map.of("f1", "a", "f2", "b"));
      assertThat(r.hgetall(p + "h")).containsExactlyInAnyOrderEntriesOf(Map.of("f1", "a", "f2", "b"));
      r.rpush(p + "l", "1", "2", "3");
      assertThat(r.lrange(p + "l", 0, -1)).containsExactly("1", "2", "3");
      r.sadd(p + "set", "x", "y");
      assertThat(r.smembers(p + "set")).containsExactlyInAnyOrder("x", "y");
      r.zadd(p + "z", 1.5, "a");
      r.zadd(p + "z", 2.5, "b");
      assertThat(r.zscore(p + "z", "a")).isEqualTo(1.5);
      List<ScoredValue<String>> withScores = r.zrangeWithScores(p + "z", 0, -1);
      assertThat(withScores).extracting(ScoredValue::getValue).containsExactly("a", "b");
      assertThat(r.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void asyncPipelineOfThousands() {
    try (StatefulRedisConnection<String, String> conn = connect(ProtocolVersion.RESP3)) {
      RedisAsyncCommands<String, String> a = conn.async();
      conn.setAutoFlushCommands(false);
      List<RedisFuture<?>> futures = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        futures.add(a.incr("lettuce:counter"));
      }
      conn.flushCommands();
      assertThat(LettuceFutures.awaitAll(Duration.ofSeconds(30), futures.toArray(new RedisFuture[0]))).isTrue();
      conn.setAutoFlushCommands(true);
      assertThat(conn.sync().get("lettuce:counter")).isEqualTo("5000");
    }
  }

  @Test
  void publishSubscribeDeliversMessages() throws Exception {
    client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
    try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
         StatefulRedisConnection<String, String> pub = client.connect()) {
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      sub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          received.add(channel + "=" + message);
        }
      });
      sub.sync().subscribe("news");
      assertThat(pub.sync().publish("news", "hello")).isEqualTo(1);
      assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("news=hello");
    }
  }
}
