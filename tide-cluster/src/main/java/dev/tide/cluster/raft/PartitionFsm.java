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
import java.nio.file.Path;

/**
 * The replicated state machine of one partition: an engine {@link Database} (one keyspace) for
 * the partition's slots, changed only by committed log entries.
 *
 * <p>Each entry is a {@link Batch}. Every command of it runs through the engine's own command
 * implementation with the batch's leader time as {@code nowMs}, so TTLs and expiry decide the
 * same way on every replica; SPOP, the one write that chooses at random, runs through
 * {@link DeterministicSpop} with the batch's seed. On the leader the entry carries the
 * {@link BatchClosure} of the clients that sent its commands, and each command's reply is
 * written for its client as it is applied; followers discard replies.
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
  private final CommandContext ctx = new CommandContext();
  private final ByteBuf discard = Unpooled.buffer(256);
  private final RespReplyWriter discardReply = new RespReplyWriter(discard, 2);

  public PartitionFsm(int partition, CommandTable table, EngineConfig engineConfig) {
    this.partition = partition;
    this.table = table;
    this.engineConfig = engineConfig;
    this.db = new Database(engineConfig, 1);
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
      apply(batch, closure);
      appliedIndex = it.getIndex();
      if (done != null) {
        done.run(Status.OK());
      }
      it.next();
    }
  }

  private void apply(Batch batch, BatchClosure closure) {
    Database d = db;
    Keyspace ks = d.shard(0);
    ks.lock().lock();
    try {
      for (int i = 0; i < batch.commands().size(); i++) {
        byte[][] argv = batch.commands().get(i);
        Reply reply;
        Session session;
        if (closure != null && i < closure.size()) {
          reply = closure.replyFor(i);
          session = closure.sessionFor(i);
        } else {
          discard.clear();
          reply = discardReply;
          session = EngineCalls.REPLICA_SESSION;
        }
        applyOne(d, argv, reply, session, batch);
      }
    } finally {
      ks.lock().unlock();
    }
    if (batch.nowMs() > lastAppliedMs) {
      lastAppliedMs = batch.nowMs();
    }
  }

  private void applyOne(Database d, byte[][] argv, Reply reply, Session session, Batch batch) {
    CommandSpec spec = table.lookup(argv[0]);
    if (spec != null && spec.hasSubcommands() && argv.length >= 2) {
      spec = spec.subcommand(argv[1]);
    }
    if (spec == null) {
      reply.error("ERR unknown command in replicated log");
      return;
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
      return;
    }
    EngineCalls.invoke(ctx, spec, argv, reply, batch.nowMs(), d, session);
    if (spec.has(CommandFlag.WRITE)) {
      for (int k : spec.keyIndexes(argv)) {
        if (k < argv.length) {
          d.shardFor(argv[k]).refreshSize(argv[k]);
        }
      }
    }
    d.shard(0).drainReadyKeys(); // nobody blocks on a partition keyspace; keep the list empty
  }

  @Override
  public void onLeaderStart(long term) {
    leaderTerm = term;
    log.info("partition {}: leader in term {}", partition, term);
  }

  @Override
  public void onLeaderStop(Status status) {
    leaderTerm = -1;
    log.info("partition {}: no longer leader ({})", partition, status);
  }

  @Override
  public void onSnapshotSave(SnapshotWriter writer, Closure done) {
    // On the FSM thread: no entry applies while the file is written, so it is one consistent cut.
    Path file = Path.of(writer.getPath(), SnapshotFile.FILE_NAME);
    Database d = db;
    d.shard(0).lock().lock();
    try {
      long records = SnapshotFile.write(file, d, lastAppliedMs);
      if (!writer.addFile(SnapshotFile.FILE_NAME)) {
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
    Database fresh = new Database(engineConfig, 1);
    try {
      SnapshotFile.Loaded loaded = SnapshotFile.read(file, fresh, table);
      db = fresh;
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
