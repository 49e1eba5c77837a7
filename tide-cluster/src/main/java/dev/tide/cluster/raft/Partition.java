package dev.tide.cluster.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.rpc.RpcServer;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.Session;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.protocol.Reply;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.server.connection.ClientConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * This node's replica of one partition: its SOFAJRaft group, state machine, write batcher and
 * read path.
 *
 * <p><b>Writes.</b> {@link #propose} queues the client's command; the first command to arrive in
 * an empty queue schedules a flush {@link #BATCH_WINDOW_MICROS} later, which packs up to
 * {@link Batch#MAX_COMMANDS} commands / {@link Batch#MAX_BYTES} bytes into one {@link Batch}
 * (stamped with the leader's time and a random seed) and hands it to JRaft. Each client's
 * connection is parked (it runs no further request) until its reply is written after commit and
 * apply, so pipelined requests keep their order.
 *
 * <p>Besides single commands the batcher carries MULTI/EXEC transactions as one record
 * ({@link #proposeTransaction}), runs of blocking commands ({@link #proposeBlocking}, waiting
 * clients kept by {@link BlockedClients}), and the node's own records: flushes and active expiry
 * ({@link #activeExpireTick}). Each queued {@link Proposal} says where its reply goes.
 *
 * <p><b>Reads.</b> {@link #read} asks JRaft for a ReadIndex (the leader confirms with a majority
 * that it still leads, and waits until its state machine has applied up to the commit index it
 * saw), then runs the command against the local keyspace on the client's event loop: a
 * linearizable read without writing to the log. WATCH ({@link #watch}) and read-only
 * transactions ({@link #readTransaction}) work the same way. {@link #readLocal} serves a READONLY
 * client from this replica without a ReadIndex.
 */
public final class Partition {

  private static final Logger log = LoggerFactory.getLogger(Partition.class);

  /**
   * How long the first command of a batch waits for company: tens to hundreds of µs (issue 4).
   * Short against the ~1 ms a commit costs here with fsync, long enough that concurrent clients'
   * commands share an entry.
   */
  public static final long BATCH_WINDOW_MICROS = 100;
  /** Commands waiting for a batch, per partition; beyond this clients get TRYAGAIN (bounded memory). */
  public static final int MAX_QUEUED_COMMANDS = 10_000;

  static final String QUEUE_FULL = "TRYAGAIN Too many writes waiting for this partition; retry";
  static final String NOT_LEADER = "TRYAGAIN This node no longer leads the partition; retry";

  private final int id;
  private final String groupId;
  private final PartitionFsm fsm;
  private final ScheduledExecutorService batcher;
  private final LongSupplier clock;
  private final ConcurrentLinkedQueue<Proposal> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final SplittableRandom seeds = new SplittableRandom();
  private final ThreadLocal<CommandContext> readContexts = ThreadLocal.withInitial(CommandContext::new);
  private RaftGroupService service;
  private volatile Node node;
  /** Where commands go that were handed back unexecuted (see {@link #onNotAppended}); null: TRYAGAIN. */
  private volatile BiConsumer<ClientConnection, byte[][]> notAppended;
  private long lastProposedMs;
  private final BlockedClients blocked;
  private final AtomicBoolean expiryInFlight = new AtomicBoolean();

  public Partition(int id, CommandTable table, EngineConfig engineConfig, ScheduledExecutorService batcher,
                   LongSupplier clock) {
    this.id = id;
    this.groupId = groupId(id);
    this.fsm = new PartitionFsm(id, table, engineConfig);
    this.batcher = batcher;
    this.clock = clock;
    this.blocked = new BlockedClients(this, clock);
    fsm.setReadyListener(blocked::keysReady);
    fsm.setLeaderListener(new PartitionFsm.LeaderListener() {
      @Override
      public void leaderStarted(long term) {
      }

      @Override
      public void leaderStopped() {
        blocked.leaderStopped(fsm.db().shard(0));
      }
    });
  }

  public static String groupId(int partition) {
    return "p" + partition;
  }

  /** Starts the Raft group on the node's shared RPC server, with its files under {@code dir}. */
  public void start(RpcServer rpcServer, PeerId self, List<PeerId> peers, Path dir, NodeOptions template)
      throws java.io.IOException {
    Files.createDirectories(dir);
    NodeOptions opts = template.copy();
    opts.setServiceFactory(template.getServiceFactory()); // copy() leaves it out
    opts.setSnapshotThrottle(template.getSnapshotThrottle()); // and this
    opts.setFsm(fsm);
    opts.setInitialConf(new Configuration(peers));
    opts.setLogUri(dir.resolve("log").toString());
    opts.setRaftMetaUri(dir.resolve("meta").toString());
    opts.setSnapshotUri(dir.resolve("snapshot").toString());
    service = new RaftGroupService(groupId, self, opts, rpcServer, true);
    node = service.start(false);
  }

  public int id() {
    return id;
  }

  /**
   * Sets where commands go that this replica hands back unexecuted: writes it did not append to
   * its log (leadership was being transferred, so JRaft refused the entry with EBUSY, or it stopped
   * leading before the batch was proposed) and reads whose ReadIndex failed (it no longer leads).
   * Such commands certainly had no effect, so the router sends them to the current leader instead
   * of failing them. The client's connection is still parked when it is called.
   */
  public void onNotAppended(BiConsumer<ClientConnection, byte[][]> handler) {
    this.notAppended = handler;
  }

  public PartitionFsm fsm() {
    return fsm;
  }

  public Node node() {
    return node;
  }

  public boolean isLeader() {
    Node n = node;
    return n != null && n.isLeader() && fsm.leaderTerm() >= 0;
  }

  /** The current leader's bus address as JRaft knows it, or null while there is none. */
  public PeerId leaderId() {
    Node n = node;
    if (n == null) {
      return null;
    }
    PeerId leader = n.getLeaderId();
    return leader == null || leader.isEmpty() ? null : leader;
  }

  // ---- writes ----------------------------------------------------------------------------------

  /** Queues a write; the connection is parked until its reply is written. Event loop of conn. */
  public void propose(ClientConnection conn, byte[][] argv) {
    ClientCommand c = new ClientCommand(conn, argv);
    if (!enqueue(c)) {
      conn.writer().error(QUEUE_FULL);
      return;
    }
    conn.markBlocked(c);
  }

  /**
   * Queues a blocking command (BLPOP ...): it is proposed, or parked behind earlier clients blocked
   * on its keys, and answered when it pops, times out, or this replica stops leading. Event loop of conn.
   */
  public void proposeBlocking(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    blocked.submit(conn, spec, argv, fsm.db().shard(0));
  }

  /** The connection closed: it leaves any queue of blocked clients here. Its event loop. */
  public void connectionClosed(ClientConnection conn) {
    if (conn.blockedState() instanceof BlockedClients.Waiter w && w.owner == blocked) {
      blocked.connectionClosed(w);
    }
  }

  /** Clients blocked on this partition's keys (leader only). */
  public int blockedClients() {
    Keyspace ks = fsm.db().shard(0);
    ks.lock().lock();
    try {
      return blocked.waiting();
    } finally {
      ks.lock().unlock();
    }
  }

  /**
   * The outcome of a transaction, on the client's event loop. {@code error}: not applied (reply
   * it); {@code aborted}: a watched key changed (reply a null array); otherwise {@code replies}
   * holds each command's reply in order, which the callee releases.
   */
  @FunctionalInterface
  public interface TransactionOutcome {
    void done(String error, boolean aborted, ByteBuf[] replies);
  }

  /**
   * Proposes MULTI/EXEC's commands (all of this partition) as one record: applied together, or not
   * at all when a watched key changed. The connection is parked until {@code outcome} runs.
   */
  public void proposeTransaction(ClientConnection conn, List<byte[][]> commands, List<Batch.WatchedKey> watches,
                                 TransactionOutcome outcome) {
    TransactionProposal t = new TransactionProposal(conn, commands, watches, outcome);
    if (!enqueue(t)) {
      outcome.done(QUEUE_FULL, false, null);
      return;
    }
    conn.markBlocked(t);
  }

  /** Proposes a record nobody waits for on a connection (flush, active expiry); {@code done} hears the outcome. */
  public boolean proposeInternal(Batch.Record record, java.util.function.Consumer<Status> done) {
    return enqueue(new InternalProposal(record, done));
  }

  /** Adds a proposal to the batcher's queue; false when the queue is full. Any thread. */
  boolean enqueue(Proposal p) {
    if (queued.incrementAndGet() > MAX_QUEUED_COMMANDS) {
      queued.decrementAndGet();
      return false;
    }
    queue.add(p);
    if (flushScheduled.compareAndSet(false, true)) {
      try {
        batcher.schedule(this::flush, BATCH_WINDOW_MICROS, TimeUnit.MICROSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The node is closing: JRaft's shutdown answers what is already proposed; drop this one.
        queue.remove(p);
        queued.decrementAndGet();
        flushScheduled.set(false);
        return false;
      }
    }
    return true;
  }

  /** Packs queued proposals into entries until the queue is empty. Batcher thread. */
  private void flush() {
    flushScheduled.set(false);
    try {
      while (!queue.isEmpty()) {
        List<Proposal> taken = new ArrayList<>();
        int bytes = 0;
        Proposal p;
        while (taken.size() < Batch.MAX_COMMANDS && (p = queue.peek()) != null
            && (taken.isEmpty() || bytes + p.encodedBytes <= Batch.MAX_BYTES)) {
          queue.poll();
          taken.add(p);
          bytes += p.encodedBytes;
        }
        queued.addAndGet(-taken.size());
        submit(taken);
      }
    } catch (RuntimeException e) {
      log.error("partition {}: batching failed", id, e);
    }
  }

  private void submit(List<Proposal> taken) {
    BatchClosure closure = new BatchClosure(taken, notAppended);
    long term = fsm.leaderTerm();
    Node n = node;
    if (term < 0 || n == null) {
      closure.run(new Status(com.alipay.sofa.jraft.error.RaftError.EBUSY, NOT_LEADER)); // never appended
      return;
    }
    // Time never goes back within a partition, even across leaders with different clocks.
    long now = Math.max(clock.getAsLong(), Math.max(lastProposedMs, fsm.lastAppliedMs()));
    lastProposedMs = now;
    List<Batch.Record> records = new ArrayList<>(taken.size());
    for (Proposal p : taken) {
      records.add(p.record);
    }
    Task task = new Task(ByteBuffer.wrap(new Batch(now, seeds.nextLong(), records).encode()), closure);
    task.setExpectedTerm(term);
    n.apply(task);
  }

  /** A client's write: its reply goes to its connection after commit and apply. */
  static final class ClientCommand extends Proposal {
    final ClientConnection conn;
    private final byte[][] argv;
    private ByteBuf out;
    private RespReplyWriter writer;

    ClientCommand(ClientConnection conn, byte[][] argv) {
      super(new Batch.Command(argv));
      this.conn = conn;
      this.argv = argv;
    }

    @Override
    boolean reroute(BiConsumer<ClientConnection, byte[][]> reroute) {
      if (out != null) {
        out.release();
        out = null;
      }
      reroute.accept(conn, argv);
      return true;
    }

    @Override
    Reply replyFor(int i) {
      if (out == null) {
        out = Unpooled.buffer(64);
        writer = new RespReplyWriter(out, conn.protocol());
      }
      return writer;
    }

    @Override
    Session session() {
      return conn;
    }

    @Override
    void completed(Status status) {
      if (status.isOk() && out != null) {
        BatchClosure.deliver(conn, out);
        return;
      }
      if (out != null) {
        out.release();
      }
      BatchClosure.deliver(conn, BatchClosure.errorBuffer(BatchClosure.NOT_COMMITTED));
    }
  }

  /** MULTI/EXEC as one record: each command's reply in its own buffer, or an abort. */
  static final class TransactionProposal extends Proposal {
    final ClientConnection conn;
    final TransactionOutcome outcome;
    private final ByteBuf[] replies;
    private final Session session;
    private boolean aborted;
    private boolean applied;

    TransactionProposal(ClientConnection conn, List<byte[][]> commands, List<Batch.WatchedKey> watches,
                        TransactionOutcome outcome) {
      super(new Batch.Transaction(commands, watches));
      this.conn = conn;
      this.outcome = outcome;
      this.replies = new ByteBuf[commands.size()];
      this.session = EngineCalls.inTransaction(conn);
    }

    @Override
    Reply replyFor(int i) {
      ByteBuf b = Unpooled.buffer(64);
      replies[i] = b;
      return new RespReplyWriter(b, conn.protocol());
    }

    @Override
    Session session() {
      return session;
    }

    @Override
    void applied(boolean blocked, CommandContext ctx) {
      applied = true;
    }

    @Override
    void aborted() {
      aborted = true;
    }

    @Override
    void completed(Status status) {
      boolean ok = status.isOk() && (applied || aborted);
      conn.channel().eventLoop().execute(() -> {
        if (conn.closing() || !conn.channel().isActive()) {
          release(replies);
          return;
        }
        if (ok) {
          outcome.done(null, aborted, replies);
        } else {
          release(replies);
          outcome.done(BatchClosure.NOT_COMMITTED, false, null);
        }
        conn.flush();
        conn.unblocked();
      });
    }
  }

  static void release(ByteBuf[] buffers) {
    if (buffers != null) {
      for (ByteBuf b : buffers) {
        if (b != null && b.refCnt() > 0) {
          b.release();
        }
      }
    }
  }

  /** A record of the node's own (flush, active expiry): replies are discarded. */
  static final class InternalProposal extends Proposal {
    private final java.util.function.Consumer<Status> done;
    private final ByteBuf out = Unpooled.buffer(16);
    private final RespReplyWriter writer = new RespReplyWriter(out, 2);

    InternalProposal(Batch.Record record, java.util.function.Consumer<Status> done) {
      super(record);
      this.done = done;
    }

    @Override
    Reply replyFor(int i) {
      out.clear();
      return writer;
    }

    @Override
    Session session() {
      return EngineCalls.REPLICA_SESSION;
    }

    @Override
    void completed(Status status) {
      out.release();
      done.accept(status);
    }
  }

  // ---- reads -----------------------------------------------------------------------------------

  /**
   * Runs a read after a ReadIndex confirms this replica is up to date. When it cannot (this
   * replica no longer leads), the read, which changed nothing, goes back to the router to run
   * where the leader is now ({@link #onNotAppended}), or gets TRYAGAIN. Event loop of conn.
   */
  public void read(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    conn.markBlocked(this);
    readIndex(ok -> conn.channel().eventLoop().execute(() -> finishPlainRead(conn, spec, argv, ok)));
  }

  private void finishPlainRead(ClientConnection conn, CommandSpec spec, byte[][] argv, boolean ok) {
    if (conn.closing() || !conn.channel().isActive()) {
      return;
    }
    BiConsumer<ClientConnection, byte[][]> retry = notAppended;
    if (ok) {
      runRead(conn, spec, argv);
    } else if (retry != null) {
      retry.accept(conn, argv); // still parked; the router resumes it
      return;
    } else {
      conn.writer().error(NOT_LEADER);
    }
    conn.flush();
    conn.unblocked();
  }

  /**
   * Runs {@code then} on the connection's event loop once a ReadIndex confirmed (true) or could
   * not confirm (false) that this replica leads and has applied everything committed before now;
   * the connection is parked meanwhile and resumes after {@code then}. Event loop of conn.
   */
  public void afterReadIndex(ClientConnection conn, java.util.function.Consumer<Boolean> then) {
    conn.markBlocked(this);
    readIndex(ok -> conn.channel().eventLoop().execute(() -> finishRead(conn, then, ok)));
  }

  /**
   * Asks for a ReadIndex without a client: {@code done} hears, on a JRaft thread, whether this
   * replica leads and has applied everything committed before the call.
   */
  public void readIndex(java.util.function.Consumer<Boolean> done) {
    Node n = node;
    if (n == null) {
      done.accept(false);
      return;
    }
    n.readIndex(null, new ReadIndexClosure() {
      @Override
      public void run(Status status, long index, byte[] reqCtx) {
        done.accept(status.isOk());
      }
    });
  }

  private static void finishRead(ClientConnection conn, java.util.function.Consumer<Boolean> then, boolean ok) {
    if (conn.closing() || !conn.channel().isActive()) {
      return;
    }
    then.accept(ok);
    conn.flush();
    conn.unblocked();
  }

  /**
   * A READONLY client's read on this replica, leader or follower, without a ReadIndex: it may see
   * a state a little behind the leader's, as a read from a Redis replica does. Event loop of conn.
   */
  public void readLocal(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    runRead(conn, spec, argv);
  }

  private void runRead(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    Database d = fsm.db();
    Keyspace ks = d.shard(0);
    long now = Math.max(clock.getAsLong(), fsm.lastAppliedMs());
    ks.lock().lock();
    try {
      EngineCalls.invoke(readContexts.get(), spec, argv, conn.writer(), now, d, conn);
    } finally {
      ks.lock().unlock();
    }
  }

  /**
   * WATCH on the leader, after a ReadIndex: records, for each key, the applied index and whether
   * the key was live (and its expiry time), which a later EXEC record carries. Event loop of conn.
   */
  public void watch(ClientConnection conn, byte[][] argv, java.util.function.Consumer<List<Batch.WatchedKey>> watched) {
    afterReadIndex(conn, ok -> {
      if (!ok) {
        conn.writer().error(NOT_LEADER);
        return;
      }
      Keyspace ks = fsm.db().shard(0);
      long now = Math.max(clock.getAsLong(), fsm.lastAppliedMs());
      List<Batch.WatchedKey> out = new ArrayList<>(argv.length - 1);
      ks.lock().lock();
      try {
        long index = fsm.appliedIndexLocked();
        for (int i = 1; i < argv.length; i++) {
          byte[] key = argv[i];
          boolean stored = ks.node(key) != null;
          long expireAt = stored ? ks.expireAt(key) : -1;
          boolean live = stored && (expireAt < 0 || expireAt > now);
          out.add(new Batch.WatchedKey(java.util.Arrays.copyOf(key, key.length), index, live, live ? expireAt : -1));
        }
      } finally {
        ks.lock().unlock();
      }
      watched.accept(out);
      conn.writer().ok();
    });
  }

  /**
   * A transaction whose commands only read: after a ReadIndex, the watched keys are checked and
   * the commands run on the leader's keyspace under its lock, so nothing interleaves, without a
   * log entry. {@code outcome} runs on the event loop of conn.
   */
  public void readTransaction(ClientConnection conn, List<byte[][]> commands, List<CommandSpec> specs,
                              List<Batch.WatchedKey> watches, TransactionOutcome outcome) {
    afterReadIndex(conn, ok -> {
      if (!ok) {
        outcome.done(NOT_LEADER, false, null);
        return;
      }
      Database d = fsm.db();
      Keyspace ks = d.shard(0);
      long now = Math.max(clock.getAsLong(), fsm.lastAppliedMs());
      ByteBuf[] replies = new ByteBuf[commands.size()];
      boolean aborted = false;
      ks.lock().lock();
      try {
        for (Batch.WatchedKey w : watches) {
          if (fsm.modifications().watchBroken(w, now)) {
            aborted = true;
            break;
          }
        }
        if (!aborted) {
          Session session = EngineCalls.inTransaction(conn);
          for (int i = 0; i < commands.size(); i++) {
            replies[i] = Unpooled.buffer(64);
            EngineCalls.invoke(readContexts.get(), specs.get(i), commands.get(i),
                new RespReplyWriter(replies[i], conn.protocol()), now, d, session);
          }
        }
      } finally {
        ks.lock().unlock();
      }
      outcome.done(null, aborted, replies);
    });
  }

  // ---- active expiry ------------------------------------------------------------------------------

  /**
   * Keys sampled per active-expiry round, and rounds per tick at most (a round repeats while more
   * than the engine's acceptable share of its sample had expired): the engine's own numbers
   * ({@link Keyspace#ACTIVE_EXPIRE_KEYS_PER_LOOP}), so one tick costs at most 320 lookups.
   */
  public static final int ACTIVE_EXPIRE_MAX_LOOPS = 16;

  /**
   * One active-expiry tick on the leader: samples keys with a TTL and proposes the expired ones'
   * removal as one record, which every replica applies by removing each key that is still
   * expired at the entry's time. At most one such record is in flight per partition. Any thread.
   */
  public void activeExpireTick() {
    if (!isLeader() || !expiryInFlight.compareAndSet(false, true)) {
      return;
    }
    List<byte[]> expired = new ArrayList<>();
    Keyspace ks = fsm.db().shard(0);
    long now = Math.max(clock.getAsLong(), fsm.lastAppliedMs());
    ks.lock().lock();
    try {
      java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
      for (int loop = 0; loop < ACTIVE_EXPIRE_MAX_LOOPS && ks.expiresSize() > 0; loop++) {
        int sample = Math.min(Keyspace.ACTIVE_EXPIRE_KEYS_PER_LOOP, ks.expiresSize());
        int expiredInSample = 0;
        for (int i = 0; i < sample; i++) {
          var n = ks.randomExpiringNode();
          if (n != null && n.value() <= now && seen.add(java.nio.ByteBuffer.wrap(n.key()))) {
            expired.add(n.key().clone());
            expiredInSample++;
          }
        }
        if (expiredInSample * 100 <= sample * Keyspace.ACTIVE_EXPIRE_ACCEPTABLE_STALE_PERCENT) {
          break;
        }
      }
    } finally {
      ks.lock().unlock();
    }
    if (expired.isEmpty() || !proposeInternal(new Batch.ExpireKeys(expired), st -> expiryInFlight.set(false))) {
      expiryInFlight.set(false);
    }
  }

  /** Runs a command on the local replica without consensus (CLUSTER COUNTKEYSINSLOT ...). */
  public <T> T withKeyspace(java.util.function.Function<Keyspace, T> fn) {
    Keyspace ks = fsm.db().shard(0);
    ks.lock().lock();
    try {
      return fn.apply(ks);
    } finally {
      ks.lock().unlock();
    }
  }

  /** Stops the group; replies waiting on it get TRYAGAIN from JRaft's shutdown. */
  public void shutdown() {
    if (service != null) {
      service.shutdown();
    }
  }

  public void join() throws InterruptedException {
    if (service != null) {
      service.join();
    }
  }
}
