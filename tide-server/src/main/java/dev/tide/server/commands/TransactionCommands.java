package dev.tide.server.commands;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.keyspace.Database;
import dev.tide.protocol.Reply;
import dev.tide.server.TideServer;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.dispatch.CommandExecutor;
import dev.tide.server.transactions.WatchedKeys;

import java.util.ArrayList;
import java.util.List;

/**
 * MULTI EXEC DISCARD WATCH UNWATCH, with Redis 7.0 semantics.
 *
 * <p>The executor queues commands while a connection is in MULTI (replying QUEUED) and marks the
 * transaction dirty when a queued command is refused (unknown command, wrong arity, no_multi).
 * EXEC is flagged {@code all_shards}: the executor holds every shard lock while EXEC checks the
 * watched keys and runs the queue through {@link CommandExecutor#runLocked}, so no other command
 * can see or interleave with half a transaction, whatever shards its keys live in. Errors of
 * single commands (WRONGTYPE ...) take their place in EXEC's reply; the others still run.
 */
public final class TransactionCommands {

  static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

  private TransactionCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    Database db = server.db();
    CommandExecutor executor = server.executor();
    table.register(CommandSpec.builder("multi", 1, "noscript loading stale fast allow_busy connection")
        .group("transactions").since("1.2.0").summary("Starts a transaction.").acl("@fast", "@transaction")
        .impl(TransactionCommands::multi));
    table.register(CommandSpec.builder("exec", 1, "noscript loading stale all_shards")
        .group("transactions").since("1.2.0").summary("Executes all commands in a transaction.")
        .acl("@slow", "@transaction")
        .impl(ctx -> exec(ctx, table, executor, db)));
    table.register(CommandSpec.builder("discard", 1, "noscript loading stale fast allow_busy connection")
        .group("transactions").since("2.0.0").summary("Discards a transaction.").acl("@fast", "@transaction")
        .impl(ctx -> discard(ctx, db)));
    // WATCH declares its keys so the executor locks their shards while the watchers register.
    // Tide's spec requires keyed commands to be readonly or write; WATCH only reads (its key
    // spec is RO in Redis), so it is flagged readonly.
    table.register(CommandSpec.builder("watch", -2, "noscript loading stale fast allow_busy")
        .keys(1, -1, 1).group("transactions").since("2.2.0")
        .summary("Monitors changes to keys to determine the execution of a transaction.")
        .acl("@fast", "@transaction").impl(TransactionCommands::watch));
    table.register(CommandSpec.builder("unwatch", 1, "noscript loading stale fast allow_busy connection")
        .group("transactions").since("2.2.0").summary("Forgets about watched keys of a transaction.")
        .acl("@fast", "@transaction").impl(ctx -> {
          WatchedKeys.unwatchAll((ClientConnection) ctx.session(), db);
          ctx.reply().ok();
        }));
    executor.onConnectionClosed(conn -> reset(conn, db));
  }

  /**
   * Ends any transaction of {@code conn} and forgets its watched keys, as RESET and connection
   * close do. Event loop of {@code conn} only, with no shard locks held (or all of them).
   */
  public static void reset(ClientConnection conn, Database db) {
    conn.multiQueue().clear();
    conn.setInMulti(false);
    conn.setMultiDirty(false);
    WatchedKeys.unwatchAll(conn, db);
  }

  static void multi(CommandContext ctx) {
    ClientConnection conn = (ClientConnection) ctx.session();
    if (conn.inMulti()) {
      // Redis does not flag the transaction for this one: the EXEC that follows still runs.
      throw new CommandException("ERR MULTI calls can not be nested");
    }
    conn.setInMulti(true);
    ctx.reply().ok();
  }

  static void discard(CommandContext ctx, Database db) {
    ClientConnection conn = (ClientConnection) ctx.session();
    if (!conn.inMulti()) {
      throw new CommandException("ERR DISCARD without MULTI");
    }
    reset(conn, db);
    ctx.reply().ok();
  }

  static void watch(CommandContext ctx) {
    ClientConnection conn = (ClientConnection) ctx.session();
    if (conn.inMulti()) {
      throw new CommandException("ERR WATCH inside MULTI is not allowed");
    }
    if (!conn.watchDirty()) { // once dirty, EXEC fails anyway: watching more is pointless
      WatchedKeys watched = WatchedKeys.of(conn);
      for (int i = 1; i < ctx.argc(); i++) {
        byte[] key = ctx.arg(i);
        watched.watch(ctx.keyspace(key), key, ctx.nowMs());
      }
    }
    ctx.reply().ok();
  }

  /** Runs with every shard locked (EXEC is {@code all_shards}). */
  static void exec(CommandContext ctx, CommandTable table, CommandExecutor executor, Database db) {
    ClientConnection conn = (ClientConnection) ctx.session();
    if (!conn.inMulti()) {
      throw new CommandException("ERR EXEC without MULTI");
    }
    if (conn.multiDirty()) {
      reset(conn, db);
      throw new CommandException(EXECABORT);
    }
    boolean watchFailed = conn.watchDirty()
        || conn.watchState() instanceof WatchedKeys w && w.expiredSinceWatch(ctx.nowMs());
    if (watchFailed) {
      reset(conn, db);
      ctx.reply().nullArray();
      return;
    }
    List<byte[][]> queue = new ArrayList<>(conn.multiQueue());
    conn.multiQueue().clear();
    // Unwatch first: the transaction's own writes to watched keys must not matter.
    WatchedKeys.unwatchAll(conn, db);
    Reply reply = ctx.reply();
    reply.array(queue.size());
    try {
      // inMulti stays true while the queue runs: Session.inTransaction() tells blocking commands
      // to answer at once, and SSUBSCRIBE refuses to run, as in Redis.
      for (byte[][] argv : queue) {
        CommandSpec spec = table.lookup(argv[0]); // checked when queued; the table never shrinks
        executor.runLocked(conn, spec, argv, reply);
      }
    } finally {
      conn.setInMulti(false);
      conn.setMultiDirty(false);
    }
  }
}
