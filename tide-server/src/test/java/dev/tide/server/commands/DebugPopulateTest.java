package dev.tide.server.commands;

import dev.tide.server.testing.Differential;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** DEBUG POPULATE against redis-server (started with enable-debug-command), and Tide's own heap guard. */
class DebugPopulateTest {

  @Test
  void populateMatchesRedis() {
    Assumptions.assumeTrue(RedisReference.available(), "redis-server is not installed (./tide test installs it)");
    try (RedisReference redis = RedisReference.start("--enable-debug-command", "yes");
         TideTestServer tide = TideTestServer.start();
         Differential diff = new Differential(tide.port(), redis.port())) {
      diff.check("SET", "key:1", "mine");
      diff.check("DEBUG", "POPULATE", "3");
      diff.check("GET", "key:0");
      diff.check("GET", "key:1"); // existing keys are left alone
      diff.check("GET", "key:2");
      diff.check("GET", "key:3");
      diff.check("DEBUG", "POPULATE", "2", "q", "20"); // zero-padded to 20 bytes
      diff.check("GET", "q:0");
      diff.check("GET", "q:1");
      diff.check("DEBUG", "POPULATE", "1", "y", "3"); // cut to 3 bytes
      diff.check("GET", "y:0");
      diff.check("DEBUG", "POPULATE", "2", "z", "0"); // size 0: no padding
      diff.check("GET", "z:1");
      diff.check("debug", "populate", "0");
      diff.check("DEBUG", "POPULATE", "-1");
      diff.check("DEBUG", "POPULATE", "abc");
      diff.check("DEBUG", "POPULATE", "1.5");
      diff.check("DEBUG", "POPULATE", "1", "z", "-5");
      diff.check("DEBUG", "POPULATE", "1", "z", "-0");
      diff.check("DEBUG", "POPULATE");
      diff.check("DEBUG", "POPULATE", "1", "q", "5", "extra");
      diff.check("DEBUG", "NOSUCH");
      diff.check("DEBUG");
      diff.assertNoMismatches();
    }
  }

  @Test
  void populateBeyondTheFreeHeapIsRefusedAndTheServerKeepsServing() {
    try (TideTestServer tide = TideTestServer.start(); RespClient c = tide.client()) {
      Object reply = c.call("DEBUG", "POPULATE", "100000000000", "key", "1000");
      assertThat(reply).isInstanceOf(RespClient.Err.class);
      assertThat(((RespClient.Err) reply).text()).startsWith("ERR DEBUG POPULATE would need about ");
      assertThat(c.call("DEBUG", "POPULATE", "1", "k", "3000000000")).isInstanceOf(RespClient.Err.class);
      assertThat(c.call("DEBUG", "POPULATE", "10", "ok")).isEqualTo(new RespClient.Simple("OK"));
      assertThat(c.call("GET", "ok:9")).isEqualTo("value:9");
      assertThat(tide.server().db().keyCount()).isEqualTo(10);
    }
  }
}
