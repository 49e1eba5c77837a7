package dev.tide.server.capacity;

import dev.tide.server.connection.ClientConnection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One connection's gate in front of the command path (between the RESP decoder and the
 * {@link ClientConnection}), present only when the node has an {@link EmulatedCapacity}.
 *
 * <p>Each decoded request takes a token from the node's bucket. With none there, the gate holds the
 * request, turns the channel's auto-read off (the client's further requests stay in the kernel's
 * socket buffer and then in the client: backpressure, nothing is dropped) and reserves the next
 * token, waking on the event loop when it is due — one scheduled task, no polling. On waking it
 * passes the held request on, then as many more as there are tokens for now, and either reserves
 * again or resumes reading. Holding at most one reservation per connection makes waiting
 * connections take turns, so a client that pipelines thousands of commands cannot make another
 * wait for all of them. A wait is bounded by the open connections × one token interval.
 *
 * <p>Held requests: what one socket read decoded, since reading pauses at the first held request
 * (plus at most one more read, when a blocking command's end turns auto-read back on).
 * Event loop only.
 */
public final class CapacityGate extends ChannelInboundHandlerAdapter {

  private record Held(Object request, long arrivedNs) {
  }

  private final EmulatedCapacity capacity;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private ScheduledFuture<?> wake;
  private ChannelHandlerContext ctx;
  private boolean closed;

  CapacityGate(EmulatedCapacity capacity) {
    this.capacity = capacity;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    long now = capacity.nowNs();
    if (held.isEmpty() && wake == null) {
      if (capacity.bucket().tryAcquire(now)) {
        capacity.admitted(0);
        ctx.fireChannelRead(msg);
        return;
      }
      hold(msg, now);
      waitForToken(now);
      return;
    }
    hold(msg, now);
  }

  private void hold(Object msg, long now) {
    held.addLast(new Held(msg, now));
    capacity.queuedChanged(1);
    ctx.channel().config().setAutoRead(false);
  }

  private void waitForToken(long now) {
    capacity.waited();
    long delayNs = capacity.bucket().reserve(now);
    wake = ctx.executor().schedule(this::release, Math.max(1, delayNs), TimeUnit.NANOSECONDS);
  }

  /** The reserved token is due: pass on the first held request, then what tokens allow now. */
  private void release() {
    wake = null;
    if (closed) {
      return;
    }
    long now = capacity.nowNs();
    int passed = 0;
    Held h = held.pollFirst();
    if (h != null) { // paid by the reservation
      pass(h, now);
      passed++;
    }
    while (!held.isEmpty() && !closed && capacity.bucket().tryAcquire(now)) {
      pass(held.pollFirst(), now);
      passed++;
    }
    if (passed > 0 && !closed) {
      ctx.fireChannelReadComplete(); // the connection flushes the replies of this batch
    }
    if (closed) {
      return;
    }
    if (!held.isEmpty()) {
      waitForToken(now);
    } else if (!clientBlocked()) {
      ctx.channel().config().setAutoRead(true); // a blocked client turns reading on when it is served
    }
  }

  private void pass(Held h, long now) {
    capacity.queuedChanged(-1);
    capacity.admitted(Math.max(0, now - h.arrivedNs()));
    ctx.fireChannelRead(h.request());
  }

  private boolean clientBlocked() {
    ClientConnection c = ctx.pipeline().get(ClientConnection.class);
    return c != null && c.isBlocked();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (wake != null) {
      wake.cancel(false);
      wake = null;
    }
    capacity.queuedChanged(-held.size());
    held.clear(); // decoded requests are plain arrays: nothing to release
    ctx.fireChannelInactive();
  }

  /** Requests held now (tests). */
  int heldRequests() {
    return held.size();
  }
}
