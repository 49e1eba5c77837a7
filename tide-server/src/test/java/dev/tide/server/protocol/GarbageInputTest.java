package dev.tide.server.protocol;

import dev.tide.server.testing.DifferentialTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Random garbage and randomly damaged requests over real sockets. Text garbage is compared with
 * redis-server byte for byte; arbitrary bytes (which Redis echoes raw in unknown-command errors)
 * are checked for well-formed replies, at most one protocol error as the last reply, and a clean
 * close. A well-behaved client is served correctly throughout, and no connection is left behind.
 */
class GarbageInputTest extends DifferentialTestBase {

  /** Cases per test: bounded so each test takes a few seconds. */
  private static final int CASES = 150;
  private static final int CLOSE_WAIT_MS = 10_000;
  /**
   * Garbage alphabet: protocol punctuation, digits, quotes, escapes and letters that spell no
   * command, so garbage cannot run a real command (FLUSHALL, SHUTDOWN ...) on either server.
   */
  private static final byte[] TEXT_ALPHABET = "*$-+:0123456789\r\n\r\n \t\"'\\abxyz".getBytes(StandardCharsets.US_ASCII);

  @AfterEach
  void noConnectionLeftBehind() {
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(tideServer.server().clients().openConnections()).isEqualTo(1));
  }

  @Test
  void textGarbageAndDamagedRequestsGetExactlyRedisReplies() {
    Random random = new Random(77);
    int protocolErrors = 0;
    int otherReplies = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] input = i % 2 == 0 ? textGarbage(random) : damagedRequests(random);
      RawConnection.Outcome redis;
      RawConnection.Outcome tide;
      try (RawConnection r = new RawConnection(redisServer.port()); RawConnection t = new RawConnection(tideServer.port())) {
        redis = r.sendQuietly(input).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
        tide = t.sendQuietly(input).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
      }
      assertThat(tide.text()).as("case %d: %s", i, printable(input)).isEqualTo(redis.text());
      protocolErrors += tide.text().contains("-ERR Protocol error") ? 1 : 0;
      otherReplies += RespReplies.split(tide.reply()).stream().anyMatch(r -> !r.startsWith("-ERR Protocol")) ? 1 : 0;
      if (i % 10 == 0) {
        wellBehavedClientWorks(i);
      }
    }
    // Both kinds of outcome must be common, or the comparison proves little.
    assertThat(protocolErrors).isGreaterThan(CASES / 10);
    assertThat(otherReplies).isGreaterThan(CASES / 10);
    wellBehavedClientWorks(CASES);
  }

  @Test
  void arbitraryBytesGetWellFormedRepliesAndAtMostOneProtocolErrorLast() {
    Random random = new Random(78);
    int protocolErrors = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] input = new byte[random.nextInt(2048)];
      random.nextBytes(input);
      if (random.nextBoolean() && input.length > 0) {
        input[0] = '*'; // half of the cases start as multibulk requests
      }
      RawConnection.Outcome tide;
      try (RawConnection t = new RawConnection(tideServer.port())) {
        tide = t.sendQuietly(input).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS);
      }
      List<String> replies = RespReplies.split(tide.reply());
      for (int r = 0; r < replies.size(); r++) {
        if (replies.get(r).startsWith("-ERR Protocol error")) {
          protocolErrors++;
          assertThat(r).as("case %d: the protocol error is the last reply: %s", i, replies).isEqualTo(replies.size() - 1);
        }
      }
      if (i % 10 == 0) {
        wellBehavedClientWorks(i);
      }
    }
    assertThat(protocolErrors).as("random bytes should mostly be protocol errors").isGreaterThan(CASES / 4);
    wellBehavedClientWorks(CASES);
  }

  @Test
  void garbageFromManyClientsAtOnceLeavesOthersUnaffected() throws Exception {
    Random random = new Random(79);
    List<RawConnection> bad = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        RawConnection c = new RawConnection(tideServer.port());
        bad.add(c);
        byte[] garbage = new byte[1 + random.nextInt(4096)];
        random.nextBytes(garbage);
        c.sendQuietly(garbage);
        if (i % 5 == 0) {
          wellBehavedClientWorks(i);
        }
      }
      wellBehavedClientWorks(50);
    } finally {
      bad.forEach(RawConnection::close);
    }
  }

  private void wellBehavedClientWorks(int i) {
    diff.check("SET", "wellbehaved", Integer.toString(i));
    assertThat(diff.check("GET", "wellbehaved")).isEqualTo(Integer.toString(i));
    assertThat(diff.check("PING")).isNotNull();
  }

  private static byte[] textGarbage(Random random) {
    byte[] b = new byte[random.nextInt(300)];
    for (int i = 0; i < b.length; i++) {
      b[i] = TEXT_ALPHABET[random.nextInt(TEXT_ALPHABET.length)];
    }
    return b;
  }

  /** Valid requests of commands with fixed replies (PING, ECHO, GET of a missing key), then damaged. */
  private static byte[] damagedRequests(Random random) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + random.nextInt(6);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(4)) {
        case 0 -> sb.append("*1\r\n$4\r\nPING\r\n");
        case 1 -> sb.append("*2\r\n$4\r\nECHO\r\n$5\r\nab\"cd\r\n");
        case 2 -> sb.append("*2\r\n$3\r\nGET\r\n$8\r\nnosuchkx\r\n");
        default -> sb.append("ECHO \"a\\x41\" 'b c'\r\n");
      }
    }
    byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      b[random.nextInt(b.length)] = TEXT_ALPHABET[random.nextInt(TEXT_ALPHABET.length)];
    }
    return random.nextInt(4) == 0 ? java.util.Arrays.copyOf(b, random.nextInt(b.length)) : b;
  }

  private static String printable(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
  }
}
