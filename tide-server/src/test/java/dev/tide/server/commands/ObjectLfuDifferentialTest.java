package dev.tide.server.commands;

import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.server.testing.Differential;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OBJECT FREQ and OBJECT IDLETIME under an LFU policy, against redis-server started with the
 * same policy. Only deterministic steps are compared: a new key's counter (5) and its first
 * increment (certain, since the increment probability is 1 at the initial value).
 */
class ObjectLfuDifferentialTest {

  private static RedisReference redis;
  private static TideTestServer tide;

  @BeforeAll
  static void start() {
    redis = RedisReference.start("--maxmemory-policy", "allkeys-lfu");
    tide = TideTestServer.start(c -> c.maxmemoryPolicy = EvictionPolicy.ALLKEYS_LFU);
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
  void frequencyStartsAtFiveAndCountsReadsButNotInspections() {
    try (Differential diff = new Differential(tide.port(), redis.port())) {
      diff.check("FLUSHALL");
      diff.check("SET", "s", "value");
      diff.check("OBJECT", "FREQ", "s");
      diff.check("EXISTS", "s");
      diff.check("TYPE", "s");
      diff.check("TTL", "s");
      diff.check("OBJECT", "ENCODING", "s");
      diff.check("OBJECT", "FREQ", "s");
      diff.check("GET", "s");
      diff.check("OBJECT", "FREQ", "s");
      diff.check("SET", "t", "value");
      diff.check("TOUCH", "t");
      diff.check("OBJECT", "FREQ", "t");
      diff.check("OBJECT", "FREQ", "missing");
      diff.check("OBJECT", "IDLETIME", "s");
      diff.check("OBJECT", "IDLETIME", "missing");
      diff.check("OBJECT", "REFCOUNT", "s");
      diff.check("SET", "n", "42");
      diff.check("OBJECT", "REFCOUNT", "n");
      diff.check("OBJECT", "FREQ", "s", "x");
      diff.assertNoMismatches();
    }
  }
}
