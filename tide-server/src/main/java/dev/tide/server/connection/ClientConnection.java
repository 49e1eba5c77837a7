package dev.tide.server.connection;

import dev.tide.engine.command.Session;
import dev.tide.protocol.ProtocolError;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.protocol.RespRequestDecoder;
import dev.tide.server.dispatch.CommandExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One client connection: its session state and the end of its Netty pipeline.
 *
 * <p><b>Threading.</b> Everything here runs on the channel's event loop, with one exception: a
 * command of this client that was blocked may be completed by another connection's thread (the
 * one that pushed to the key); that thread writes the reply with {@link Channel#writeAndFlush}
 * (which Netty hands to this event loop) and then schedules {@link #unblocked()} here.
 *
 * <p><b>Replies.</b> Replies of one read batch (a pipeline) accumulate in one buffer and are
 * flushed once when the batch is read, so a pipeline of N commands costs one write system call.
 *
 * <p><b>Order.</b> Requests are processed strictly in order. While a command is blocked, later
 * requests wait in {@link #pending} and reading from the socket is paused, so a client that
 * pipelines behind a BLPOP cannot make the server buffer without bound.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter implements Session {

  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

  private final long id;
  private final Channel channel;
  private final CommandExecutor executor;
  private final ClientRegistry registry;
  private final RespRequestDecoder decoder;
  private final long createdMs;
  private final RespReplyWriter writer;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private ByteBuf out;

  private int protocol = 2;
  private volatile String name = "";
  private volatile boolean authenticated;
  /** Written on this connection's event loop per request, read by CLIENT LIST / idle sweeps: opaque, not volatile. */
  private long lastInteractionMs;
  private String lastCommand = "NULL";
  private static final java.lang.invoke.VarHandle LAST_INTERACTION;
  private static final java.lang.invoke.VarHandle LAST_COMMAND;

  static {
    try {
      var lookup = java.lang.invoke.MethodHandles.lookup();
      LAST_INTERACTION = lookup.findVarHandle(ClientConnection.class, "lastInteractionMs", long.class);
      LAST_COMMAND = lookup.findVarHandle(ClientConnection.class, "lastCommand", String.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  private volatile boolean blocked;
  private boolean closing;
  private boolean noEvict;
  private boolean noTouch;
  private boolean readonlyMode;
  private Object blockedState;

  // MULTI / EXEC
  private boolean inMulti;
  private boolean multiDirty;
  private final List<byte[][]> multiQueue = new ArrayList<>();
  /** Watched keys; the transactions code owns the contents. */
  private Object watchState;
  private volatile boolean watchDirty;

  // Pub/sub; the pubsub code owns the contents.
  private Object pubSubState;
  private int subscriptionCount;

  public ClientConnection(long id, Channel channel, CommandExecutor executor, ClientRegistry registry,
                          RespRequestDecoder decoder, boolean authenticated, long nowMs) {
    this.id = id;
    this.channel = channel;
    this.executor = executor;
    this.registry = registry;
    this.decoder = decoder;
    this.authenticated = authenticated;
    this.createdMs = nowMs;
    LAST_INTERACTION.setOpaque(this, (long) (nowMs));
    this.out = channel.alloc().buffer(256);
    this.writer = new RespReplyWriter(out, protocol);
  }

  // ---- Netty events ---------------------------------------------------------------------------

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    registry.add(this);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    registry.remove(this);
    executor.connectionClosed(this);
    pending.clear();
    if (out != null) {
      out.release();
      out = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      return;
    }
    if (!pending.isEmpty() || blocked) {
      pending.addLast(msg);
      return;
    }
    process(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Every read counts as interaction, even of a partial request (as Redis stamps each read).
    LAST_INTERACTION.setOpaque(this, (long) (executor.now()));
    flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    executor.outputBufferChanged(this);
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // I/O errors (connection reset by peer ...) just end this client; nothing to tell anyone.
    // Anything else is a bug in Tide: it still ends only this client, but it must be seen.
    if (!(cause instanceof java.io.IOException)) {
      log.error("client id={} closed after an unexpected error", id, cause);
    }
    closing = true;
    ctx.close();
  }

  private void process(Object msg) {
    if (msg instanceof ProtocolError error) {
      if (error.replyToClient()) {
        log.debug("Protocol error from client id={} addr={}: {}", id, channel.remoteAddress(), error.message());
        out.writeBytes(error.encodeReply());
      } else {
        log.warn("Closing client id={} addr={}: {}", id, channel.remoteAddress(), error.message());
      }
      closeAfterReply();
      return;
    }
    LAST_INTERACTION.setOpaque(this, (long) (executor.now()));
    executor.execute(this, (byte[][]) msg);
    executor.outputBufferChanged(this);
  }

  /** Runs queued requests until one blocks or the queue is empty. Event loop only. */
  private void drainPending() {
    while (!pending.isEmpty() && !blocked && !closing) {
      process(pending.pollFirst());
    }
    flush();
  }

  // ---- output ---------------------------------------------------------------------------------

  /** The writer for replies of the current batch. Event loop only. */
  public RespReplyWriter writer() {
    return writer;
  }

  /** Sends the replies gathered so far. Event loop only. */
  public void flush() {
    if (out == null) {
      return;
    }
    if (out.isReadable()) {
      channel.writeAndFlush(out, channel.voidPromise());
      out = channel.alloc().buffer(256);
      writer.reset(out, protocol);
    }
  }

  /** Sends what is gathered, then closes the connection (QUIT, protocol errors, CLIENT KILL). */
  public void closeAfterReply() {
    closing = true;
    pending.clear();
    if (out != null && out.isReadable()) {
      ByteBuf last = out;
      out = channel.alloc().buffer(16);
      writer.reset(out, protocol);
      channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  /** Closes at once, dropping unsent replies (output buffer limit, CLIENT KILL). Any thread. */
  public void kill() {
    closing = true;
    channel.close();
  }

  // ---- blocking -------------------------------------------------------------------------------

  /** Parks the connection: stop reading, queue further requests. Event loop only. */
  public void markBlocked(Object state) {
    blockedState = state;
    blocked = true;
    channel.config().setAutoRead(false);
    flush();
  }

  /** The command that blocked this client has completed (served, timed out). Event loop only. */
  public void unblocked() {
    blockedState = null;
    blocked = false;
    LAST_INTERACTION.setOpaque(this, (long) (executor.now())); // its reply was just sent
    if (!closing) {
      channel.config().setAutoRead(true);
      drainPending();
    }
  }

  public boolean isBlocked() {
    return blocked;
  }

  public Object blockedState() {
    return blockedState;
  }

  // ---- session ---------------------------------------------------------------------------------

  @Override
  public long clientId() {
    return id;
  }

  @Override
  public int protocol() {
    return protocol;
  }

  public void setProtocol(int protocol) {
    this.protocol = protocol;
    writer.reset(out, protocol);
  }

  @Override
  public boolean inTransaction() {
    return inMulti;
  }

  @Override
  public boolean noTouch() {
    return noTouch;
  }

  public void setNoTouch(boolean value) {
    noTouch = value;
  }

  public boolean noEvict() {
    return noEvict;
  }

  public void setNoEvict(boolean value) {
    noEvict = value;
  }

  public boolean readonlyMode() {
    return readonlyMode;
  }

  public void setReadonlyMode(boolean value) {
    readonlyMode = value;
  }

  public Channel channel() {
    return channel;
  }

  public String name() {
    return name;
  }

  public void setName(String value) {
    name = value;
  }

  public boolean authenticated() {
    return authenticated;
  }

  public void setAuthenticated(boolean value) {
    authenticated = value;
    decoder.setAuthenticated(value);
  }

  public long createdMs() {
    return createdMs;
  }

  public long lastInteractionMs() {
    return (long) LAST_INTERACTION.getOpaque(this);
  }

  /** Records interaction that the connection does not see itself (replies draining). */
  public void touch(long nowMs) {
    LAST_INTERACTION.setOpaque(this, (long) (nowMs));
  }

  public String lastCommand() {
    return (String) LAST_COMMAND.getOpaque(this);
  }

  public void setLastCommand(String value) {
    LAST_COMMAND.setOpaque(this, value);
  }

  public boolean closing() {
    return closing;
  }

  public boolean inMulti() {
    return inMulti;
  }

  public void setInMulti(boolean value) {
    inMulti = value;
  }

  public boolean multiDirty() {
    return multiDirty;
  }

  public void setMultiDirty(boolean value) {
    multiDirty = value;
  }

  public List<byte[][]> multiQueue() {
    return multiQueue;
  }

  public Object watchState() {
    return watchState;
  }

  public void setWatchState(Object value) {
    watchState = value;
  }

  public boolean watchDirty() {
    return watchDirty;
  }

  public void setWatchDirty(boolean value) {
    watchDirty = value;
  }

  public Object pubSubState() {
    return pubSubState;
  }

  public void setPubSubState(Object value) {
    pubSubState = value;
  }

  /** Channels plus patterns this client is subscribed to (RESP2 restricts commands when > 0). */
  public int subscriptionCount() {
    return subscriptionCount;
  }

  public void setSubscriptionCount(int value) {
    subscriptionCount = value;
  }

  /** Bytes of replies waiting in Netty's outbound buffer, for output buffer limits and CLIENT LIST. */
  public long pendingOutputBytes() {
    var buffer = channel.unsafe().outboundBuffer();
    long queued = buffer == null ? 0 : buffer.totalPendingWriteBytes();
    ByteBuf current = out;
    return queued + (current == null ? 0 : current.readableBytes());
  }

  /** Bytes held for this client's unparsed input (Redis's {@code qbuf}). Event loop only. */
  public long queryBufferBytes() {
    return decoder.bufferedBytes();
  }

  public int pendingRequests() {
    return pending.size();
  }
}
