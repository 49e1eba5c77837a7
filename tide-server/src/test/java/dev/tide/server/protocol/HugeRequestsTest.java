package dev.tide.server.protocol;

import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.DifferentialTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Huge declared lengths and large requests. Declaring is free: a server that set memory aside for
 * what a peer announces could be made to run out by a few bytes; Tide holds only what arrives.
 * Large requests that do arrive work as in Redis.
 */
class HugeRequestsTest extends DifferentialTestBase {

  private static final int CLOSE_WAIT_MS = 10_000;

  @AfterEach
  void connectionsAreReleased() {
    await().atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(tideServer.server().clients().openConnections()).isEqualTo(1));
  }

  @Test
  void manyClientsDeclaringHugeBulksCostOnlyWhatTheySend() throws Exception {
    int clients = 20;
    int sentPerClient = 256 * 1024;
    long heapBefore = usedHeapAfterGc();
    List<RawConnection> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        RawConnection c = new RawConnection(tideServer.port());
        stalled.add(c);
        c.send(i % 2 == 0 ? "*2\r\n$4\r\nECHO\r\n$536870912\r\n" : "*2147483647\r\n$4\r\nECHO\r\n$536870912\r\n");
        c.send(new byte[sentPerClient]);
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(totalQueryBuffers()).isGreaterThanOrEqualTo((long) clients * sentPerClient));
      long held = totalQueryBuffers();
      assertThat(held).as("query buffers of %d clients that each declared 512 MB and sent 256 KB", clients)
          .isLessThanOrEqualTo(clients * (2L * sentPerClient + 64 * 1024));
      long heapGrowth = usedHeapAfterGc() - heapBefore;
      assertThat(heapGrowth).as("heap growth while they stall").isLessThan(256L * 1024 * 1024);
      diff.check("SET", "k", "v");
      assertThat(diff.check("GET", "k")).isEqualTo("v");
    } finally {
      stalled.forEach(RawConnection::close);
    }
  }

  @Test
  void largeValuesArriveWholeOrInPiecesAndRoundTrip() {
    byte[] value = new byte[16 * 1024 * 1024];
    Arrays.fill(value, (byte) 'q');
    for (int i = 0; i < value.length; i += 4096) {
      value[i] = (byte) ('a' + (i / 4096) % 26);
    }
    String text = new String(value, StandardCharsets.US_ASCII);
    diff.check("SET", "big", text);
    assertThat(diff.check("GET", "big")).isEqualTo(text);
    // The same value dribbled in small pieces.
    try (RawConnection t = new RawConnection(tideServer.port()); RawConnection r = new RawConnection(redisServer.port())) {
      byte[] request = multibulk("SET", "big2", text);
      for (int from = 0; from < request.length; from += 100_000) {
        byte[] piece = Arrays.copyOfRange(request, from, Math.min(request.length, from + 100_000));
        t.send(piece);
        r.send(piece);
      }
      assertThat(t.shutdownOutput().readUntilClosed(CLOSE_WAIT_MS).text()).isEqualTo("+OK\r\n");
      assertThat(r.shutdownOutput().readUntilClosed(CLOSE_WAIT_MS).text()).isEqualTo("+OK\r\n");
    }
    assertThat(diff.check("GET", "big2")).isEqualTo(text);
  }

  @Test
  void aMillionArgumentsAreDecodedAsRedisDoes() {
    String[] args = new String[1_000_000];
    args[0] = "NOSUCHCOMMAND";
    for (int i = 1; i < args.length; i++) {
      args[i] = Integer.toString(i % 10);
    }
    byte[] request = multibulk(args);
    try (RawConnection t = new RawConnection(tideServer.port()); RawConnection r = new RawConnection(redisServer.port())) {
      String tide = t.send(request).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS).text();
      String redis = r.send(request).shutdownOutput().readUntilClosed(CLOSE_WAIT_MS).text();
      assertThat(tide).isEqualTo(redis).startsWith("-ERR unknown command 'NOSUCHCOMMAND'");
    }
  }

  @Test
  void invalidHugeLengthsAreRejectedBeforeAnyData() {
    String[] inputs = {"*1\r\n$99999999999\r\n", "*1\r\n$536870913\r\n", "*2147483648\r\n", "*1\r\n$2147483648\r\n"};
    for (String input : inputs) {
      try (RawConnection t = new RawConnection(tideServer.port()); RawConnection r = new RawConnection(redisServer.port())) {
        String tide = t.send(input).readUntilClosed(CLOSE_WAIT_MS).text();
        String redis = r.send(input).readUntilClosed(CLOSE_WAIT_MS).text();
        assertThat(tide).as(input).isEqualTo(redis).startsWith("-ERR Protocol error: invalid");
      }
    }
  }

  private static byte[] multibulk(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.US_ASCII);
      out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(b);
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    return out.toByteArray();
  }

  private static long totalQueryBuffers() throws Exception {
    long total = 0;
    for (ClientConnection c : tideServer.server().clients().all()) {
      total += c.channel().eventLoop().submit(c::queryBufferBytes).get(5, TimeUnit.SECONDS);
    }
    return total;
  }

  static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) { // the smallest of a few readings: collections are not exact
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
