package dev.tide.server.protocol;

import dev.tide.server.testing.DifferentialTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Malformed requests sent over real sockets to Tide and to redis-server: each must get exactly
 * Redis's bytes back (earlier replies, then the protocol error) and the connection must be closed
 * by the server, or, where Redis keeps waiting for more input, stay open without a reply. A second,
 * well-behaved client works before and after every case on both servers.
 */
class MalformedInputTest extends DifferentialTestBase {

  /** Generous: a server that closes does so in milliseconds; this only bounds a broken one. */
  private static final int CLOSE_WAIT_MS = 10_000;
  /** How long a waiting server must stay silent and open (a wrong reply or close shows at once). */
  private static final int QUIET_MS = 300;

  private long counter;

  static Stream<Arguments> closingInputs() {
    return Stream.of(
        input("invalid multibulk length", "*abc\r\n"),
        input("multibulk count over INT_MAX", "*2147483648\r\n"),
        input("multibulk count with a plus sign", "*+1\r\n$4\r\nPING\r\n"),
        input("multibulk count with a leading zero", "*01\r\n$4\r\nPING\r\n"),
        input("multibulk count -0", "*-0\r\n"),
        input("multibulk count with LF only", "*1\n$4\r\nPING\r\n"),
        input("expected '$', got 'x'", "*1\r\nx\r\n"),
        input("expected '$', got '*' (nesting attempt)", "*1\r\n".repeat(1000)),
        input("expected '$', got a CR", "*1\r\n\r\n"),
        input("expected '$', got a high byte", "*1\r\n\u00ff\r\n"),
        input("payload after a bulk where a header belongs", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n"),
        input("invalid bulk length", "*1\r\n$abc\r\n"),
        input("negative bulk length", "*1\r\n$-1\r\n"),
        input("bulk length over proto-max-bulk-len", "*1\r\n$536870913\r\n"),
        input("bulk length $99999999999", "*1\r\n$99999999999\r\n"),
        input("bulk length over LLONG_MAX", "*1\r\n$9223372036854775808\r\n"),
        input("unbalanced double quote", "PING \"abc\r\n"),
        input("closing quote not followed by a space", "SET \"a\"b c\r\n"),
        input("unbalanced single quote", "SET 'a'b c\r\n"),
        input("triple quotes (Redis test suite)", "set \"\"\"test-key\"\"\" test-value\r\nping\r\n"),
        input("replies before the error, none after", "PING\r\n*1\r\n$4\r\nECHO\r\n*1\r\n$x\r\nPING\r\n"),
        input("too big inline request", "A".repeat(70_000)),
        input("too big inline request after a NUL", "\0" + "A".repeat(70_000) + "\n"),
        input("too big mbulk count string", "*1" + "1".repeat(70_000)),
        input("too big mbulk count string after a NUL", "*\0" + "A".repeat(70_000)),
        input("too big bulk count string", "*1\r\n$1" + "1".repeat(70_000)),
        input("too big bulk count string without '$'", "*1\r\n" + "x".repeat(70_000)),
        input("too big bulk count string after a NUL", "*1\r\n$\0" + "A".repeat(70_000)));
  }

  static Stream<Arguments> waitingInputs() {
    return Stream.of(
        input("*2147483647 then nothing", "*2147483647\r\n"),
        input("$536870912 then nothing", "*1\r\n$536870912\r\n"),
        input("negative count is an empty request", "*-2\r\n"),
        input("*0 is ignored, PING answered", "*0\r\nPING\r\n"),
        input("half a request", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n"),
        input("NUL in a bulk header hides its end", "PING\r\n*1\r\n\0\r\n"),
        input("NUL in an inline request hides its end", "ECHO a\0b\r\n"),
        input("unchecked bytes after a bulk", "*1\r\n$4\r\nPINGxxPING\r\n"));
  }

  private static Arguments input(String name, String latin1) {
    return Arguments.of(name, latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  @BeforeEach
  void wellBehavedClientWorksBefore() {
    wellBehavedClientWorks();
  }

  @AfterEach
  void wellBehavedClientWorksAfterAndNoConnectionIsLeft() {
    wellBehavedClientWorks();
    // Only the two connections of the differential harness remain.
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(tideServer.server().clients().openConnections()).isEqualTo(1));
  }

  private void wellBehavedClientWorks() {
    counter++;
    diff.check("SET", "wellbehaved", Long.toString(counter));
    assertThat(diff.check("GET", "wellbehaved")).isEqualTo(Long.toString(counter));
    assertThat(diff.check("ECHO", "x".repeat(1000))).isEqualTo("x".repeat(1000));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("closingInputs")
  void getsRedisErrorThenTheServerCloses(String name, byte[] input) {
    RawConnection.Outcome redis;
    RawConnection.Outcome tide;
    try (RawConnection r = new RawConnection(redisServer.port()); RawConnection t = new RawConnection(tideServer.port())) {
      redis = r.sendQuietly(input).readUntilClosed(CLOSE_WAIT_MS);
      tide = t.sendQuietly(input).readUntilClosed(CLOSE_WAIT_MS);
    }
    assertThat(tide.text()).as("reply bytes").isEqualTo(redis.text());
    assertThat(tide.text()).contains("-ERR Protocol error: ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("waitingInputs")
  void waitsForMoreInputLikeRedisAndAnswersTheSameOnHalfClose(String name, byte[] input) {
    try (RawConnection r = new RawConnection(redisServer.port()); RawConnection t = new RawConnection(tideServer.port())) {
      RawConnection.Outcome redisEarly = r.send(input).read(QUIET_MS);
      RawConnection.Outcome tideEarly = t.send(input).read(QUIET_MS);
      assertThat(redisEarly.closedByServer()).as("redis closed %s", redisEarly).isFalse();
      assertThat(tideEarly.closedByServer()).as("tide closed %s", tideEarly).isFalse();
      // Half-close: both servers answer what they have and close; compare everything they sent.
      RawConnection.Outcome redisRest = r.shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
      RawConnection.Outcome tideRest = t.shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
      assertThat(tideEarly.text() + tideRest.text()).isEqualTo(redisEarly.text() + redisRest.text());
    }
  }
}
