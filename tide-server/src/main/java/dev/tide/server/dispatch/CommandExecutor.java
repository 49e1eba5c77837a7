package dev.tide.server.dispatch;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandFlag;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.protocol.Reply;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.server.connection.ClientConnection;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs commands: looks them up, checks arity, authentication, transactions and memory, takes the
 * shard locks their keys need, calls them, and serves clients blocked on keys that became ready.
 *
 * <p>The data flow of one command: decoded argv → {@link #execute} → checks → {@link #run} (locks
 * the shards of the declared keys in index order, calls the command, refreshes memory accounting
 * of written keys, collects ready keys, unlocks) → {@link #serveReadyKeys} for any blocked clients
 * the command woke. Commands never run with a lock they did not declare, and no lock is held
 * while a reply is flushed to the network.
 */
public final class CommandExecutor {

  private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);

  /** Characters of arguments echoed back in an unknown-command error (Redis: 128). */
  private static final int UNKNOWN_COMMAND_ARGS_PREVIEW = 128;

  private final CommandTable table;
  private final Database db;
  private final LongSupplier clock;
  private final CommandStats stats;
  private volatile String requirePass;
  private volatile MemoryGuard memoryGuard = MemoryGuard.NONE;
  private volatile CommandListener commandListener = CommandListener.NONE;
  private final ThreadLocal<CommandContext> contexts = ThreadLocal.withInitial(CommandContext::new);
  private final ThreadLocal<ArrayDeque<ReadyKey>> readyQueues = ThreadLocal.withInitial(ArrayDeque::new);

  private record ReadyKey(int shard, byte[] key) {
  }

  public CommandExecutor(CommandTable table, Database db, LongSupplier clock, CommandStats stats, String requirePass) {
    this.table = table;
    this.db = db;
    this.clock = clock;
    this.stats = stats;
    this.requirePass = requirePass;
  }

  public CommandTable table() {
    return table;
  }

  public Database db() {
    return db;
  }

  public CommandStats stats() {
    return stats;
  }

  public long now() {
    return clock.getAsLong();
  }

  public String requirePass() {
    return requirePass;
  }

  public void setRequirePass(String password) {
    this.requirePass = password == null || password.isEmpty() ? null : password;
  }

  public void setMemoryGuard(MemoryGuard guard) {
    this.memoryGuard = guard;
  }

  /** Installs the listener told about every command that ran (metrics); replaces the previous one. */
  public void setCommandListener(CommandListener listener) {
    this.commandListener = listener == null ? CommandListener.NONE : listener;
  }

  // ---- entry point ------------------------------------------------------------------------------

  /** Handles one request of a connection, on its event loop. */
  public void execute(ClientConnection conn, byte[][] argv) {
    RespReplyWriter reply = conn.writer();
    CommandSpec spec = table.lookup(argv[0]);
    if (spec == null) {
      if (conn.inMulti()) {
        conn.setMultiDirty(true);
      }
      rejectWith(reply, Errors.unknownCommand(printable(argv[0]), argsPreview(argv)), null);
      return;
    }
    if (spec.hasSubcommands() && argv.length >= 2) {
      // Containers (CLIENT, CONFIG ...): every check below applies to the subcommand, as in Redis 7.
      CommandSpec sub = spec.subcommand(argv[1]);
      if (sub == null) {
        if (conn.inMulti()) {
          conn.setMultiDirty(true);
        }
        rejectWith(reply, Errors.unknownSubcommand(printable(argv[1]), spec.name()), null);
        return;
      }
      spec = sub;
    }
    conn.setLastCommand(spec.name());
    if (!spec.arityOk(argv.length)) {
      if (conn.inMulti()) {
        conn.setMultiDirty(true);
      }
      rejectWith(reply, Errors.wrongArity(spec.name()), spec);
      return;
    }
    if (requirePass != null && !conn.authenticated() && !spec.has(CommandFlag.NO_AUTH)) {
      if (conn.inMulti()) {
        conn.setMultiDirty(true);
      }
      rejectWith(reply, Errors.NOAUTH, spec);
      return;
    }
    if (conn.subscriptionCount() > 0 && conn.protocol() == 2 && !allowedWhileSubscribed(spec)) {
      rejectWith(reply, "ERR Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE"
          + " / PING / QUIT / RESET are allowed in this context", spec);
      return;
    }
    if (conn.inMulti() && !runsInsideMulti(spec)) {
      if (spec.has(CommandFlag.NO_MULTI)) {
        conn.setMultiDirty(true); // Redis refuses the EXEC that follows (EXECABORT)
        rejectWith(reply, "ERR Command not allowed inside a transaction", spec);
        return;
      }
      CommandRouter queueCheck = router;
      String refused = queueCheck == null ? null : queueCheck.checkQueued(conn, spec, argv);
      if (refused != null) {
        conn.setMultiDirty(true); // as Redis Cluster flags a transaction whose command it redirects
        rejectWith(reply, refused, spec);
        return;
      }
      conn.multiQueue().add(argv);
      reply.simple("QUEUED");
      return;
    }
    if (spec.has(CommandFlag.DENYOOM) && !memoryGuard.makeRoom()) {
      rejectWith(reply, Errors.OOM, spec);
      return;
    }
    CommandRouter r = router;
    if (r != null && r.route(conn, spec, argv)) {
      stats.of(spec).calls.increment();
      return;
    }
    run(conn, spec, argv, reply, false);
  }

  /**
   * Cluster mode: decides where a checked command runs. Returns true when it took the command
   * (replied, redirected, or will reply later through the connection); false to run it here on
   * this node's own keyspace as in single-node mode. Single-node servers have no router.
   */
  @FunctionalInterface
  public interface CommandRouter {
    boolean route(ClientConnection conn, CommandSpec spec, byte[][] argv);

    /**
     * Checks a command about to be queued inside MULTI: an error reply text refuses it (and flags
     * the transaction, so EXEC answers EXECABORT), null queues it. Cluster mode refuses commands
     * of slots this node does not lead, as Redis Cluster redirects them.
     */
    default String checkQueued(ClientConnection conn, CommandSpec spec, byte[][] argv) {
      return null;
    }
  }

  private volatile CommandRouter router;

  /** Installs the cluster router (null: single-node behaviour). */
  public void setRouter(CommandRouter router) {
    this.router = router;
  }

  private static boolean allowedWhileSubscribed(CommandSpec spec) {
    return switch (spec.name()) {
      case "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe",
           "ping", "quit", "reset" -> true;
      default -> false;
    };
  }

  private static boolean runsInsideMulti(CommandSpec spec) {
    return switch (spec.name()) {
      case "exec", "discard", "multi", "watch", "quit", "reset" -> true;
      default -> false;
    };
  }

  private void rejectWith(Reply reply, String message, CommandSpec spec) {
    reply.error(message);
    stats.error(message);
    if (spec != null) {
      stats.of(spec).rejected.increment();
    }
  }

  // ---- running ----------------------------------------------------------------------------------

  /**
   * Runs a command with the locks its keys need. When the command asks to block (and the
   * connection is not in a transaction), the client is parked before the locks are released.
   */
  public void run(ClientConnection conn, CommandSpec spec, byte[][] argv, Reply reply, boolean reprocessing) {
    long started = System.nanoTime();
    boolean failed = false;
    int[] shards;
    int[] keyIndexes = spec.keyIndexes(argv);
    if (spec.has(CommandFlag.ALL_SHARDS)) {
      shards = ShardLocks.all(db);
    } else {
      shards = ShardLocks.shardsOf(db, argv, keyIndexes);
    }
    ShardLocks.lock(db, shards);
    try {
      CommandContext ctx = contexts.get();
      if (keyIndexes.length == 1 && shards.length == 1) {
        ctx.primeShard(argv[keyIndexes[0]], db, db.shard(shards[0]));
      }
      failed = invoke(ctx, conn, spec, argv, reply, reprocessing);
      if (ctx.blocked()) {
        if (conn.inMulti()) {
          ctx.blockTimeoutReply().accept(reply);
        } else {
          park(conn, spec, argv, ctx);
        }
      }
      afterWrite(spec, argv, keyIndexes, shards);
    } finally {
      ShardLocks.unlock(db, shards);
    }
    record(spec, started, failed);
    serveReadyKeys();
  }

  /**
   * Runs a command whose shard locks the caller already holds (EXEC runs its queue this way with
   * every shard locked). Blocking commands reply as if timed out, as Redis does inside MULTI.
   */
  public void runLocked(ClientConnection conn, CommandSpec spec, byte[][] argv, Reply reply) {
    long started = System.nanoTime();
    CommandContext ctx = new CommandContext(); // the caller's (EXEC's) context stays intact
    boolean failed = invoke(ctx, conn, spec, argv, reply, false);
    if (ctx.blocked()) {
      ctx.blockTimeoutReply().accept(reply);
    }
    afterWrite(spec, argv, spec.keyIndexes(argv), null);
    record(spec, started, failed);
  }

  /** Calls the command; on error, discards any partial reply and writes the error. */
  private boolean invoke(CommandContext ctx, ClientConnection conn, CommandSpec spec, byte[][] argv, Reply reply,
                         boolean reprocessing) {
    ctx.reset(spec, argv, reply, clock.getAsLong(), db, conn, reprocessing);
    ByteBuf buffer = reply instanceof RespReplyWriter w ? w.buffer() : null;
    int mark = buffer == null ? -1 : buffer.writerIndex();
    try {
      spec.impl().execute(ctx);
      return false;
    } catch (CommandException e) {
      if (buffer != null) {
        buffer.writerIndex(mark);
      }
      reply.error(e.getMessage());
      stats.error(e.getMessage());
      return true;
    } catch (RuntimeException | StackOverflowError e) {
      log.error("command {} failed unexpectedly", spec.name(), e);
      if (buffer != null) {
        buffer.writerIndex(mark);
      }
      String message = "ERR internal error in '" + spec.name() + "': " + e;
      reply.error(message);
      stats.error(message);
      return true;
    }
  }

  private void afterWrite(CommandSpec spec, byte[][] argv, int[] keyIndexes, int[] lockedShards) {
    if (spec.has(CommandFlag.WRITE)) {
      if (keyIndexes.length == 1 && lockedShards != null && lockedShards.length == 1) {
        db.shard(lockedShards[0]).refreshSize(argv[keyIndexes[0]]); // shard known: no second hash
      } else {
        for (int k : keyIndexes) {
          if (k < argv.length) {
            db.shardFor(argv[k]).refreshSize(argv[k]);
          }
        }
      }
    }
    int[] shards = lockedShards == null ? ShardLocks.all(db) : lockedShards;
    ArrayDeque<ReadyKey> ready = readyQueues.get();
    for (int s : shards) {
      List<byte[]> keys = db.shard(s).drainReadyKeys();
      for (byte[] key : keys) {
        ready.addLast(new ReadyKey(s, key));
      }
    }
  }

  private void record(CommandSpec spec, long startedNanos, boolean failed) {
    long nanos = System.nanoTime() - startedNanos;
    CommandStats.Counters c = stats.of(spec);
    c.calls.increment();
    c.micros.add(nanos / 1000);
    if (failed) {
      c.failed.increment();
    }
    commandListener.commandCompleted(spec, nanos, failed);
  }

  // ---- blocking ---------------------------------------------------------------------------------

  private void park(ClientConnection conn, CommandSpec spec, byte[][] argv, CommandContext ctx) {
    if (ctx.isReprocessing()) {
      return; // still waiting: it keeps its place in the queues
    }
    BlockedClient waiter = new BlockedClient(conn, spec, argv, ctx.blockKeys(), ctx.blockDeadlineMs(),
        ctx.blockTimeoutReply());
    for (byte[] key : waiter.keys) {
      db.shardFor(key).blockedOn(key).addLast(waiter);
    }
    conn.markBlocked(waiter);
    if (waiter.deadlineMs > 0) {
      long delayMs = Math.max(0, waiter.deadlineMs - clock.getAsLong());
      waiter.timeoutTask = conn.channel().eventLoop().schedule(() -> timeout(waiter), delayMs, TimeUnit.MILLISECONDS);
    }
  }

  /** Serves clients blocked on keys that commands made ready, in FIFO order per key. */
  private void serveReadyKeys() {
    ArrayDeque<ReadyKey> ready = readyQueues.get();
    int rounds = 0;
    while (!ready.isEmpty()) {
      ReadyKey rk = ready.pollFirst();
      Keyspace ks = db.shard(rk.shard());
      // Bounded: each round either serves a waiter (removing it) or stops on this key.
      while (rounds++ < 1_000_000) {
        BlockedClient first;
        ks.lock().lock();
        try {
          var queue = ks.blockedOnOrNull(rk.key());
          first = queue == null ? null : (BlockedClient) queue.peekFirst();
        } finally {
          ks.lock().unlock();
        }
        if (first == null || !serve(first)) {
          break;
        }
      }
    }
  }

  /** Runs a blocked client's command again; true if it completed (and so left the queues). */
  private boolean serve(BlockedClient waiter) {
    ClientConnection conn = waiter.connection;
    ByteBuf buffer = conn.channel().alloc().buffer(64);
    RespReplyWriter reply = new RespReplyWriter(buffer, conn.protocol());
    int[] keyIndexes = waiter.spec.keyIndexes(waiter.argv);
    int[] shards = ShardLocks.shardsOf(db, waiter.argv, keyIndexes);
    boolean completed;
    long started = System.nanoTime();
    ShardLocks.lock(db, shards);
    try {
      if (waiter.done) {
        buffer.release();
        return true; // someone else finished it; the queue no longer holds it
      }
      CommandContext ctx = contexts.get();
      boolean failed = invoke(ctx, conn, waiter.spec, waiter.argv, reply, true);
      completed = !ctx.blocked();
      if (completed) {
        unregister(waiter);
        afterWrite(waiter.spec, waiter.argv, keyIndexes, shards);
        record(waiter.spec, started, failed);
      }
    } finally {
      ShardLocks.unlock(db, shards);
    }
    if (completed) {
      if (waiter.timeoutTask != null) {
        waiter.timeoutTask.cancel(false);
      }
      conn.channel().writeAndFlush(buffer, conn.channel().voidPromise());
      conn.channel().eventLoop().execute(conn::unblocked);
    } else {
      buffer.release();
    }
    return completed;
  }

  /** Removes a waiter from every queue. Caller holds the locks of all its keys' shards. */
  private void unregister(BlockedClient waiter) {
    waiter.done = true;
    for (byte[] key : waiter.keys) {
      Keyspace ks = db.shardFor(key);
      var queue = ks.blockedOnOrNull(key);
      if (queue != null) {
        queue.remove(waiter);
        ks.removeBlockedQueueIfEmpty(key);
      }
    }
  }

  private void timeout(BlockedClient waiter) {
    if (!finish(waiter)) {
      return;
    }
    ClientConnection conn = waiter.connection;
    waiter.timeoutReply.accept(conn.writer());
    conn.unblocked();
  }

  /** Takes a waiter out of the queues if nobody has yet; true if this call did. */
  private boolean finish(BlockedClient waiter) {
    int[] shards = ShardLocks.shardsOf(db, waiter.keys);
    ShardLocks.lock(db, shards);
    try {
      if (waiter.done) {
        return false;
      }
      unregister(waiter);
      return true;
    } finally {
      ShardLocks.unlock(db, shards);
    }
  }

  /** CLIENT UNBLOCK: ends a blocked command early with its timeout reply (or an error). */
  public boolean unblock(ClientConnection conn, boolean withError) {
    Object state = conn.blockedState();
    if (!(state instanceof BlockedClient waiter) || !finish(waiter)) {
      return false;
    }
    if (waiter.timeoutTask != null) {
      waiter.timeoutTask.cancel(false);
    }
    conn.channel().eventLoop().execute(() -> {
      if (withError) {
        conn.writer().error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
      } else {
        waiter.timeoutReply.accept(conn.writer());
      }
      conn.unblocked();
    });
    return true;
  }

  /** A connection went away: drop it from any queue it waits in. */
  public void connectionClosed(ClientConnection conn) {
    if (conn.blockedState() instanceof BlockedClient waiter) {
      finish(waiter);
      if (waiter.timeoutTask != null) {
        waiter.timeoutTask.cancel(false);
      }
    }
    for (ConnectionListener l : closeListeners) {
      l.closed(conn);
    }
  }

  /**
   * RESET: the connection drops all its state. Code that keeps per-connection state elsewhere
   * (WATCH, pub/sub) forgets it here exactly as when the connection closes.
   */
  public void connectionReset(ClientConnection conn) {
    for (ConnectionListener l : closeListeners) {
      l.closed(conn);
    }
  }

  /**
   * Code that keeps per-connection state elsewhere (WATCH, pub/sub) cleans up through this. It is
   * called when a connection closes and when it is RESET (then the connection lives on and must
   * be left with no watched keys and no subscriptions; it gets no messages about them).
   */
  @FunctionalInterface
  public interface ConnectionListener {
    void closed(ClientConnection conn);
  }

  private final List<ConnectionListener> closeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public void onConnectionClosed(ConnectionListener listener) {
    closeListeners.add(listener);
  }

  /** Hook for output buffer limits; set by the server. */
  private volatile java.util.function.Consumer<ClientConnection> outputBufferWatcher = c -> { };

  public void setOutputBufferWatcher(java.util.function.Consumer<ClientConnection> watcher) {
    this.outputBufferWatcher = watcher;
  }

  public void outputBufferChanged(ClientConnection conn) {
    outputBufferWatcher.accept(conn);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String printable(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.length() > UNKNOWN_COMMAND_ARGS_PREVIEW ? s.substring(0, UNKNOWN_COMMAND_ARGS_PREVIEW) : s;
  }

  /** Redis's "with args beginning with: 'a' 'b' " text, at most 128 characters of arguments. */
  private static String argsPreview(byte[][] argv) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < argv.length && sb.length() < UNKNOWN_COMMAND_ARGS_PREVIEW; i++) {
      String a = new String(argv[i], StandardCharsets.UTF_8);
      int room = UNKNOWN_COMMAND_ARGS_PREVIEW - sb.length();
      sb.append('\'').append(a.length() > room ? a.substring(0, room) : a).append("' ");
    }
    return sb.toString();
  }
}
