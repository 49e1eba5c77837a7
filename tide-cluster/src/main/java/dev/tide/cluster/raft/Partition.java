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
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;
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
 * <p><b>Reads.</b> {@link #read} asks JRaft for a ReadIndex (the leader confirms with a majority
 * that it still leads, and waits until its state machine has applied up to the commit index it
 * saw), then runs the command against the local keyspace on the client's event loop: a
 * linearizable read without writing to the log.
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
  private final ConcurrentLinkedQueue<BatchClosure.Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final SplittableRandom seeds = new SplittableRandom();
  private final ThreadLocal<CommandContext> readContexts = ThreadLocal.withInitial(CommandContext::new);
  private RaftGroupService service;
  private volatile Node node;
  private long lastProposedMs;

  public Partition(int id, CommandTable table, EngineConfig engineConfig, ScheduledExecutorService batcher,
                   LongSupplier clock) {
    this.id = id;
    this.groupId = groupId(id);
    this.fsm = new PartitionFsm(id, table, engineConfig);
    this.batcher = batcher;
    this.clock = clock;
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
    if (queued.incrementAndGet() > MAX_QUEUED_COMMANDS) {
      queued.decrementAndGet();
      conn.writer().error(QUEUE_FULL);
      return;
    }
    BatchClosure.Pending p = new BatchClosure.Pending(conn, argv);
    conn.markBlocked(p);
    queue.add(p);
    if (flushScheduled.compareAndSet(false, true)) {
      batcher.schedule(this::flush, BATCH_WINDOW_MICROS, TimeUnit.MICROSECONDS);
    }
  }

  /** Packs queued commands into entries until the queue is empty. Batcher thread. */
  private void flush() {
    flushScheduled.set(false);
    try {
      while (!queue.isEmpty()) {
        List<BatchClosure.Pending> taken = new ArrayList<>();
        int bytes = 0;
        BatchClosure.Pending p;
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

  private void submit(List<BatchClosure.Pending> taken) {
    BatchClosure closure = new BatchClosure(taken);
    long term = fsm.leaderTerm();
    Node n = node;
    if (term < 0 || n == null) {
      closure.run(new Status(com.alipay.sofa.jraft.error.RaftError.EPERM, NOT_LEADER));
      return;
    }
    // Time never goes back within a partition, even across leaders with different clocks.
    long now = Math.max(clock.getAsLong(), Math.max(lastProposedMs, fsm.lastAppliedMs()));
    lastProposedMs = now;
    List<byte[][]> commands = new ArrayList<>(taken.size());
    for (BatchClosure.Pending p : taken) {
      commands.add(p.argv);
    }
    Task task = new Task(ByteBuffer.wrap(new Batch(now, seeds.nextLong(), commands).encode()), closure);
    task.setExpectedTerm(term);
    n.apply(task);
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** Runs a read after a ReadIndex confirms this replica is up to date. Event loop of conn. */
  public void read(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    Node n = node;
    conn.markBlocked(spec);
    n.readIndex(null, new ReadIndexClosure() {
      @Override
      public void run(Status status, long index, byte[] reqCtx) {
        conn.channel().eventLoop().execute(() -> {
          if (conn.closing() || !conn.channel().isActive()) {
            return;
          }
          if (status.isOk()) {
            runRead(conn, spec, argv);
          } else {
            conn.writer().error(NOT_LEADER);
          }
          conn.flush();
          conn.unblocked();
        });
      }
    });
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

  static ByteBuf errorReply(String text) {
    ByteBuf b = Unpooled.buffer(text.length() + 3);
    new RespReplyWriter(b, 2).error(text);
    return b;
  }
}
