package dev.tide.server.eviction;

import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tide and redis-server, each with a tiny maxmemory and noeviction, are written to until they
 * refuse: the refusal must be the same error text (clients match on it), and reads must still
 * work on both. The number of writes before the refusal differs (the two count memory
 * differently, and Redis's baseline alone is most of a megabyte), so this compares the replies
 * that matter rather than running one script through {@code Differential}.
 */
class OomReplyDifferentialTest {

  static final String MAXMEMORY = "1mb";
  static final int VALUE_BYTES = 10_000;
  /** 1 MB of 10 KB values is about 100 writes; stop long after if no refusal comes. */
  static final int MAX_WRITES = 1000;

  @Test
  void bothRefuseWritesWithTheSameOomErrorAndStillServeReads() {
    Assumptions.assumeTrue(RedisReference.available(), "redis-server is not installed (./tide test installs it)");
    try (RedisReference redis = RedisReference.start("--maxmemory", MAXMEMORY, "--maxmemory-policy", "noeviction");
         RespClient r = new RespClient(redis.port());
         TideTestServer tide = TideTestServer.start(c -> {
           c.maxmemoryBytes = 1024 * 1024;
           c.maxmemoryPolicy = EvictionPolicy.NOEVICTION;
         });
         RespClient t = tide.client()) {
      Object redisRefusal = writeUntilRefused(r);
      Object tideRefusal = writeUntilRefused(t);
      assertThat(redisRefusal).isInstanceOf(RespClient.Err.class);
      assertThat(tideRefusal).isEqualTo(redisRefusal);
      assertThat(t.call("GET", "k0")).isEqualTo(r.call("GET", "k0")).isEqualTo("v".repeat(VALUE_BYTES));
      assertThat(t.call("GET", "nosuch")).isEqualTo(r.call("GET", "nosuch")).isNull();
    }
  }

  private static Object writeUntilRefused(RespClient c) {
    String value = "v".repeat(VALUE_BYTES);
    Object reply = null;
    for (int i = 0; i < MAX_WRITES && !(reply instanceof RespClient.Err); i++) {
      reply = c.call("SET", "k" + i, value);
    }
    return reply;
  }
}
