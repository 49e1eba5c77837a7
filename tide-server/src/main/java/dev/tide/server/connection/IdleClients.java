package dev.tide.server.connection;

import java.util.function.IntSupplier;

/**
 * Redis's {@code timeout}: closes connections that have sent nothing for longer than the setting
 * (0 = never). As in Redis, a connection blocked in a command (which has its own timeout) or
 * subscribed to channels (which legitimately only listens) is never closed for idling.
 *
 * <p>Runs from the housekeeping tick but checks at most once per {@value #CHECK_INTERVAL_MS} ms,
 * like Redis's clients cron, which visits every client about once a second. One check visits
 * every connection, so its work is bounded by {@code maxclients}.
 */
public final class IdleClients {

  /** How often connections are checked; a second is the resolution of the setting. */
  static final long CHECK_INTERVAL_MS = 1000;

  private final ClientRegistry clients;
  private final IntSupplier timeoutSeconds;
  private long lastCheckMs = Long.MIN_VALUE;

  public IdleClients(ClientRegistry clients, IntSupplier timeoutSeconds) {
    this.clients = clients;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Closes connections idle longer than the timeout; returns how many it closed. */
  public synchronized int closeIdle(long nowMs) {
    int timeout = timeoutSeconds.getAsInt();
    if (timeout <= 0 || lastCheckMs != Long.MIN_VALUE && nowMs - lastCheckMs < CHECK_INTERVAL_MS) {
      return 0;
    }
    lastCheckMs = nowMs;
    long limitMs = timeout * 1000L;
    int closed = 0;
    for (ClientConnection c : clients.all()) {
      if (c.isBlocked() || c.subscriptionCount() > 0 || c.closing()) {
        continue;
      }
      if (nowMs - c.lastInteractionMs() > limitMs) {
        c.kill();
        closed++;
      }
    }
    return closed;
  }
}
