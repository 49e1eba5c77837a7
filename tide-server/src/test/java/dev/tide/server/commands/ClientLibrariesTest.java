package dev.tide.server.commands;

import dev.tide.server.testing.TideTestServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real clients connect the way they do against Redis: Jedis over RESP2 and RESP3, Lettuce (which
 * opens with HELLO 3, and falls back to AUTH only when HELLO fails) with and without a password.
 */
class ClientLibrariesTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private TideTestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HostAndPort address() {
    return new HostAndPort("127.0.0.1", server.port());
  }

  private static long connectionsNamed(TideTestServer server, String name) {
    return server.server().clients().all().stream().filter(c -> c.name().equals(name)).count();
  }

  // ---- Jedis -------------------------------------------------------------------------------------

  @Test
  void jedisResp2WithoutPassword() {
    server = TideTestServer.start();
    try (Jedis jedis = new Jedis(address(), DefaultJedisClientConfig.builder().clientName("jedis-2").build())) {
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.clientGetname()).isEqualTo("jedis-2");
      assertThat(jedis.set("k", "v")).isEqualTo("OK");
      assertThat(jedis.get("k")).isEqualTo("v");
      assertThat(jedis.info("server")).contains("redis_version:7.0.15");
      assertThat(jedis.configGet("maxmemory")).isEqualTo(Map.of("maxmemory", "0"));
      assertThat(jedis.clientList()).contains("name=jedis-2");
      assertThat(jedis.clientId()).isPositive();
    }
  }

  @Test
  void jedisResp3WithPassword() {
    server = TideTestServer.start(c -> c.requirePass = "jedis-pw");
    DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3)
        .password("jedis-pw").clientName("jedis-3").build();
    try (Jedis jedis = new Jedis(address(), config)) {
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.set("k", "v")).isEqualTo("OK");
      assertThat(jedis.get("k")).isEqualTo("v");
      assertThat(jedis.configGet("maxmemory")).isEqualTo(Map.of("maxmemory", "0"));
      assertThat(jedis.clientInfo()).contains("resp=3").contains("name=jedis-3");
    }
  }

  @Test
  void jedisWithPasswordOverResp2AndWithoutOne() {
    server = TideTestServer.start(c -> c.requirePass = "jedis-pw");
    try (Jedis jedis = new Jedis(address(), DefaultJedisClientConfig.builder().password("jedis-pw").build())) {
      assertThat(jedis.ping()).isEqualTo("PONG");
    }
    try (Jedis anonymous = new Jedis(address(), DefaultJedisClientConfig.builder().build())) {
      assertThatThrownBy(anonymous::ping).isInstanceOf(JedisDataException.class).hasMessageContaining("NOAUTH");
    }
    assertThatThrownBy(() -> {
      try (Jedis wrong = new Jedis(address(), DefaultJedisClientConfig.builder().password("nope").build())) {
        wrong.ping();
      }
    }).hasMessageContaining("WRONGPASS");
  }

  // ---- Lettuce -----------------------------------------------------------------------------------

  private RedisURI.Builder lettuceUri() {
    return RedisURI.builder().withHost("127.0.0.1").withPort(server.port()).withTimeout(TIMEOUT);
  }

  @Test
  void lettuceHello3WithoutPassword() {
    server = TideTestServer.start();
    RedisClient client = RedisClient.create(lettuceUri().withClientName("lettuce-open").build());
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      RedisCommands<String, String> sync = conn.sync();
      assertThat(sync.ping()).isEqualTo("PONG");
      assertThat(sync.set("k", "v")).isEqualTo("OK");
      assertThat(sync.get("k")).isEqualTo("v");
      assertThat(sync.clientGetname()).isEqualTo("lettuce-open");
      assertThat(sync.clientInfo()).contains("resp=3");
      assertThat(sync.info("server")).contains("redis_version:7.0.15");
      assertThat(sync.configGet("maxmemory")).isEqualTo(Map.of("maxmemory", "0"));
      assertThat(connectionsNamed(server, "lettuce-open")).isEqualTo(1);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void lettuceHello3WithPassword() {
    server = TideTestServer.start(c -> c.requirePass = "lettuce-pw");
    RedisClient client = RedisClient.create(lettuceUri().withPassword("lettuce-pw".toCharArray())
        .withClientName("lettuce-auth").build());
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      RedisCommands<String, String> sync = conn.sync();
      assertThat(sync.ping()).isEqualTo("PONG");
      assertThat(sync.set("k", "v")).isEqualTo("OK");
      assertThat(sync.get("k")).isEqualTo("v");
      assertThat(sync.clientInfo()).contains("resp=3").contains("name=lettuce-auth");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void lettuceResp2WithPasswordUsesAuth() {
    server = TideTestServer.start(c -> c.requirePass = "lettuce-pw");
    RedisClient client = RedisClient.create(lettuceUri().withPassword("lettuce-pw".toCharArray()).build());
    client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      assertThat(conn.sync().ping()).isEqualTo("PONG");
      assertThat(conn.sync().clientInfo()).contains("resp=2");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void lettuceWithWrongPasswordFailsToConnect() {
    server = TideTestServer.start(c -> c.requirePass = "lettuce-pw");
    RedisClient client = RedisClient.create(lettuceUri().withPassword("wrong".toCharArray()).build());
    try {
      assertThatThrownBy(client::connect).isInstanceOf(RedisConnectionException.class)
          .hasStackTraceContaining("WRONGPASS");
    } finally {
      client.shutdown();
    }
  }
}
