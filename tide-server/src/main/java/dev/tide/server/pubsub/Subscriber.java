package dev.tide.server.pubsub;

import dev.tide.server.connection.ClientConnection;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's pub/sub state, kept in {@link ClientConnection#pubSubState()}.
 *
 * <p>The subscription sets are the truth about what the connection listens to and are touched
 * only on its event loop: (un)subscribing runs there, and so does the last step of delivering a
 * message, which checks the set again. That check is what guarantees that no message reaches a
 * client after the reply confirming its unsubscribe, even when the publisher on another event
 * loop read the registry just before the unsubscribe.
 */
public final class Subscriber {

  final ClientConnection conn;
  /** Event loop only. Insertion order, so "unsubscribe all" answers in subscription order. */
  final Set<ChannelName> channels = new LinkedHashSet<>();
  final Set<ChannelName> patterns = new LinkedHashSet<>();
  final Set<ChannelName> shardChannels = new LinkedHashSet<>();
  /** Bytes of messages handed to the event loop but not yet written to the channel. Any thread. */
  final AtomicLong queuedBytes = new AtomicLong();
  final OutputLimits.State limitState = new OutputLimits.State();
  /** Set once the output limit closed the connection: later messages are not even queued. */
  volatile boolean dropped;
  /** A flush of appended messages is queued on the event loop. Event loop only. */
  private boolean flushScheduled;

  Subscriber(ClientConnection conn) {
    this.conn = conn;
  }

  Set<ChannelName> set(PubSubRegistry.Kind kind) {
    return switch (kind) {
      case CHANNEL -> channels;
      case PATTERN -> patterns;
      case SHARD -> shardChannels;
    };
  }

  /** Channels plus patterns: the count SUBSCRIBE/PSUBSCRIBE and their opposites report. */
  int classicCount() {
    return channels.size() + patterns.size();
  }

  /** Shard channels: the count SSUBSCRIBE/SUNSUBSCRIBE report. */
  int shardCount() {
    return shardChannels.size();
  }

  int total() {
    return channels.size() + patterns.size() + shardChannels.size();
  }

  /** Queues one flush of the connection's reply buffer unless one is queued already. Event loop only. */
  void scheduleFlush() {
    if (flushScheduled) {
      return;
    }
    flushScheduled = true;
    try {
      conn.channel().eventLoop().execute(() -> {
        flushScheduled = false;
        if (!conn.closing()) {
          conn.flush();
        }
      });
    } catch (RejectedExecutionException e) { // shutting down: the connection is being closed
      flushScheduled = false;
    }
  }

  /** Channels subscribed to (CLIENT LIST's {@code sub}). Exact on the event loop, an estimate elsewhere. */
  public int channelCount() {
    return channels.size();
  }

  /** Patterns subscribed to (CLIENT LIST's {@code psub}). */
  public int patternCount() {
    return patterns.size();
  }

  /** Shard channels subscribed to (CLIENT LIST's {@code ssub}). */
  public int shardChannelCount() {
    return shardChannels.size();
  }

  public ClientConnection connection() {
    return conn;
  }

  /** Bytes waiting to be sent to this subscriber, queued messages included. Any thread. */
  public long pendingBytes() {
    return conn.pendingOutputBytes() + queuedBytes.get();
  }
}
