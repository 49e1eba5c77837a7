package dev.tide.lab.resp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One pipelined RESP connection.
 *
 * <p>Threading: {@link #send} may be called from any thread (the scheduler, or an event loop
 * re-sending after a redirect); it only appends to a lock-free queue. {@link #flush} schedules
 * one task on the connection's event loop that encodes everything queued into one buffer, moves
 * the requests to the in-order {@code pending} deque and writes once — that is the pipelining.
 * Replies are matched to {@code pending} in order on the event loop, and callbacks run there.
 *
 * <p>Failure: a request with no reply after {@code timeoutNs}, a decode error or a closed
 * socket fails every pending and queued request with a reason and closes the connection; the
 * next send after {@link #RECONNECT_INTERVAL_NS} starts a reconnect, sends before it is up fail
 * at once. Nothing is retried here: the caller decides.
 */
public final class RespConnection implements AutoCloseable {

  /** How often a lost connection may be re-dialled. */
  static final long RECONNECT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
  /** How often the event loop looks for a timed-out request. */
  static final long TIMEOUT_CHECK_MS = 50;
  /** Time allowed to establish a TCP connection on loopback. */
  static final int CONNECT_TIMEOUT_MS = 5_000;

  /** Receives the outcome of one request, on the connection's event loop (or the caller's thread if it fails at once). */
  public interface Callback {
    /** @param writtenNs when the request was written to the socket (System.nanoTime) */
    void onReply(Object reply, long writtenNs);

    void onFailure(String reason);
  }

  private static final class Pending {
    final byte[][] argv;
    final Callback callback;
    /** A request that must be written right after this one (the command after ASKING). */
    Pending follower;
    long writtenNs;

    Pending(byte[][] argv, Callback callback) {
      this.argv = argv;
      this.callback = callback;
    }
  }

  private final Bootstrap bootstrap;
  private final InetSocketAddress address;
  private final long timeoutNs;
  private final Queue<Pending> queued = PlatformDependent.newMpscQueue();
  /** Requests written and waiting for replies, oldest first; touched only on the event loop. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile Channel channel;
  private volatile boolean closed;
  private volatile long lastDialNs;
  private volatile Consumer<Object> pushHandler;
  private ScheduledFuture<?> timeoutCheck;

  private RespConnection(ClientIo io, InetSocketAddress address, long timeoutNs) {
    this.address = address;
    this.timeoutNs = timeoutNs;
    this.bootstrap = new Bootstrap().group(io.group()).channel(io.channelType())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new RespReplyDecoder(), new ReplyHandler());
          }
        });
  }

  /** Connects (blocking, bounded by {@link #CONNECT_TIMEOUT_MS}); the address must already be checked by the guard. */
  public static RespConnection open(ClientIo io, InetSocketAddress address, long timeoutNs) {
    RespConnection c = new RespConnection(io, address, timeoutNs);
    ChannelFuture f = c.dial();
    f.awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new IllegalStateException("cannot connect to " + address + ": " + f.cause().getMessage(), f.cause());
    }
    // The future completes before its listeners run: publish the channel here too, so that the
    // first send after open() sees it.
    c.channel = f.channel();
    return c;
  }

  private ChannelFuture dial() {
    lastDialNs = System.nanoTime();
    ChannelFuture f = bootstrap.connect(address);
    f.addListener(done -> {
      if (done.isSuccess()) {
        Channel ch = f.channel();
        channel = ch;
        timeoutCheck = ch.eventLoop().scheduleAtFixedRate(this::checkTimeouts, TIMEOUT_CHECK_MS, TIMEOUT_CHECK_MS,
            TimeUnit.MILLISECONDS);
        if (closed) {
          ch.close();
        }
      }
    });
    return f;
  }

  public InetSocketAddress address() {
    return address;
  }

  /** Sends every reply that has no pending request (pub/sub messages) to {@code handler}. */
  public void onPush(Consumer<Object> handler) {
    this.pushHandler = handler;
  }

  /** Queues a request; call {@link #flush} to write what was queued. */
  public void send(byte[][] argv, Callback callback) {
    Channel ch = channel;
    if (closed || ch == null || !ch.isActive()) {
      if (!closed && System.nanoTime() - lastDialNs > RECONNECT_INTERVAL_NS) {
        dial();
      }
      callback.onFailure(closed ? "connection closed" : "not connected to " + address);
      return;
    }
    queued.add(new Pending(argv, callback));
  }

  /**
   * Queues two requests that must travel back to back on this connection, such as ASKING and
   * the command it applies to.
   */
  public void sendPair(byte[][] first, Callback firstCallback, byte[][] second, Callback secondCallback) {
    Channel ch = channel;
    if (closed || ch == null || !ch.isActive()) {
      send(second, secondCallback); // fails it with the reason, and may re-dial
      return;
    }
    // One queue entry carries both, so no other thread's request can land between them.
    Pending head = new Pending(first, firstCallback);
    head.follower = new Pending(second, secondCallback);
    queued.add(head);
  }

  /** Writes everything queued so far, in one buffer, from the event loop. */
  public void flush() {
    Channel ch = channel;
    if (ch == null || queued.isEmpty()) {
      return;
    }
    if (drainScheduled.compareAndSet(false, true)) {
      ch.eventLoop().execute(() -> drain(ch));
    }
  }

  private void drain(Channel ch) {
    drainScheduled.set(false);
    if (!ch.isActive()) {
      failAll("connection to " + address + " lost");
      return;
    }
    ByteBuf buf = ch.alloc().ioBuffer();
    long now = System.nanoTime();
    Pending p;
    while ((p = queued.poll()) != null) {
      for (Pending q = p; q != null; q = q.follower) {
        encode(buf, q.argv);
        q.writtenNs = now;
        pending.addLast(q);
      }
    }
    if (buf.isReadable()) {
      ch.writeAndFlush(buf, ch.voidPromise());
    } else {
      buf.release();
    }
  }

  static void encode(ByteBuf buf, byte[][] argv) {
    buf.writeByte('*');
    writeDecimal(buf, argv.length);
    for (byte[] a : argv) {
      buf.writeByte('$');
      writeDecimal(buf, a.length);
      buf.writeBytes(a);
      buf.writeByte('\r').writeByte('\n');
    }
  }

  private static void writeDecimal(ByteBuf buf, int n) {
    buf.writeCharSequence(Integer.toString(n), StandardCharsets.US_ASCII);
    buf.writeByte('\r').writeByte('\n');
  }

  public boolean isOpen() {
    Channel ch = channel;
    return !closed && ch != null && ch.isActive();
  }

  private void checkTimeouts() {
    Pending oldest = pending.peekFirst();
    if (oldest != null && System.nanoTime() - oldest.writtenNs > timeoutNs) {
      Channel ch = channel;
      failAll("timeout: no reply from " + address + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
      if (ch != null) {
        ch.close();
      }
    }
  }

  private void failAll(String reason) {
    Pending p;
    while ((p = pending.pollFirst()) != null) {
      p.callback.onFailure(reason);
    }
    while ((p = queued.poll()) != null) {
      for (Pending q = p; q != null; q = q.follower) {
        q.callback.onFailure(reason);
      }
    }
  }

  /** Closes the socket; every request still pending fails with "connection closed". */
  @Override
  public void close() {
    closed = true;
    Channel ch = channel;
    if (ch != null) {
      ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
  }

  private final class ReplyHandler extends SimpleChannelInboundHandler<Object> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object reply) {
      Pending p = pending.pollFirst();
      if (p != null) {
        p.callback.onReply(reply, p.writtenNs);
        return;
      }
      Consumer<Object> push = pushHandler;
      if (push != null) {
        push.accept(reply);
      } else {
        ctx.close(); // a reply nobody asked for: the stream is out of step, start over
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timeoutCheck != null) {
        timeoutCheck.cancel(false);
      }
      failAll(closed ? "connection closed" : "connection to " + address + " lost");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failAll("connection error: " + cause.getMessage());
      ctx.close();
    }
  }
}
