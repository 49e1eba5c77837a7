package dev.tide.server.protocol;

import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a password set, a client that has not authenticated may send at most 10 arguments and
 * 16 KB per argument (Redis 7.0.15); the same inputs get the same bytes from Tide and Redis.
 */
class UnauthenticatedLimitsTest {

  private static final int WAIT_MS = 10_000;
  private static RedisReference redis;
  private static TideTestServer tide;

  @BeforeAll
  static void start() {
    redis = RedisReference.start("--requirepass", "secret");
    tide = TideTestServer.start(c -> c.requirePass = "secret");
  }

  @AfterAll
  static void stop() {
    tide.close();
    redis.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "*11\r\n",
      "*1\r\n$16385\r\n",
      "*2147483648\r\n",
      "*1\r\n$-1\r\n",
      "*10\r\n$4\r\nPING\r\n",
      "*1\r\n$16384\r\n",
      "PING a a a a a a a a a a a a a a a a a a a a a\r\n",
      "*1\r\n$4\r\nPING\r\n*12\r\n",
      // AUTH lifts the limits for the very next request of the same packet; a failed AUTH does not
      "*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*11\r\n$4\r\nECHO\r\n",
      "*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*2\r\n$4\r\nECHO\r\n$16385\r\n",
      "*2\r\n$4\r\nAUTH\r\n$5\r\nwrong\r\n*11\r\n"})
  void sameRepliesAsRedis(String input) {
    try (RawConnection t = new RawConnection(tide.port()); RawConnection r = new RawConnection(redis.port())) {
      // Half-closing ends the inputs that make the servers wait; errors close at once anyway.
      String tideReply = t.send(input).shutdownOutput().readUntilClosed(WAIT_MS).text();
      String redisReply = r.send(input).shutdownOutput().readUntilClosed(WAIT_MS).text();
      assertThat(tideReply).isEqualTo(redisReply);
    }
  }
}
