package dev.tide.server;

import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

  @Test
  void pingSetGetAndUnknownCommandOverRealSocket() {
    try (TideTestServer server = TideTestServer.start(); RespClient c = server.client()) {
      assertThat(c.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
      assertThat(c.call("SET", "k", "v")).isEqualTo(new RespClient.Simple("OK"));
      assertThat(c.call("GET", "k")).isEqualTo("v");
      assertThat(c.call("GET", "missing")).isNull();
      assertThat(c.call("NOSUCH", "a")).isEqualTo(
          new RespClient.Err("ERR unknown command 'NOSUCH', with args beginning with: 'a' "));
      assertThat(c.call("GET")).isEqualTo(new RespClient.Err("ERR wrong number of arguments for 'get' command"));
    }
  }
}
