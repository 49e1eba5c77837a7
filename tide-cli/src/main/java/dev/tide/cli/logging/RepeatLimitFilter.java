package dev.tide.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets each message of the loggers under {@link #setPrefix prefix} through at most
 * {@link #setAllowed allowed} times per {@link #setWindowMs window}, counted per logger and
 * message pattern (the text before its arguments are filled in), and drops the rest.
 *
 * <p>Why: while a peer is down, SOFAJRaft and its RPC layer (bolt) log a failed connection,
 * with a stack trace, for every Raft group and every retry — measured here, 1.5–2.4 MB per node
 * in 10 s with 16 groups, which would fill the disk of a {@code ./tide up} left running with a
 * node down. Elections, leader changes and snapshots are different patterns and still appear.
 * The first drop of a pattern in a window is announced once, so the log says that it is quiet on
 * purpose.
 */
public final class RepeatLimitFilter extends TurboFilter {

  /** Patterns tracked at once; beyond it the table starts over (a bound on memory, not expected in practice). */
  static final int MAX_PATTERNS = 4_096;

  private String prefix = "com.alipay";
  private int allowed = 5;
  private long windowMs = 60_000;
  private LongSupplier clock = System::currentTimeMillis;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    long startMs;
    int count;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public void setAllowed(int allowed) {
    this.allowed = allowed;
  }

  public void setWindowMs(long windowMs) {
    this.windowMs = windowMs;
  }

  void setClock(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null || logger == null || !logger.getName().startsWith(prefix) || !logger.isEnabledFor(level)) {
      return FilterReply.NEUTRAL;
    }
    if (windows.size() >= MAX_PATTERNS) {
      windows.clear();
    }
    Window w = windows.computeIfAbsent(logger.getName() + '\u0000' + format, k -> new Window());
    long now = clock.getAsLong();
    boolean announce;
    synchronized (w) {
      if (w.count == 0 || now - w.startMs >= windowMs) {
        w.startMs = now;
        w.count = 0;
      }
      w.count++;
      if (w.count <= allowed) {
        return FilterReply.NEUTRAL;
      }
      announce = w.count == allowed + 1;
    }
    if (announce) {
      // A different pattern, so this passes the filter (once per window and pattern).
      logger.warn("(repeated {} times within {} s; further \"{}\" messages are dropped until the window ends)",
          allowed, windowMs / 1000, format);
    }
    return FilterReply.DENY;
  }
}
