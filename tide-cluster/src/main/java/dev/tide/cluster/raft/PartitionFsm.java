package dev.tide.cluster.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import dev.tide.cluster.snapshot.SnapshotFile;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandFlag;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Session;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.protocol.Reply;
import dev.tide.protocol.RespReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The replicated state machine of one partition: an engine {@link Database} (one keyspace) for
 * the partition's slots, changed only by committed log entries.
 *
 * <p>Each entry is a {@link Batch} of records. Every command runs through the engine's own command
 * implementation with the batch's leader time as {@code nowMs}, so TTLs and expiry decide the
 * same way on every replica; SPOP, the one write that chooses at random, runs through
 * {@link DeterministicSpop} with the batch's seed. A transaction record runs its commands
 * together unless a watched key changed since it was watched, decided from the replicated
 * {@link ModificationLog}; an expiry record removes the keys still expired at the entry's time.
 * On the leader the entry carries the {@link BatchClosure} of the {@link Proposal}s it packs, and
 * each record's reply is written for its client as it is applied; followers discard replies. On
 * the leader, keys made ready for blocked clients are handed to the {@link ReadyListener}.
 *
 * <p>Threads: JRaft calls this class on the partition's single FSM thread. Reads (after a
 * ReadIndex) run on client event loops; both sides hold the keyspace lock while they touch it.
 * The database reference changes only when a snapshot is loaded.
 */
public final class PartitionFsm extends StateMachineAdapter {

  private static final Logger log = LoggerFactory.getLogger(PartitionFsm.class);

  private final int partition;
  private final CommandTable table;
  private final EngineConfig engineConfig;
  private volatile Database db;
  private volatile long lastAppliedMs;
  private volatile long leaderTerm = -1;
  private volatile long appliedIndex;
  /** The applied index as seen under the keyspace lock: what a WATCH records. Guarded by the lock. */
  private long lastAppliedIndexLocked;
  /** Index of the entry being applied (0 outside apply): changes are recorded against it. */
  private long applyingIndex;
  /** Replicated: which keys changed at which index, for WATCH. Guarded by the keyspace lock. */
  private final ModificationLog modifications = new ModificationLog();
  private volatile ReadyListener readyListener;
  private volatile LeaderListener leaderListener;
  private final CommandContext ctx = new CommandContext();
  private final ByteBuf discard = Unpooled.buffer(256);
  private final RespReplyWriter discardReply = new RespReplyWriter(discard, 2);

  /** Told, on the FSM thread with the keyspace lock held, of keys that became ready for blocked clients. */
  @FunctionalInterface
  public interface ReadyListener {
    void keysReady(Keyspace ks, List<byte[]> keys);
  }

  /** Told when this replica starts or stops leading (FSM thread). */
  public interface LeaderListener {
    void leaderStarted(long term);

    void leaderStopped();
  }

  public PartitionFsm(int partition, CommandTable table, EngineConfig engineConfig) {
    this.partition = partition;
    this.table = table;
    this.engineConfig = engineConfig;
    this.db = track(new Database(engineConfig, 1));
  }

  /** Records every change the database's keyspace reports while an entry is applied. */
  private Database track(Database d) {
    Keyspace ks = d.shard(0);
    ks.lock().lock();
    try {
      ks.setChangeListener(key -> {
        if (applyingIndex > 0) {
          modifications.record(key, applyingIndex);
        }
      });
    } finally {
      ks.lock().unlock();
    }
    return d;
  }

  public void setReadyListener(ReadyListener listener) {
    this.readyListener = listener;
  }

  public void setLeaderListener(LeaderListener listener) {
    this.leaderListener = listener;
  }

  /** The replicated change log for WATCH. Caller holds the keyspace lock. */
  public ModificationLog modifications() {
    return modifications;
  }

  /** The last applied index, read under the keyspace lock (consistent with the data). */
  public long appliedIndexLocked() {
    return lastAppliedIndexLocked;
  }

  public Database db() {
    return db;
  }

