package dev.tide.server.pubsub;

import dev.tide.server.config.ServerConfig;
import dev.tide.server.connection.OutputBufferLimits;

/**
 * The pub/sub class of {@code client-output-buffer-limit} ({@code pubsub <hard> <soft>
 * <seconds>}, Redis default {@code 32mb 8mb 60}): a subscriber whose pending output reaches the
 * hard limit, or stays at or over the soft limit for more than the soft seconds, is disconnected.
 * A limit of 0 is off.
 *
 * <p>Checked when a message is enqueued for a subscriber, as Redis checks when it appends to a
 * client's reply buffer; the soft-limit clock starts at the first check over the soft limit and
 * is reset by a check under it. Limits are read from {@link ServerConfig} on every check, so a
 * changed setting applies to the next message. The decision itself is {@link OutputBufferLimits#check},
 * shared with the limits of normal clients.
 */
public final class OutputLimits {

  private final ServerConfig config;

  public OutputLimits(ServerConfig config) {
    this.config = config;
  }

  /** Per-subscriber memory of when the soft limit was first exceeded. */
  public static final class State {
    /** -1 = under the soft limit at the last check. Written by any publisher thread; races only blur the timing. */
    private volatile long softSinceMs = -1;

    public long softSinceMs() {
      return softSinceMs;
    }
  }

  /** True when a subscriber with {@code pendingBytes} of unsent output must be disconnected. */
  public boolean exceeded(State state, long pendingBytes, long nowMs) {
    OutputBufferLimits.Limit limit = new OutputBufferLimits.Limit(config.outputLimitPubSubHard,
        config.outputLimitPubSubSoft, config.outputLimitPubSubSoftSeconds);
    return switch (OutputBufferLimits.check(limit, pendingBytes, state.softSinceMs, nowMs)) {
      case OK -> {
        state.softSinceMs = -1;
        yield false;
      }
      case SOFT_PENDING -> {
        if (state.softSinceMs < 0) {
          state.softSinceMs = nowMs;
        }
        yield false;
      }
      case OVER_HARD, OVER_SOFT -> true;
    };
  }
}
