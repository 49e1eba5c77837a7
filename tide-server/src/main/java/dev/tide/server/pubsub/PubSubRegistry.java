package dev.tide.server.pubsub;

import dev.tide.engine.command.Glob;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.server.connection.ClientConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Every subscription of the node, and message delivery.
 *
 * <p><b>Data structures.</b> Channels (and, separately, shard channels) map to copy-on-write
 * arrays of subscribers in a {@link ConcurrentHashMap}: PUBLISH does one lock-free {@code get}
 * and walks an array nobody will change; (un)subscribing replaces the array inside {@code
 * compute}, which locks one hash bin, and removes the entry when the last subscriber leaves.
 * Patterns are few and change rarely, so they live in one immutable snapshot array (pattern →
 * subscriber array) that PUBLISH reads through a volatile field and matches with {@link Glob};
 * pattern changes rebuild it under {@link #patternLock}. No global lock is on the publish path.
 *
 * <p><b>Threads.</b> A connection's commands run on its event loop, so subscribing, unsubscribing
 * and the per-connection sets in {@link Subscriber} are single-threaded per connection. PUBLISH
 * runs on the publisher's event loop and delivers to subscribers on any loop. A message is
 * encoded once per protocol version; to a subscriber on the publishing thread it is appended to
 * the subscriber's output at once, to one on another loop it is handed over as a task on that
 * loop (tasks from one thread run in order, so each publisher's messages keep their order). The
 * task checks the subscription again before writing, so a message never follows the reply that
 * confirmed an unsubscribe. Messages go into the subscriber's reply buffer and one flush task per
 * burst sends them, so a stream of small messages does not cost a system call each.
 *
 * <p><b>Slow subscribers.</b> After each enqueue the subscriber's pending bytes (Netty's outbound
 * buffer plus messages still queued as tasks) are checked against {@link OutputLimits}; a
 * subscriber over the limit is disconnected, and the close listener unsubscribes it.
 */
public final class PubSubRegistry {

  private static final Logger log = LoggerFactory.getLogger(PubSubRegistry.class);

  /** Initial size of a message's encoding buffer; it grows for larger payloads. */
  private static final int MESSAGE_BUFFER_INITIAL_BYTES = 128;

  private static final Subscriber[] NO_SUBSCRIBERS = new Subscriber[0];

  /** The three kinds of subscription and the words their replies and messages use. */
  public enum Kind {
    CHANNEL("subscribe", "unsubscribe", "message"),
    PATTERN("psubscribe", "punsubscribe", "pmessage"),
    SHARD("ssubscribe", "sunsubscribe", "smessage");

    final byte[] subscribeWord;
    final byte[] unsubscribeWord;
    final byte[] messageWord;

    Kind(String subscribe, String unsubscribe, String message) {
      this.subscribeWord = subscribe.getBytes(StandardCharsets.US_ASCII);
      this.unsubscribeWord = unsubscribe.getBytes(StandardCharsets.US_ASCII);
      this.messageWord = message.getBytes(StandardCharsets.US_ASCII);
    }

    /** "subscribe", "psubscribe" or "ssubscribe"; callers must not change the array. */
    public byte[] subscribeWord() {
      return subscribeWord;
    }

    /** "unsubscribe", "punsubscribe" or "sunsubscribe"; callers must not change the array. */
    public byte[] unsubscribeWord() {
      return unsubscribeWord;
    }
  }

  /** A pattern and its subscribers; immutable, replaced on change. */
  private record PatternEntry(ChannelName pattern, Subscriber[] subscribers) {
  }

  private final ConcurrentHashMap<ChannelName, Subscriber[]> channels = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ChannelName, Subscriber[]> shardChannels = new ConcurrentHashMap<>();
  private final Object patternLock = new Object();
  /** Guarded by {@link #patternLock}; insertion order is the order pmessages are sent in. */
  private final Map<ChannelName, PatternEntry> patternIndex = new LinkedHashMap<>();
  private volatile PatternEntry[] patterns = new PatternEntry[0];
  private final OutputLimits limits;
  private final ByteBufAllocator alloc;

  public PubSubRegistry(OutputLimits limits, ByteBufAllocator alloc) {
    this.limits = limits;
    this.alloc = alloc;
  }

  // ---- per-connection state (event loop of the connection) ---------------------------------------

  /** The connection's subscriber state, created on first use. */
  public static Subscriber subscriber(ClientConnection conn) {
    if (conn.pubSubState() instanceof Subscriber s) {
      return s;
    }
    Subscriber s = new Subscriber(conn);
    conn.setPubSubState(s);
    return s;
  }

  /** Subscribes; false when already subscribed to {@code name}. Event loop of the subscriber. */
  public boolean subscribe(Subscriber s, Kind kind, byte[] name) {
    ChannelName key = ChannelName.of(name);
    if (!s.set(kind).add(key)) {
      return false;
    }
    switch (kind) {
      case CHANNEL -> channels.compute(key, (k, subs) -> append(subs, s));
      case SHARD -> shardChannels.compute(key, (k, subs) -> append(subs, s));
      case PATTERN -> {
        synchronized (patternLock) {
          PatternEntry e = patternIndex.get(key);
          patternIndex.put(key, new PatternEntry(key, append(e == null ? null : e.subscribers(), s)));
          patterns = patternIndex.values().toArray(new PatternEntry[0]);
        }
      }
      default -> throw new IllegalStateException();
    }
    s.conn.setSubscriptionCount(s.total());
    return true;
  }

  /** Unsubscribes; false when not subscribed to {@code name}. Event loop of the subscriber. */
  public boolean unsubscribe(Subscriber s, Kind kind, ChannelName key) {
    if (!s.set(kind).remove(key)) {
      return false;
    }
    removeFromRegistry(s, kind, key);
    s.conn.setSubscriptionCount(s.total());
    return true;
  }

  private void removeFromRegistry(Subscriber s, Kind kind, ChannelName key) {
    switch (kind) {
      case CHANNEL -> channels.computeIfPresent(key, (k, subs) -> without(subs, s));
      case SHARD -> shardChannels.computeIfPresent(key, (k, subs) -> without(subs, s));
      case PATTERN -> {
        synchronized (patternLock) {
          PatternEntry e = patternIndex.get(key);
          if (e != null) {
            Subscriber[] rest = without(e.subscribers(), s);
            if (rest == null) {
              patternIndex.remove(key);
            } else {
              patternIndex.put(key, new PatternEntry(key, rest));
            }
            patterns = patternIndex.values().toArray(new PatternEntry[0]);
          }
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  /** The subscriber's current subscriptions of one kind, in subscription order (a copy). */
  public List<ChannelName> subscriptions(Subscriber s, Kind kind) {
    return new ArrayList<>(s.set(kind));
  }

  /** The count a (un)subscribe reply of {@code kind} carries. */
  public static int replyCount(Subscriber s, Kind kind) {
    return kind == Kind.SHARD ? s.shardCount() : s.classicCount();
  }

  /** Drops every subscription of a connection without replying (close, RESET). Its event loop. */
  public void unsubscribeAll(ClientConnection conn) {
    if (!(conn.pubSubState() instanceof Subscriber s)) {
      return;
    }
    for (Kind kind : Kind.values()) {
      for (ChannelName key : s.set(kind)) {
        removeFromRegistry(s, kind, key);
      }
      s.set(kind).clear();
    }
    conn.setSubscriptionCount(0);
  }

  private static Subscriber[] append(Subscriber[] subs, Subscriber s) {
    if (subs == null) {
      return new Subscriber[] {s};
    }
    Subscriber[] copy = Arrays.copyOf(subs, subs.length + 1);
    copy[subs.length] = s;
    return copy;
  }

  /** The array without {@code s}; null (removing the map entry) when it becomes empty. */
  private static Subscriber[] without(Subscriber[] subs, Subscriber s) {
    int at = -1;
    for (int i = 0; i < subs.length; i++) {
      if (subs[i] == s) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      return subs;
    }
    if (subs.length == 1) {
      return null;
    }
    Subscriber[] copy = new Subscriber[subs.length - 1];
    System.arraycopy(subs, 0, copy, 0, at);
    System.arraycopy(subs, at + 1, copy, at, subs.length - at - 1);
    return copy;
  }

  // ---- publishing (any event loop) ---------------------------------------------------------------

  /**
   * Sends {@code message} to the subscribers of {@code channel} and of every pattern matching it
   * (for {@link Kind#SHARD}: shard-channel subscribers only). Returns the number of deliveries,
   * as PUBLISH replies: a client subscribed to the channel and to two matching patterns counts 3.
   *
   * @param publisher the connection running PUBLISH, whose own output is appended to but not
   *     flushed (it is mid-command); null when not published by a client
   */
  public int publish(Kind kind, byte[] channel, byte[] message, ClientConnection publisher, long nowMs) {
    int receivers = 0;
    ChannelName key = ChannelName.of(channel);
    Subscriber[] direct = (kind == Kind.SHARD ? shardChannels : channels).getOrDefault(key, NO_SUBSCRIBERS);
    if (direct.length > 0) {
      Encoded encoded = new Encoded(kind.messageWord, null, channel, message);
      try {
        for (Subscriber s : direct) {
          deliver(s, kind, key, encoded, publisher, nowMs);
        }
      } finally {
        encoded.release();
      }
      receivers += direct.length;
    }
    if (kind == Kind.CHANNEL) {
      for (PatternEntry e : patterns) {
        if (!Glob.matches(e.pattern().bytes(), channel)) {
          continue;
        }
        Encoded encoded = new Encoded(Kind.PATTERN.messageWord, e.pattern().bytes(), channel, message);
        try {
          for (Subscriber s : e.subscribers()) {
            deliver(s, Kind.PATTERN, e.pattern(), encoded, publisher, nowMs);
          }
        } finally {
          encoded.release();
        }
        receivers += e.subscribers().length;
      }
    }
    return receivers;
  }

  /** One message encoded lazily for RESP2 and RESP3; released by the publisher when done. */
  private final class Encoded {
    private final byte[] word;
    private final byte[] pattern;
    private final byte[] channel;
    private final byte[] message;
    private final ByteBuf[] byProtocol = new ByteBuf[2];

    Encoded(byte[] word, byte[] pattern, byte[] channel, byte[] message) {
      this.word = word;
      this.pattern = pattern;
      this.channel = channel;
      this.message = message;
    }

    ByteBuf forProtocol(int protocol) {
      int slot = protocol >= 3 ? 1 : 0;
      ByteBuf b = byProtocol[slot];
      if (b == null) {
        b = alloc.buffer(MESSAGE_BUFFER_INITIAL_BYTES + channel.length + message.length);
        RespReplyWriter w = new RespReplyWriter(b, protocol);
        w.push(pattern == null ? 3 : 4);
        w.bulk(word);
        if (pattern != null) {
          w.bulk(pattern);
        }
        w.bulk(channel);
        w.bulk(message);
        byProtocol[slot] = b;
      }
      return b;
    }

    void release() {
      for (ByteBuf b : byProtocol) {
        if (b != null) {
          b.release();
        }
      }
    }
  }

  private void deliver(Subscriber s, Kind kind, ChannelName name, Encoded encoded, ClientConnection publisher,
                       long nowMs) {
    if (s.dropped) {
      return;
    }
    ClientConnection conn = s.conn;
    ByteBuf frame = encoded.forProtocol(conn.protocol());
    EventLoop loop = conn.channel().eventLoop();
    if (loop.inEventLoop()) {
      writeIfSubscribed(s, kind, name, frame, conn == publisher);
    } else {
      int size = frame.readableBytes();
      ByteBuf copy = frame.retainedDuplicate();
      s.queuedBytes.addAndGet(size);
      try {
        loop.execute(() -> {
          s.queuedBytes.addAndGet(-size);
          try {
            writeIfSubscribed(s, kind, name, copy, false);
          } finally {
            copy.release();
          }
        });
      } catch (RejectedExecutionException e) { // the server is shutting down
        s.queuedBytes.addAndGet(-size);
        copy.release();
        return;
      }
    }
    if (limits.exceeded(s.limitState, s.pendingBytes(), nowMs)) {
      s.dropped = true;
      log.warn("Client id={} closed for overcoming of output buffer limits (pubsub): {} bytes pending",
          conn.clientId(), s.pendingBytes());
      conn.kill();
    }
  }

  /**
   * Writes a message frame to a subscriber, on its event loop, if it still listens. The bytes are
   * appended to the connection's reply buffer, after any replies already gathered, so the order on
   * the wire is the order of events. {@code own} means the subscriber is the connection running
   * the current command, whose buffer the executor flushes when the command batch ends; otherwise
   * one flush is scheduled for all messages appended before it runs (a burst costs one write).
   */
  private static void writeIfSubscribed(Subscriber s, Kind kind, ChannelName name, ByteBuf frame, boolean own) {
    ClientConnection conn = s.conn;
    if (conn.closing() || !s.set(kind).contains(name)) {
      return;
    }
    conn.writer().buffer().writeBytes(frame, frame.readerIndex(), frame.readableBytes());
    if (!own) {
      s.scheduleFlush();
    }
  }

  // ---- introspection (PUBSUB) --------------------------------------------------------------------

  /** Channels (or shard channels) with at least one subscriber, matching {@code pattern} if given. */
  public List<byte[]> activeChannels(Kind kind, byte[] pattern) {
    List<byte[]> out = new ArrayList<>();
    for (ChannelName name : (kind == Kind.SHARD ? shardChannels : channels).keySet()) {
      if (pattern == null || Glob.matches(pattern, name.bytes())) {
        out.add(name.bytes());
      }
    }
    return out;
  }

  /** Subscribers of one channel (or shard channel), not counting pattern subscriptions. */
  public int subscriberCount(Kind kind, byte[] channel) {
    Subscriber[] subs = (kind == Kind.SHARD ? shardChannels : channels).get(ChannelName.of(channel));
    return subs == null ? 0 : subs.length;
  }

  /** Distinct patterns with at least one subscriber (Redis 7.0's PUBSUB NUMPAT). */
  public int patternCount() {
    return patterns.length;
  }

  /** Channels with at least one subscriber (INFO's pubsub_channels). */
  public int channelCount() {
    return channels.size();
  }

  public int shardChannelCount() {
    return shardChannels.size();
  }
}