  /** Leader time of the last applied entry: a floor for the next entry's time, so time never goes back. */
  public long lastAppliedMs() {
    return lastAppliedMs;
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  /** The term this replica leads in, or -1 when it does not lead. */
  public long leaderTerm() {
    return leaderTerm;
  }

  @Override
  public void onApply(Iterator it) {
    while (it.hasNext()) {
      Closure done = it.done();
      Batch batch;
      try {
        batch = Batch.decode(it.getData());
      } catch (RuntimeException e) {
        log.error("partition {}: cannot decode log entry {}: {}", partition, it.getIndex(), e.getMessage());
        it.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "partition %d: damaged entry %d: %s",
            partition, it.getIndex(), e.getMessage()));
        return;
      }
      BatchClosure closure = done instanceof BatchClosure b ? b : null;
      apply(batch, closure, it.getIndex());
      appliedIndex = it.getIndex();
      if (done != null) {
        done.run(Status.OK());
      }
      it.next();
    }
  }

  private void apply(Batch batch, BatchClosure closure, long index) {
    Database d = db;
    Keyspace ks = d.shard(0);
    ks.lock().lock();
    try {
      applyingIndex = index;
      for (int i = 0; i < batch.records().size(); i++) {
        Proposal p = closure != null && i < closure.size() ? closure.get(i) : null;
        switch (batch.records().get(i)) {
          case Batch.Command c -> {
            Reply reply = p != null ? p.replyFor(0) : discardReply();
            Session session = p != null ? p.session() : EngineCalls.REPLICA_SESSION;
            boolean blocked = applyCommand(d, c.argv(), c.reprocess(), reply, session, batch, index, p != null);
            if (p != null) {
              p.applied(blocked, ctx);
            }
          }
          case Batch.Transaction t -> applyTransaction(d, t, p, batch, index);
          case Batch.ExpireKeys e -> {
            for (byte[] key : e.keys()) {
              ks.liveNode(key, batch.nowMs()); // removes the key only if it is still expired at the entry's time
            }
          }
        }
        List<byte[]> ready = ks.drainReadyKeys(); // non-empty only on a leader with blocked clients
        ReadyListener listener = readyListener;
        if (!ready.isEmpty() && listener != null) {
          listener.keysReady(ks, ready);
        }
      }
      lastAppliedIndexLocked = index;
    } finally {
      applyingIndex = 0;
      ks.lock().unlock();
    }
    if (batch.nowMs() > lastAppliedMs) {
      lastAppliedMs = batch.nowMs();
    }
  }

  private Reply discardReply() {
    discard.clear();
    return discardReply;
  }

  /**
   * MULTI/EXEC: aborted as a whole if a watched key changed since it was watched (the same
   * decision on every replica, see {@link ModificationLog}); else every command runs in order
   * with nothing between them, each reply in its place.
   */
  private void applyTransaction(Database d, Batch.Transaction t, Proposal p, Batch batch, long index) {
    for (Batch.WatchedKey w : t.watches()) {
      if (modifications.watchBroken(w, batch.nowMs())) {
        if (p != null) {
          p.aborted();
        }
        return;
      }
    }
    Session session = p != null ? p.session() : EngineCalls.REPLICA_TX_SESSION;
    for (int j = 0; j < t.commands().size(); j++) {
      Reply reply = p != null ? p.replyFor(j) : discardReply();
      applyCommand(d, t.commands().get(j), false, reply, session, batch, index, false);
    }
    if (p != null) {
      p.applied(false, ctx);
    }
  }

  /**
   * Runs one command. Returns true when a blocking command found nothing and asked to wait: on
   * the leader ({@code mayBlock}) it wrote no reply and its client waits; elsewhere it wrote its
   * timeout reply, which nobody reads.
   */
  private boolean applyCommand(Database d, byte[][] argv, boolean reprocess, Reply reply, Session session,
                               Batch batch, long index, boolean mayBlock) {
    CommandSpec spec = table.lookup(argv[0]);
    if (spec != null && spec.hasSubcommands() && argv.length >= 2) {
      spec = spec.subcommand(argv[1]);
    }
    if (spec == null) {
      reply.error("ERR unknown command in replicated log");
      return false;
    }
    if (spec.name().equals("spop")) {
      ByteBuf buffer = reply instanceof RespReplyWriter w ? w.buffer() : null;
      int mark = buffer == null ? -1 : buffer.writerIndex();
      try {
        DeterministicSpop.apply(argv, reply, batch.nowMs(), batch.seed(), d);
      } catch (CommandException e) {
        if (buffer != null) {
          buffer.writerIndex(mark);
        }
        reply.error(e.getMessage());
      }
      return false;
    }
    boolean failed = EngineCalls.invoke(ctx, spec, argv, reply, batch.nowMs(), d, session, reprocess, !mayBlock);
    if (spec.has(CommandFlag.WRITE)) {
      for (int k : spec.keyIndexes(argv)) {
        if (k < argv.length) {
          d.shardFor(argv[k]).refreshSize(argv[k]);
        }
      }
      if (!failed && (spec.name().equals("flushall") || spec.name().equals("flushdb"))) {
        modifications.recordFlush(index);
      }
    }
    return mayBlock && ctx.blocked();
  }

  @Override
  public void onLeaderStart(long term) {
    leaderTerm = term;
    log.info("partition {}: leader in term {}", partition, term);
    LeaderListener l = leaderListener;
    if (l != null) {
      l.leaderStarted(term);
    }
  }

  @Override
  public void onLeaderStop(Status status) {
    leaderTerm = -1;
    log.info("partition {}: no longer leader ({})", partition, status);
    LeaderListener l = leaderListener;
    if (l != null) {
      l.leaderStopped();
    }
  }

  @Override
  public void onShutdown() {
    LeaderListener l = leaderListener;
    if (l != null && leaderTerm >= 0) {
      leaderTerm = -1;
      l.leaderStopped();
    }
  }

  @Override
  public void onSnapshotSave(SnapshotWriter writer, Closure done) {
    // On the FSM thread: no entry applies while the file is written, so it is one consistent cut.
    Path file = Path.of(writer.getPath(), SnapshotFile.FILE_NAME);
    Database d = db;
    d.shard(0).lock().lock();
    try {
      long records = SnapshotFile.write(file, d, lastAppliedMs);
      modifications.write(Path.of(writer.getPath(), ModificationLog.FILE_NAME));
      if (!writer.addFile(SnapshotFile.FILE_NAME) || !writer.addFile(ModificationLog.FILE_NAME)) {
        done.run(new Status(RaftError.EIO, "partition %d: cannot register snapshot file", partition));
        return;
      }
      log.info("partition {}: snapshot of {} keys written to {}", partition, records, file);
      done.run(Status.OK());
    } catch (IOException e) {
      log.error("partition {}: snapshot failed", partition, e);
      done.run(new Status(RaftError.EIO, "partition %d: snapshot failed: %s", partition, e.getMessage()));
    } finally {
      d.shard(0).lock().unlock();
    }
  }

  @Override
  public boolean onSnapshotLoad(SnapshotReader reader) {
    Path file = Path.of(reader.getPath(), SnapshotFile.FILE_NAME);
    Path modFile = Path.of(reader.getPath(), ModificationLog.FILE_NAME);
    Database fresh = new Database(engineConfig, 1);
    try {
      SnapshotFile.Loaded loaded = SnapshotFile.read(file, fresh, table);
      var meta = reader.load();
      long snapshotIndex = meta == null ? 0 : meta.getLastIncludedIndex();
      Keyspace ks = db.shard(0);
      ks.lock().lock();
      try {
        if (Files.exists(modFile)) {
          modifications.read(modFile);
        } else {
          // A snapshot from before WATCH was replicated: watches older than it abort (safe).
          modifications.resetTo(snapshotIndex);
        }
        lastAppliedIndexLocked = snapshotIndex;
      } finally {
        ks.lock().unlock();
      }
      db = track(fresh);
      lastAppliedMs = Math.max(lastAppliedMs, loaded.lastAppliedMs());
      log.info("partition {}: loaded snapshot of {} keys from {}", partition, loaded.records(), file);
      return true;
    } catch (IOException e) {
      // Refusing the file makes JRaft report the error instead of serving wrong data.
      log.error("partition {}: refusing snapshot: {}", partition, e.getMessage());
      return false;
    }
  }
}
