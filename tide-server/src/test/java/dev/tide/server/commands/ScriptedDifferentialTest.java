package dev.tide.server.commands;

import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.CollectionValue;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.Differential;
import dev.tide.server.testing.DifferentialTestBase;
import dev.tide.server.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Differential tests whose scenarios run three ways: through {@link Differential} (RESP2,
 * parsed), and over raw connections in RESP2 and in RESP3 comparing the exact reply bytes, which
 * also proves null shapes ({@code $-1} vs {@code *-1}) and RESP3 types (doubles, nested pairs).
 * A scenario writes commands to a {@link Check}; every difference is reported by the base class.
 */
abstract class ScriptedDifferentialTest extends DifferentialTestBase {

  /** How a scenario's commands are compared. */
  enum Mode { PARSED, RESP2_RAW, RESP3_RAW }

  private RawResp rawTide;
  private RawResp rawRedis;

  /**
   * Empties Tide's keyspace directly. The base class sends FLUSHALL, which this branch's Tide may
   * not implement yet; flushing the shards keeps tests independent either way.
   */
  @BeforeEach
  void flushTideDirectly() {
    Database db = tideServer.server().db();
    db.lockAll();
    try {
      for (int i = 0; i < db.shardCount(); i++) {
        db.shard(i).flush();
      }
    } finally {
      db.unlockAll();
    }
  }

  @AfterEach
  void closeRaw() {
    if (rawTide != null) {
      rawTide.close();
      rawTide = null;
    }
    if (rawRedis != null) {
      rawRedis.close();
      rawRedis = null;
    }
  }

  /** Runs commands on both servers and records differences. */
  interface Check {
    /** Exact comparison. */
    void run(String... cmd);

    /** Replies compared as a multiset (order not defined by Redis). */
    void unordered(String... cmd);

    /** Runs on both, compares nothing (setup whose reply is irrelevant). */
    void setup(String... cmd);

    /** OBJECT ENCODING of {@code key} on redis-server equals Tide's. */
    void encoding(String key);
  }

  Check check(Mode mode) {
    return switch (mode) {
      case PARSED -> parsedCheck();
      case RESP2_RAW -> rawCheck(2);
      case RESP3_RAW -> rawCheck(3);
    };
  }

  private Check parsedCheck() {
    return new Check() {
      @Override
      public void run(String... cmd) {
        diff.check(cmd);
      }

      @Override
      public void unordered(String... cmd) {
        diff.unordered(cmd);
      }

      @Override
      public void setup(String... cmd) {
        diff.check(Differential.Mode.IGNORE, cmd);
      }

      @Override
      public void encoding(String key) {
        checkEncoding(key);
      }
    };
  }

  private Check rawCheck(int protocol) {
    closeRaw();
    rawTide = new RawResp(tideServer.port());
    rawRedis = new RawResp(redisServer.port());
    if (protocol == 3) {
      rawRedis.call("HELLO", "3");
      switchTideToResp3();
    }
    return new Check() {
      @Override
      public void run(String... cmd) {
        compare(false, cmd);
      }

      @Override
      public void unordered(String... cmd) {
        compare(true, cmd);
      }

      @Override
      public void setup(String... cmd) {
        rawRedis.call(cmd);
        rawTide.call(cmd);
      }

      @Override
      public void encoding(String key) {
        checkEncoding(key);
      }

      private void compare(boolean unordered, String... cmd) {
        String expected = rawRedis.call(cmd);
        String actual = rawTide.call(cmd);
        if (unordered) {
          expected = sortedLines(expected);
          actual = sortedLines(actual);
        }
        if (!expected.equals(actual)) {
          diff.mismatches().add("[RESP" + protocol + " raw] " + String.join(" ", cmd)
              + "\n    redis: " + escape(expected) + "\n    tide:  " + escape(actual));
        }
      }
    };
  }

  /** HELLO 3 when Tide has it; otherwise the connection's protocol is set directly on its event loop. */
  private void switchTideToResp3() {
    String hello = rawTide.call("HELLO", "3");
    if (!hello.startsWith("-ERR unknown command")) {
      return;
    }
    // our raw connection is the newest one; a fresh ping makes sure the server has registered it
    rawTide.call("PING");
    ClientConnection mine = null;
    long newest = -1;
    for (ClientConnection c : tideServer.server().clients().all()) {
      if (c.clientId() > newest) {
        newest = c.clientId();
        mine = c;
      }
    }
    ClientConnection conn = mine;
    try {
      conn.channel().eventLoop().submit(() -> conn.setProtocol(3)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not switch the test connection to RESP3", e);
    }
  }

  private static String sortedLines(String reply) {
    String[] lines = reply.split("\r\n");
    Arrays.sort(lines);
    return String.join("|", lines);
  }

  static String escape(String s) {
    return s.replace("\r\n", "\\r\\n");
  }

  /** Redis's OBJECT ENCODING against the encoding Tide's value reports (read under its shard lock). */
  void checkEncoding(String key) {
    Object expected = diff.redis().call("OBJECT", "ENCODING", key);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    Keyspace ks = tideServer.server().db().shardFor(k);
    Object actual;
    ks.lock().lock();
    try {
      Object v = ks.peek(k, System.currentTimeMillis());
      actual = v instanceof CollectionValue c ? c.encoding() : v == null ? null : "string";
    } finally {
      ks.lock().unlock();
    }
    if (expected instanceof RespClient.Err) {
      expected = null; // "ERR no such key"
    }
    if (!java.util.Objects.equals(expected, actual)) {
      diff.mismatches().add("OBJECT ENCODING " + key + "\n    redis: " + expected + "\n    tide:  " + actual);
    }
    Object viaCommand = diff.tide().call("OBJECT", "ENCODING", key);
    if (!(viaCommand instanceof RespClient.Err e && e.text().startsWith("ERR unknown command"))) {
      diff.check("OBJECT", "ENCODING", key); // once OBJECT exists, its reply must agree too
    }
  }

  /** Waits until {@code n} Tide clients are blocked. */
  static void awaitTideBlocked(int n) {
    await().atMost(Duration.ofSeconds(30)).until(() -> blockedCount() == n);
  }

  static long blockedCount() {
    return tideServer.server().clients().all().stream().filter(ClientConnection::isBlocked).count();
  }
}
