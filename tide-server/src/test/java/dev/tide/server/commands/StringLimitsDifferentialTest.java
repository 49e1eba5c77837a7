package dev.tide.server.commands;

import dev.tide.server.testing.Differential;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * APPEND and SETRANGE stop at {@code proto-max-bulk-len}, compared with redis-server at Redis's
 * smallest allowed setting (1 MB) so the limit can be reached without allocating 512 MB.
 */
class StringLimitsDifferentialTest {

  private static final int LIMIT_BYTES = 1024 * 1024;

  private static RedisReference redis;
  private static TideTestServer tide;

  @BeforeAll
  static void start() {
    redis = RedisReference.start("--proto-max-bulk-len", Integer.toString(LIMIT_BYTES));
    tide = TideTestServer.start(c -> c.protoMaxBulkLen = LIMIT_BYTES);
  }

  @AfterAll
  static void stop() {
    if (tide != null) {
      tide.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void appendAndSetrangeStopAtProtoMaxBulkLen() {
    try (Differential diff = new Differential(tide.port(), redis.port())) {
      diff.check("SET", "k", "x".repeat(LIMIT_BYTES - 10));
      diff.check("APPEND", "k", "0123456789");
      diff.check("STRLEN", "k");
      diff.check("APPEND", "k", "!");
      diff.check("APPEND", "k", "");
      diff.check("STRLEN", "k");
      diff.check("SETRANGE", "k", Integer.toString(LIMIT_BYTES - 1), "y");
      diff.check("SETRANGE", "k", Integer.toString(LIMIT_BYTES), "y");
      diff.check("SETRANGE", "k", Integer.toString(LIMIT_BYTES - 1), "yy");
      diff.check("SETRANGE", "new", Integer.toString(LIMIT_BYTES), "y");
      diff.check("SETRANGE", "new", Integer.toString(LIMIT_BYTES), "");
      diff.check("EXISTS", "new");
      diff.check("SETRANGE", "new", Integer.toString(LIMIT_BYTES - 1), "y");
      diff.check("STRLEN", "new");
      diff.check("GETRANGE", "new", "-2", "-1");
      diff.check("APPEND", "new", "z");
      diff.check("STRLEN", "new");
      diff.assertNoMismatches();
    }
  }
}
