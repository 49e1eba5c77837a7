package dev.tide.server.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base for differential tests: one redis-server and one Tide node per test class, both flushed
 * before each test; {@link #diff} compares replies and fails the test on any mismatch after it.
 */
public abstract class DifferentialTestBase {

  protected static RedisReference redisServer;
  protected static TideTestServer tideServer;
  protected Differential diff;

  @BeforeAll
  static void startServers() {
    redisServer = RedisReference.start();
    tideServer = TideTestServer.start();
  }

  @AfterAll
  static void stopServers() {
    if (tideServer != null) {
      tideServer.close();
    }
    if (redisServer != null) {
      redisServer.close();
    }
  }

  @BeforeEach
  void connect() {
    diff = new Differential(tideServer.port(), redisServer.port());
    diff.redis().call("FLUSHALL");
    diff.tide().call("FLUSHALL");
  }

  @AfterEach
  void verifyAndDisconnect() {
    try {
      diff.assertNoMismatches();
    } finally {
      diff.close();
    }
  }
}
