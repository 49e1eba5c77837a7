package dev.tide.server.pubsub;

import dev.tide.server.TideServer;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.RespClient;

import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * Puts a test connection to Tide into RESP3: with HELLO 3 when this build has HELLO, otherwise by
 * switching the server side of the newest connection on its event loop (what HELLO does).
 */
final class Resp3 {

  private Resp3() {
  }

  /** {@code client} must be the connection opened last, and have completed a round trip. */
  static void switchNewest(TideServer server, RespClient client) throws Exception {
    if (server.table().lookup("hello") != null) {
      Object reply = client.call("HELLO", "3");
      if (!(reply instanceof RespClient.Err)) {
        return;
      }
    }
    ClientConnection conn = server.clients().all().stream().max(Comparator.comparingLong(ClientConnection::clientId))
        .orElseThrow();
    conn.channel().eventLoop().submit(() -> conn.setProtocol(3)).get(10, TimeUnit.SECONDS);
  }
}
