package dev.tide.server.connection;

import dev.tide.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Redis's {@code timeout}: closes clients idle for longer than that many seconds (0 = never).
 *
 * <p>A client is idle when it has neither sent bytes nor had replies delivered for that long (its
 * {@link ClientConnection#lastInteractionMs()}; the connection stamps it on every read and flush,
 * and this sweep counts draining output as activity, as Redis stamps its writes; a client whose
 * replies stop draining is closed within two timeouts). Like Redis,
 * blocked clients and clients with subscriptions are never closed for idleness.
 *
 * <p>The sweep runs from the server's housekeeping about once a second, reads the setting each
 * time (so a changed {@code timeout} applies at once), looks at every client's idle time (cheap
 * field reads) and hands the candidates to their event loops, which check again and close.
 */
public final class IdleClients {

  private static final Logger log = LoggerFactory.getLogger(IdleClients.class);

  private final ServerConfig config;
  private final ClientRegistry registry;
  private final LongSupplier clock;
  /** Pending output bytes last seen for idle-looking clients with unsent replies. */
  private final Map<ClientConnection, Long> pendingSeen = new ConcurrentHashMap<>();
  private final LongAdder closed = new LongAdder();

  public IdleClients(ServerConfig config, ClientRegistry registry, LongSupplier clock) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
  }

  /** Looks for idle clients and closes them on their event loops. */
  public void sweep() {
    long timeoutMs = config.idleTimeoutSeconds * 1000L;
    if (timeoutMs <= 0) {
      pendingSeen.clear();
      return;
    }
    long now = clock.getAsLong();
    registry.forEach(conn -> {
      if (now - conn.lastInteractionMs() > timeoutMs && !conn.isBlocked() && !conn.closing()) {
        conn.channel().eventLoop().execute(() -> closeIfIdle(conn, timeoutMs));
      }
    });
  }

  private void closeIfIdle(ClientConnection conn, long timeoutMs) {
    long now = clock.getAsLong();
    if (conn.closing() || conn.isBlocked() || conn.subscriptionCount() > 0
        || now - conn.lastInteractionMs() <= timeoutMs) {
      pendingSeen.remove(conn);
      return;
    }
    long pending = conn.pendingOutputBytes();
    Long seen = pending > 0 ? pendingSeen.put(conn, pending) : pendingSeen.remove(conn);
    if (pending > 0 && (seen == null || seen != pending)) {
      conn.touch(now); // its replies are being delivered: not idle
      return;
    }
    pendingSeen.remove(conn);
    closed.increment();
    log.debug("Closing idle client id={} addr={} (idle {} ms, timeout {} s)", conn.clientId(),
        conn.channel().remoteAddress(), now - conn.lastInteractionMs(), config.idleTimeoutSeconds);
    conn.kill();
  }

  /** Forgets a connection that went away. */
  public void connectionClosed(ClientConnection conn) {
    pendingSeen.remove(conn);
  }

  /** Clients closed for idleness since start. */
  public long closedClients() {
    return closed.sum();
  }
}
