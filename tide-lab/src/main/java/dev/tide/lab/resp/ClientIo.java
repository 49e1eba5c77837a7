package dev.tide.lab.resp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.concurrent.TimeUnit;

/**
 * The Netty event loops of the load generator's connections (epoll when available, as the
 * server uses). One group per run, shared by all its connections; closed with the run.
 */
public final class ClientIo implements AutoCloseable {

  /** Default I/O threads: one is plenty for the rates a 2-core machine can offer and keeps a core for the target. */
  public static final int DEFAULT_THREADS = 1;
  /** Upper bound on I/O threads. */
  public static final int MAX_THREADS = 64;

  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;

  public ClientIo(int threads) {
    if (threads < 1 || threads > MAX_THREADS) {
      throw new IllegalArgumentException("I/O threads must be 1.." + MAX_THREADS + ", got " + threads);
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, io);
    this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  public EventLoopGroup group() {
    return group;
  }

  public Class<? extends SocketChannel> channelType() {
    return channelType;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
