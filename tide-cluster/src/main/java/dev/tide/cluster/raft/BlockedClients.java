package dev.tide.cluster.raft;

import com.alipay.sofa.jraft.Status;
import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.Session;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.protocol.Reply;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.server.connection.ClientConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Clients blocked on keys of one partition (BLPOP, BRPOP, BLMOVE, BZPOPMIN, BZPOPMAX ...), kept
 * by the partition's leader.
 *
 * <p><b>Design.</b> A pop is a write, so every attempt to serve a blocked client is a log record
 * that every replica applies; only the waiting is the leader's own business. A blocking command is
 * proposed like any write. When the state machine applies it on the leader and it finds nothing
 * ({@link Proposal#applied} with {@code blocked}), the client is parked here: appended to the
 * queue of each key it waits on (the keyspace's own {@code blockedOn} queues, so the keyspace
 * signals those keys when they become ready) with a timer for its deadline. Followers apply the
 * same record, find the same nothing, and do nothing. When a later record makes a key ready, the
 * state machine tells {@link #keysReady} (on the leader only: followers have no queues), and the
 * first waiting client in that key's queue is proposed again as a re-run ({@link
 * Batch.Command#reprocess}). If the re-run pops, the client gets its reply and leaves every queue,
 * and the pop itself signals the key again if it still holds data, which serves the next client;
 * if it finds nothing (another client's command took the data first), the walk goes on to the next
 * client in the queue, as Redis tries each client blocked on a key in turn.
 *
 * <p><b>Order.</b> Clients blocked on a key are served first come, first served, as in Redis. A new
 * blocking command for a key that already has waiters queues behind them instead of trying the
 * key itself, so it cannot take data that arrived for an earlier client while that client's re-run
 * is on its way through the log; if the key holds data, the queue is walked at once (the earlier
 * clients may wait for another type). (A non-blocking pop in that window can still take it: Redis serves
 * blocked clients before any other command, Tide within one commit.)
 *
 * <p><b>Time.</b> A waiter's deadline is the engine's, computed from the entry's leader time; the
 * leader's timer fires on the client's event loop. A timer that fires while a re-run is in the
 * log waits for its outcome: a pop that commits is delivered, never lost to a timeout.
 *
 * <p><b>Leadership.</b> When this replica stops leading, every waiter gets {@link #LEADER_LOST}
 * (TRYAGAIN: the client retries, and its cluster client follows the MOVED it then gets).
 *
 * <p><b>Threads.</b> Every field of a waiter and every queue is guarded by the lock of the
 * keyspace the waiter is registered in: the state machine holds it while applying, and the event
 * loop takes it for timeouts and closed connections.
 */
final class BlockedClients {

  static final String LEADER_LOST = "TRYAGAIN The partition's leader changed while the client was blocked; retry";

  /** A client blocked on keys. Guarded by {@link #ks}'s lock. */
  static final class Waiter {
    final ClientConnection conn;
    final CommandSpec spec;
    final byte[][] argv;
    final Keyspace ks;
    final BlockedClients owner;
    byte[][] keys;
    long deadlineMs;
    Consumer<Reply> timeoutReply;
    boolean registered;
    boolean done;
    boolean retrying;
    boolean timedOut;
    /** The command ran at least once (later runs are re-runs: keys of another type are skipped). */
    boolean ranOnce;
    /** The key whose readiness the re-run in flight answers, for the walk to go on if it finds nothing. */
    byte[] retryKey;
    ScheduledFuture<?> timer;

    Waiter(ClientConnection conn, CommandSpec spec, byte[][] argv, Keyspace ks, BlockedClients owner) {
      this.conn = conn;
      this.spec = spec;
      this.argv = argv;
      this.ks = ks;
      this.owner = owner;
    }
  }

  private final Partition partition;
  private final LongSupplier clock;
  /** Every registered waiter, for leadership loss. Guarded by the keyspace lock. */
  private final Set<Waiter> all = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  BlockedClients(Partition partition, LongSupplier clock) {
    this.partition = partition;
    this.clock = clock;
  }

  // ---- a new blocking command (client's event loop) ------------------------------------------------

  /**
   * Takes a blocking command on the leader: queues it behind earlier waiters of its keys, or
   * proposes it. The connection stays parked until it is answered.
   */
  void submit(ClientConnection conn, CommandSpec spec, byte[][] argv, Keyspace ks) {
    Waiter w = new Waiter(conn, spec, argv, ks, this);
    conn.markBlocked(w);
    byte[][] keys = blockKeys(spec, argv);
    ks.lock().lock();
    try {
      if (hasWaiters(ks, keys)) {
        long deadline;
        try {
          deadline = Args.parseTimeoutDeadlineMs(argv[timeoutIndex(spec, argv)], clock.getAsLong());
        } catch (CommandException e) {
          w.done = true;
          BatchClosure.deliver(conn, BatchClosure.errorBuffer(e.getMessage()));
          return;
        }
        w.keys = keys;
        w.deadlineMs = deadline;
        w.timeoutReply = Reply::nullArray;
        register(w);
        // The earlier waiters may wait for another type than the data the key holds now (a BLPOP
        // on a key that became a sorted set): walk the queue so that whoever can pop, does.
        for (byte[] key : keys) {
          serveNext(ks, key, null);
        }
        return;
      }
    } finally {
      ks.lock().unlock();
    }
    if (!partition.enqueue(new Attempt(w, false))) {
      BatchClosure.deliver(conn, BatchClosure.errorBuffer(Partition.QUEUE_FULL));
    }
  }

  private static boolean hasWaiters(Keyspace ks, byte[][] keys) {
    for (byte[] k : keys) {
      ArrayDeque<Object> q = ks.blockedOnOrNull(k);
      if (q != null && !q.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The keys a blocking command waits on, as the engine's commands block (for queueing behind). */
  static byte[][] blockKeys(CommandSpec spec, byte[][] argv) {
    return switch (spec.name()) {
      case "blmove", "brpoplpush" -> new byte[][] {argv[1]};
      case "blmpop", "bzmpop" -> distinct(argv, 3, argv.length); // timeout numkeys key ... LEFT|RIGHT|MIN|MAX
      default -> distinct(argv, 1, argv.length - 1); // BLPOP BRPOP BZPOPMIN BZPOPMAX: key ... timeout
    };
  }

  static int timeoutIndex(CommandSpec spec, byte[][] argv) {
    return switch (spec.name()) {
      case "blmove" -> 5;
      case "brpoplpush" -> 3;
      case "blmpop", "bzmpop" -> 1;
      default -> argv.length - 1;
    };
  }

  private static byte[][] distinct(byte[][] argv, int from, int to) {
    List<byte[]> keys = new ArrayList<>();
    outer:
    for (int i = from; i < Math.min(to, argv.length); i++) {
      for (byte[] k : keys) {
        if (Arrays.equals(k, argv[i])) {
          continue outer;
        }
      }
      keys.add(argv[i]);
    }
    return keys.toArray(new byte[0][]);
  }

  // ---- queues (keyspace lock held) -------------------------------------------------------------------

  private void register(Waiter w) {
    for (byte[] key : w.keys) {
      w.ks.blockedOn(key).addLast(w);
    }
    w.registered = true;
    all.add(w);
    if (w.deadlineMs > 0) {
      long delayMs = Math.max(0, w.deadlineMs - clock.getAsLong());
      w.timer = w.conn.channel().eventLoop().schedule(() -> timeout(w), delayMs, TimeUnit.MILLISECONDS);
    }
  }

  private void unregister(Waiter w) {
    if (w.registered) {
      for (byte[] key : w.keys) {
        ArrayDeque<Object> q = w.ks.blockedOnOrNull(key);
        if (q != null) {
          q.remove(w);
          w.ks.removeBlockedQueueIfEmpty(key);
        }
      }
      w.registered = false;
    }
    all.remove(w);
    if (w.timer != null) {
      w.timer.cancel(false);
    }
  }

  /** The state machine applied records that made these keys ready. FSM thread, lock held. */
  void keysReady(Keyspace ks, List<byte[]> keys) {
    for (byte[] key : keys) {
      serveNext(ks, key, null);
    }
  }

  /**
   * Proposes a re-run for the first client in {@code key}'s queue after {@code after} (from the
   * head when null) that is waiting and has no re-run in flight, if the key holds data.
   */
  private void serveNext(Keyspace ks, byte[] key, Waiter after) {
    ArrayDeque<Object> q = ks.blockedOnOrNull(key);
    if (q == null || q.isEmpty() || ks.node(key) == null) {
      return;
    }
    boolean passed = after == null;
    for (Object o : q) {
      Waiter w = (Waiter) o;
      if (!passed) {
        passed = w == after;
        continue;
      }
      if (!w.done && !w.retrying) {
        w.retrying = true;
        w.retryKey = key;
        if (!partition.enqueue(new Attempt(w, w.ranOnce))) {
          w.retrying = false; // the queue is full: the next signal tries again
        }
        return;
      }
    }
  }

  // ---- outcomes -----------------------------------------------------------------------------------------

  /** FSM thread, lock held: one run of a waiter's command was applied on this leader. */
  private void applied(Attempt a, boolean blocked, CommandContext ctx) {
    Waiter w = a.waiter;
    w.ranOnce = true;
    boolean wasRetry = w.retrying;
    byte[] retryKey = w.retryKey;
    w.retrying = false;
    w.retryKey = null;
    if (w.done) {
      return; // the client left (closed, leadership lost) while the run was in the log
    }
    if (!blocked) {
      w.done = true;
      a.served = true;
      unregister(w);
      return;
    }
    if (!w.registered) {
      w.keys = ctx.blockKeys();
      w.deadlineMs = ctx.blockDeadlineMs();
      w.timeoutReply = ctx.blockTimeoutReply();
      register(w);
    } else if (w.timedOut) {
      w.done = true;
      unregister(w);
      a.timedOutReply = w.timeoutReply;
      return;
    }
    if (wasRetry && retryKey != null) {
      serveNext(w.ks, retryKey, w); // it found nothing: the next client may (another type, another key)
    }
  }

  private void timeout(Waiter w) {
    w.ks.lock().lock();
    try {
      if (w.done) {
        return;
      }
      if (w.retrying) {
        w.timedOut = true; // the re-run in the log decides; it may have popped
        return;
      }
      w.done = true;
      unregister(w);
    } finally {
      w.ks.lock().unlock();
    }
    ClientConnection conn = w.conn;
    if (conn.closing() || !conn.channel().isActive()) {
      return;
    }
    w.timeoutReply.accept(conn.writer());
    conn.flush();
    conn.unblocked();
  }

  /** The client's connection closed: it leaves every queue. Its event loop. */
  void connectionClosed(Waiter w) {
    w.ks.lock().lock();
    try {
      w.done = true;
      unregister(w);
    } finally {
      w.ks.lock().unlock();
    }
  }

  /** This replica stopped leading: every waiter is answered TRYAGAIN. FSM thread. */
  void leaderStopped(Keyspace ks) {
    List<Waiter> failed = new ArrayList<>();
    ks.lock().lock();
    try {
      for (Waiter w : new ArrayList<>(all)) {
        w.done = true;
        unregister(w);
        failed.add(w);
      }
    } finally {
      ks.lock().unlock();
    }
    for (Waiter w : failed) {
      BatchClosure.deliver(w.conn, BatchClosure.errorBuffer(LEADER_LOST));
    }
  }

  int waiting() {
    return all.size();
  }

  /** One proposed run of a waiter's command. */
  final class Attempt extends Proposal {
    final Waiter waiter;
    private ByteBuf out;
    private RespReplyWriter writer;
    /** Set when applied: the command replied (popped, or failed with an error). */
    boolean served;
    /** Set when applied: the deadline passed during a re-run that found nothing. */
    Consumer<Reply> timedOutReply;

    Attempt(Waiter waiter, boolean reprocess) {
      super(new Batch.Command(waiter.argv, reprocess));
      this.waiter = waiter;
    }

    @Override
    Reply replyFor(int i) {
      if (out == null) {
        out = Unpooled.buffer(64);
        writer = new RespReplyWriter(out, waiter.conn.protocol());
      }
      return writer;
    }

    @Override
    Session session() {
      return waiter.conn;
    }

    @Override
    void applied(boolean blocked, CommandContext ctx) {
      BlockedClients.this.applied(this, blocked, ctx);
    }

    @Override
    void completed(Status status) {
      if (status.isOk() && served) {
        BatchClosure.deliver(waiter.conn, out);
        return;
      }
      if (out != null) {
        out.release();
      }
      if (status.isOk()) {
        if (timedOutReply != null) {
          ByteBuf b = Unpooled.buffer(16);
          timedOutReply.accept(new RespReplyWriter(b, waiter.conn.protocol()));
          BatchClosure.deliver(waiter.conn, b);
        }
        return; // still waiting (registered), or already answered
      }
      // Not committed by this leader. A first run that never registered has nobody else to answer it.
      boolean answer;
      waiter.ks.lock().lock();
      try {
        waiter.retrying = false;
        answer = !waiter.done;
        waiter.done = true;
        unregister(waiter);
      } finally {
        waiter.ks.lock().unlock();
      }
      if (answer) {
        BatchClosure.deliver(waiter.conn, BatchClosure.errorBuffer(BatchClosure.NOT_COMMITTED));
      }
    }
  }
}
