package dev.tide.server.testing;

import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** A Tide node started in-process on a free loopback port for a test; stopped on close. */
public final class TideTestServer implements AutoCloseable {

  private final TideServer server;

  private TideTestServer(TideServer server) {
    this.server = server;
  }

  public static TideTestServer start() {
    return start(c -> { });
  }

  public static TideTestServer start(Consumer<ServerConfig> configure) {
    return start(configure, System::currentTimeMillis);
  }

  /** Starts a node whose commands see {@code clockMs} as the time (tests of idle times, TTLs ...). */
  public static TideTestServer start(Consumer<ServerConfig> configure, LongSupplier clockMs) {
    ServerConfig config = new ServerConfig();
    config.port = 0;
    // Two event loops whatever the machine's default, so cross-loop paths (pub/sub delivery,
    // serving blocked clients from another thread) are always exercised.
    config.ioThreads = 2;
    configure.accept(config);
    TideServer server = new TideServer(config, clockMs);
    try {
      server.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new TideTestServer(server);
  }

  public int port() {
    return server.port();
  }

  public TideServer server() {
    return server;
  }

  public RespClient client() {
    return new RespClient(port());
  }

  @Override
  public void close() {
    server.close();
  }
}
