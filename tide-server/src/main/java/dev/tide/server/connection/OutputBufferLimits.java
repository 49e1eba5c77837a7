package dev.tide.server.connection;

import dev.tide.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Redis's {@code client-output-buffer-limit}: a client whose unsent replies reach the hard limit,
 * or stay at or above the soft limit for longer than the soft seconds, is closed (its unsent
 * replies dropped) and logged, so one slow or stalled reader cannot make the server buffer without
 * bound. Other clients carry on.
 *
 * <p><b>Classes.</b> A connection with subscriptions is in class {@code pubsub}, any other in
 * {@code normal} (Redis's {@code getClientType}). Limits are read from {@link ServerConfig} at
 * every check, so a changed setting applies at once. A limit of 0 is off; the Redis defaults are
 * {@code normal 0 0 0} (unlimited) and {@code pubsub 32mb 8mb 60}.
 *
 * <p><b>What counts.</b> {@link ClientConnection#pendingOutputBytes()}: replies gathered but not
 * yet flushed plus Netty's outbound buffer (what the kernel has not accepted), as Redis counts its
 * reply buffers and not the socket's. (Redis leaves out its fixed 16 KB first reply buffer, but a
 * large reply goes to its reply list whole, so a single reply of the limit's size closes the client
 * in both.)
 *
 * <p><b>When it is checked.</b> After every command of the connection, when Netty reports a
 * writability change, whenever other code adds output (pub/sub delivery calls
 * {@link #enforce(ClientConnection, String)}), and on a periodic sweep of the clients over a soft
 * limit, so a client that stays over it is closed once the seconds pass even if nothing more is
 * written to it. Checks run on the connection's event loop (a call from another thread is handed
 * to it).
 */
public final class OutputBufferLimits {

  private static final Logger log = LoggerFactory.getLogger(OutputBufferLimits.class);

  /** The client classes Redis's setting names. */
  public enum ClientClass {
    NORMAL, PUBSUB;

    /** {@code "normal"} or {@code "pubsub"}, as in the setting. */
    public static ClientClass byName(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "normal" -> NORMAL;
        case "pubsub" -> PUBSUB;
        default -> throw new IllegalArgumentException("client class must be normal or pubsub, got '" + name + "'");
      };
    }

    public String settingName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One class's limits; 0 turns a limit off. */
  public record Limit(long hardBytes, long softBytes, long softSeconds) {
    public boolean off() {
      return hardBytes == 0 && softBytes == 0;
    }
  }

  /** What a check found. */
  public enum Verdict {
    /** Under both limits. */
    OK,
    /** At or over the soft limit, for less than its seconds so far. */
    SOFT_PENDING,
    /** At or over the hard limit. */
    OVER_HARD,
    /** At or over the soft limit for longer than its seconds. */
    OVER_SOFT
  }

  private final ServerConfig config;
  private final LongSupplier clock;
  /** When each client over a soft limit first reached it; only such clients are in here. */
  private final Map<ClientConnection, Long> overSoftSinceMs = new ConcurrentHashMap<>();
  private final LongAdder disconnections = new LongAdder();

  public OutputBufferLimits(ServerConfig config, LongSupplier clock) {
    this.config = config;
    this.clock = clock;
  }

  public Limit limitFor(ClientClass clientClass) {
    return switch (clientClass) {
      case NORMAL -> new Limit(config.outputLimitNormalHard, config.outputLimitNormalSoft,
          config.outputLimitNormalSoftSeconds);
      case PUBSUB -> new Limit(config.outputLimitPubSubHard, config.outputLimitPubSubSoft,
          config.outputLimitPubSubSoftSeconds);
    };
  }

  /** Redis's client type: pub/sub when the connection has any subscription. */
  public static ClientClass classOf(ClientConnection conn) {
    return conn.subscriptionCount() > 0 ? ClientClass.PUBSUB : ClientClass.NORMAL;
  }

  /**
   * The decision alone: {@code usedBytes} against {@code limit}, given when the client first went
   * over the soft limit ({@code softSinceMs}, or -1 if it was not over it).
   */
  public static Verdict check(Limit limit, long usedBytes, long softSinceMs, long nowMs) {
    if (limit.hardBytes() > 0 && usedBytes >= limit.hardBytes()) {
      return Verdict.OVER_HARD;
    }
    if (limit.softBytes() > 0 && usedBytes >= limit.softBytes()) {
      if (softSinceMs >= 0 && nowMs - softSinceMs > limit.softSeconds() * 1000) {
        return Verdict.OVER_SOFT;
      }
      return Verdict.SOFT_PENDING;
    }
    return Verdict.OK;
  }

  /** Checks a connection against the limits of its class; see {@link #enforce(ClientConnection, ClientClass, long)}. */
  public boolean enforce(ClientConnection conn) {
    ClientClass clientClass = classOf(conn);
    if (overSoftSinceMs.isEmpty() && isOff(clientClass)) {
      return false; // the common case (normal clients are unlimited by default): no work per command
    }
    return enforce(conn, clientClass, clock.getAsLong());
  }

  private boolean isOff(ClientClass clientClass) {
    return clientClass == ClientClass.NORMAL
        ? config.outputLimitNormalHard == 0 && config.outputLimitNormalSoft == 0
        : config.outputLimitPubSubHard == 0 && config.outputLimitPubSubSoft == 0;
  }

  /** Checks a connection against the limits of the class named {@code "normal"} or {@code "pubsub"}. */
  public boolean enforce(ClientConnection conn, String clientClass) {
    return enforce(conn, ClientClass.byName(clientClass), clock.getAsLong());
  }

  /**
   * Checks a connection's pending output against {@code clientClass}'s limits and closes it when
   * over them. May be called from any thread: off the connection's event loop the check is handed
   * to it (and this returns false).
   *
   * @return true if the connection was closed (now or before)
   */
  public boolean enforce(ClientConnection conn, ClientClass clientClass, long nowMs) {
    if (!conn.channel().eventLoop().inEventLoop()) {
      conn.channel().eventLoop().execute(() -> enforce(conn, clientClass, clock.getAsLong()));
      return false;
    }
    if (conn.closing()) {
      overSoftSinceMs.remove(conn);
      return true;
    }
    Limit limit = limitFor(clientClass);
    if (limit.off()) {
      overSoftSinceMs.remove(conn);
      return false;
    }
    long used = conn.pendingOutputBytes();
    Long since = overSoftSinceMs.get(conn);
    Verdict verdict = check(limit, used, since == null ? -1 : since, nowMs);
    switch (verdict) {
      case OK -> {
        if (since != null) {
          overSoftSinceMs.remove(conn);
        }
        return false;
      }
      case SOFT_PENDING -> {
        if (since == null) {
          overSoftSinceMs.put(conn, nowMs);
        }
        return false;
      }
      default -> {
        overSoftSinceMs.remove(conn);
        disconnections.increment();
        log.warn("Client id={} addr={} closed for overcoming of output buffer limits: {} bytes pending, "
                + "class {} limits hard {} soft {} for {}s ({})", conn.clientId(), conn.channel().remoteAddress(), used,
            clientClass.settingName(), limit.hardBytes(), limit.softBytes(), limit.softSeconds(),
            verdict == Verdict.OVER_HARD ? "hard limit" : "soft limit for too long");
        conn.kill();
        return true;
      }
    }
  }

  /**
   * Re-checks the clients over a soft limit, each on its own event loop, so that staying over it
   * closes them once the seconds pass. Called by the server's housekeeping; does work only for
   * clients over a soft limit.
   */
  public void sweep() {
    for (ClientConnection conn : overSoftSinceMs.keySet()) {
      if (conn.closing() || !conn.channel().isActive()) {
        overSoftSinceMs.remove(conn);
        continue;
      }
      conn.channel().eventLoop().execute(() -> enforce(conn));
    }
  }

  /** Forgets a connection that went away. */
  public void connectionClosed(ClientConnection conn) {
    overSoftSinceMs.remove(conn);
  }

  /** Clients closed for exceeding an output buffer limit since start. */
  public long disconnections() {
    return disconnections.sum();
  }

  /** Clients currently over a soft limit (for tests and INFO). */
  public int clientsOverSoftLimit() {
    return overSoftSinceMs.size();
  }
}
