package dev.tide.server.commands;

import dev.tide.server.testing.RespClient;

import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Checks that the server closed a test connection (and not merely that nothing arrived in time). */
final class ClosedConnections {

  private ClosedConnections() {
  }

  static void assertClosedByServer(RespClient client) {
    client.setTimeoutMs(20_000);
    Throwable t = catchThrowable(client::read);
    assertThat(t).as("the server should have closed the connection").isInstanceOf(UncheckedIOException.class);
    // EOF (closed) or RST (reset); a read timeout would say "Read timed out" and fail here.
    assertThat(t.getMessage()).containsAnyOf("connection closed by server", "Connection reset");
  }
}
