package dev.tide.server;

import dev.tide.engine.command.CommandTable;
import dev.tide.engine.commands.EngineCommands;
import dev.tide.engine.eviction.Evictor;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.protocol.RespRequestDecoder;
import dev.tide.server.capacity.EmulatedCapacity;
import dev.tide.server.commands.ServerCommands;
import dev.tide.server.config.ServerConfig;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.connection.ClientRegistry;
import dev.tide.server.connection.IdleClients;
import dev.tide.server.connection.OutputBufferLimits;
import dev.tide.server.dispatch.CommandExecutor;
import dev.tide.server.dispatch.CommandStats;
import dev.tide.server.metrics.MetricsHttpServer;
import dev.tide.server.metrics.TideMetrics;
import dev.tide.server.pubsub.OutputLimits;
import dev.tide.server.pubsub.PubSubRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One Tide node serving the Redis protocol: the Netty server, the keyspace, the command table,
 * and housekeeping (active expiry). Start with {@link #start()}, stop with {@link #close()}.
 *
 * <p>I/O runs on Netty event loops (epoll when available), one per core; commands run on the
 * event loop of the connection that sent them, taking the shard locks of their keys (see
 * {@link CommandExecutor}). Housekeeping runs on one scheduler thread, {@code hz} times a second.
 */
public final class TideServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TideServer.class);

  /** Active expiry rounds per shard per housekeeping tick (bounds the work of one tick). */
  private static final int ACTIVE_EXPIRE_LOOPS_PER_TICK = 16;
  /** Idle clients are looked for this often (Redis checks each client about once a second). */
  private static final long IDLE_SWEEP_PERIOD_MS = 1000;

  private final ServerConfig config;
  private final LongSupplier clock;
  private final EngineConfig engineConfig = new EngineConfig();
  private final Database db;
  private final CommandTable table = new CommandTable();
  private final CommandStats stats = new CommandStats();
  private final ClientRegistry clients = new ClientRegistry();
  private final CommandExecutor executor;
  private final Evictor evictor;
  private final PubSubRegistry pubSub;
  private final OutputBufferLimits outputBufferLimits;
  private final IdleClients idleClients;
  private long lastIdleSweepMs;
  private final long startedMs;
  /** Emulated capacity (lab feature, {@code capacity-ops}); null when unlimited. */
  private final EmulatedCapacity capacity;
  private TideMetrics metrics;
  private MetricsHttpServer metricsHttp;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private ScheduledExecutorService housekeeping;
  private ScheduledFuture<?> housekeepingTask;
  private int scheduledHz;
  private Channel serverChannel;
  private volatile boolean shuttingDown;

  public TideServer(ServerConfig config) {
    this(config, System::currentTimeMillis);
  }

  public TideServer(ServerConfig config, LongSupplier clock) {
    this.config = config.conclude();
    this.clock = clock;
    copyEngineSettings();
    this.db = new Database(engineConfig, config.shards);
    this.executor = new CommandExecutor(table, db, clock, stats, config.requirePass);
    this.evictor = new Evictor(db);
    executor.setMemoryGuard(() -> evictor.makeRoom(clock.getAsLong()));
    this.pubSub = new PubSubRegistry(new OutputLimits(this.config), ByteBufAllocator.DEFAULT);
    this.startedMs = clock.getAsLong();
    this.outputBufferLimits = new OutputBufferLimits(this.config, clock);
    this.idleClients = new IdleClients(this.config, clients, clock);
    executor.setOutputBufferWatcher(outputBufferLimits::enforce);
    executor.onConnectionClosed(conn -> {
      outputBufferLimits.connectionClosed(conn);
      idleClients.connectionClosed(conn);
    });
    this.capacity = this.config.capacityOps > 0 ? new EmulatedCapacity(this.config.capacityOps, System::nanoTime) : null;
    EngineCommands.registerAll(table);
    ServerCommands.registerAll(table, this);
  }

  /** Binds the port and starts serving; returns once the server accepts connections. */
  public TideServer start() throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    bossGroup = new MultiThreadIoEventLoopGroup(1, io);
    // Default: one core left for the collector's concurrent threads, housekeeping and JIT. Measured
    // on 2 cores (redis-benchmark -c 50, pipeline 1): 1 loop gave p99 1.0-1.8x Redis, 2 loops 1.2-4x.
    int ioThreads = config.ioThreads > 0 ? config.ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    workerGroup = new MultiThreadIoEventLoopGroup(ioThreads, io);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            acceptConnection(ch);
          }
        });
    serverChannel = bootstrap.bind(new InetSocketAddress(config.bind, config.port)).sync().channel();
    housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tide-housekeeping");
      t.setDaemon(true);
      return t;
    });
    scheduleHousekeeping();
    if (config.port == 0) {
      config.port = port(); // CONFIG GET port shows the port actually bound
    }
    log.info("Tide listening on {}:{} ({} transport, {} shards)", config.bind, port(), epoll ? "epoll" : "nio",
        db.shardCount());
    if (config.metricsPort != 0) {
      startMetrics();
    }
    return this;
  }

  /** Serves /metrics and /health on {@code bind:metricsPort}; stopped by {@link #close()}. */
  private void startMetrics() {
    metrics = new TideMetrics(this);
    executor.setCommandListener(metrics);
    metricsHttp = MetricsHttpServer.start(config.bind, config.metricsPort, metrics::scrape, this::isReady);
    onClose(() -> {
      metricsHttp.close();
      executor.setCommandListener(null);
      metrics.close();
    });
    log.info("Metrics at http://{}:{}/metrics, readiness at /health", config.bind, metricsHttp.port());
  }

  /** True while the node accepts clients: listening and not shutting down (what /health reports). */
  public boolean isReady() {
    Channel ch = serverChannel;
    return ch != null && ch.isActive() && !shuttingDown;
  }

  /** The metrics port actually bound, or 0 when the endpoint is off. */
  public int metricsPort() {
    return metricsHttp == null ? 0 : metricsHttp.port();
  }

  public TideMetrics metrics() {
    return metrics;
  }

  /** The emulated capacity ({@code capacity-ops}), or null when the node is unlimited. */
  public EmulatedCapacity capacity() {
    return capacity;
  }

  public Evictor evictor() {
    return evictor;
  }

  /** (Re)starts the housekeeping tick at {@code hz} ticks a second. */
  private synchronized void scheduleHousekeeping() {
    if (housekeeping == null || housekeeping.isShutdown()) {
      return;
    }
    if (housekeepingTask != null) {
      housekeepingTask.cancel(false);
    }
    scheduledHz = config.hz;
    long periodMs = Math.max(1, 1000 / scheduledHz);
    try {
      housekeepingTask = housekeeping.scheduleAtFixedRate(this::housekeepingTick, periodMs, periodMs,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      housekeepingTask = null; // closing
    }
  }

  private void copyEngineSettings() {
    engineConfig.maxmemoryBytes = config.maxmemoryBytes;
    engineConfig.maxmemoryPolicy = config.maxmemoryPolicy;
    engineConfig.maxmemorySamples = config.maxmemorySamples;
    engineConfig.protoMaxBulkLen = config.protoMaxBulkLen;
    engineConfig.lfuLogFactor = config.lfuLogFactor;
    engineConfig.lfuDecayTime = config.lfuDecayTime;
    engineConfig.hashMaxListpackEntries = clampToInt(config.hashMaxListpackEntries);
    engineConfig.hashMaxListpackValue = clampToInt(config.hashMaxListpackValue);
    engineConfig.setMaxIntsetEntries = clampToInt(config.setMaxIntsetEntries);
    engineConfig.zsetMaxListpackEntries = clampToInt(config.zsetMaxListpackEntries);
    engineConfig.zsetMaxListpackValue = clampToInt(config.zsetMaxListpackValue);
  }

  /** Thresholds are longs in Redis; no collection holds more than an int's worth, so the engine keeps ints. */
  private static int clampToInt(long value) {
    return (int) Math.min(Integer.MAX_VALUE, value);
  }

  /**
   * Makes the running node follow its {@link ServerConfig} after CONFIG SET changed it: engine
   * settings, the password, the housekeeping rate. Settings read where they are used (maxclients,
   * protocol limits of new connections, output buffer limits, timeout) need nothing here.
   */
  public void applySettings() {
    copyEngineSettings();
    executor.setRequirePass(config.requirePass);
    synchronized (this) {
      if (config.hz != scheduledHz) {
        scheduleHousekeeping();
      }
    }
  }

  private void acceptConnection(SocketChannel ch) {
    if (shuttingDown || !clients.tryTakePlace(config.maxClients)) {
      clients.rejected();
      ch.writeAndFlush(Unpooled.copiedBuffer("-ERR max number of clients reached\r\n", StandardCharsets.US_ASCII))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ch.closeFuture().addListener(f -> clients.releasePlace());
    boolean needsAuth = executor.requirePass() != null;
    RespRequestDecoder decoder = new RespRequestDecoder(config.protocolLimits(), !needsAuth);
    ClientConnection conn = new ClientConnection(clients.nextId(), ch, executor, clients, decoder, !needsAuth,
        clock.getAsLong());
    ch.pipeline().addLast("resp-decoder", decoder);
    if (capacity != null) {
      ch.pipeline().addLast("capacity", capacity.newGate()); // absent when unlimited: no cost on the hot path
    }
    ch.pipeline().addLast("client", conn);
  }

  private void housekeepingTick() {
    try {
      long now = clock.getAsLong();
      for (int i = 0; i < db.shardCount(); i++) {
        Keyspace ks = db.shard(i);
        if (ks.expiresSize() == 0) {
          continue;
        }
        if (ks.lock().tryLock()) {
          try {
            ks.activeExpireCycle(now, ACTIVE_EXPIRE_LOOPS_PER_TICK);
          } finally {
            ks.lock().unlock();
          }
        }
      }
      if (engineConfig.maxmemoryBytes > 0) {
        evictor.evict(now); // finishes eviction a command left in progress at its time bound
      }
      outputBufferLimits.sweep();
      if (now - lastIdleSweepMs >= IDLE_SWEEP_PERIOD_MS) {
        lastIdleSweepMs = now;
        idleClients.sweep();
      }
      for (Runnable task : periodicTasks) {
        task.run();
      }
    } catch (RuntimeException e) {
      log.error("housekeeping failed", e);
    }
  }

  private final java.util.List<Runnable> periodicTasks = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Adds work to run on every housekeeping tick ({@code hz} times a second); it must be quick. */
  public void addPeriodicTask(Runnable task) {
    periodicTasks.add(task);
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  public ServerConfig config() {
    return config;
  }

  public EngineConfig engineConfig() {
    return engineConfig;
  }

  public Database db() {
    return db;
  }

  public CommandTable table() {
    return table;
  }

  public CommandStats stats() {
    return stats;
  }

  public ClientRegistry clients() {
    return clients;
  }

  public CommandExecutor executor() {
    return executor;
  }

  /** Every pub/sub subscription of this node (PUBLISH, PUBSUB, INFO, keyspace notifications). */
  public PubSubRegistry pubSub() {
    return pubSub;
  }

  /** Output buffer limits ({@code client-output-buffer-limit}), for code that adds output (pub/sub). */
  public OutputBufferLimits outputBufferLimits() {
    return outputBufferLimits;
  }

  /** The {@code timeout} sweep. */
  public IdleClients idleClients() {
    return idleClients;
  }

  public long startedMs() {
    return startedMs;
  }

  public long now() {
    return clock.getAsLong();
  }

  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  /** True once {@link #close} has started. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Stops the server; idempotent (a second call, from any thread, does nothing). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    shuttingDown = true;
    if (housekeeping != null) {
      housekeeping.shutdownNow();
    }
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    for (ClientConnection c : clients.all()) {
      c.kill();
    }
    if (workerGroup != null) {
      workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (bossGroup != null) {
      bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    for (Runnable hook : closeHooks) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        log.warn("close hook failed", e);
      }
    }
    log.info("Tide stopped");
  }

  private final java.util.List<Runnable> closeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Runs when the server stops (metrics endpoint, ...). */
  public void onClose(Runnable hook) {
    closeHooks.add(hook);
  }
}
