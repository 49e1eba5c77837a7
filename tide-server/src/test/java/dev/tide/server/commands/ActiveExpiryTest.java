package dev.tide.server.commands;

import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Keys with a TTL disappear through active expiry (housekeeping), without anyone reading them. */
class ActiveExpiryTest {

  private static final int VOLATILE_KEYS = 300;
  private static final int PERSISTENT_KEYS = 50;

  @Test
  void expiredKeysAreRemovedWithoutBeingAccessed() {
    try (TideTestServer server = TideTestServer.start(); RespClient c = server.client()) {
      for (int i = 0; i < PERSISTENT_KEYS; i++) {
        c.call("SET", "keep:" + i, "v");
      }
      c.call("SET", "later", "v", "EX", "1000");
      for (int i = 0; i < VOLATILE_KEYS; i++) {
        c.call("SET", "vol:" + i, "v", "PX", Integer.toString(50 + i % 200));
      }
      // DBSIZE counts keys in the dicts, expired or not: only active expiry can bring it down
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> (Long) c.call("DBSIZE") == PERSISTENT_KEYS + 1);
      assertThat(expiredKeys(server.server().db())).isEqualTo(VOLATILE_KEYS);
      assertThat(c.call("EXISTS", "later")).isEqualTo(1L);
      assertThat(c.call("EXISTS", "keep:0")).isEqualTo(1L);
    }
  }

  private static long expiredKeys(Database db) {
    long total = 0;
    for (int s = 0; s < db.shardCount(); s++) {
      Keyspace ks = db.shard(s);
      ks.lock().lock();
      try {
        total += ks.expiredKeys();
      } finally {
        ks.lock().unlock();
      }
    }
    return total;
  }
}
