package dev.tide.cluster.controller;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The controller group's state machine: a {@link ClusterState} changed only by committed
 * {@link MapCommand}s. Before the first command ({@link MapCommand.Init}) it holds nothing.
 *
 * <p>Threads: JRaft calls this class on the group's FSM thread. {@link #state()} is a volatile
 * read of an immutable object, safe from any thread. The change and leader callbacks run on the
 * FSM thread and must hand real work to another thread.
 */
public final class ControllerFsm extends StateMachineAdapter {

  private static final Logger log = LoggerFactory.getLogger(ControllerFsm.class);
  static final String SNAPSHOT_FILE = "controller.tmap";
  static final String NO_MAP_YET = "the controller has not recorded the cluster map yet; retry";

  private final Consumer<ClusterState> onChange;
  private final LongConsumer onLeaderStart;
  private volatile ClusterState state;
  private volatile long leaderTerm = -1;

  /**
   * @param onChange called (FSM thread) after entries that changed the state, with the new state
   * @param onLeaderStart called (FSM thread) when this replica starts leading, with the term
   */
  public ControllerFsm(Consumer<ClusterState> onChange, LongConsumer onLeaderStart) {
    this.onChange = onChange;
    this.onLeaderStart = onLeaderStart;
  }

  /** The recorded state, or null before the cluster's first map is recorded. */
  public ClusterState state() {
    return state;
  }

  /** The term this replica leads in, or -1. */
  public long leaderTerm() {
    return leaderTerm;
  }

  /** A proposal's completion: the command's result once applied, or failure when it was not committed. */
  static final class Proposal implements Closure {
    final CompletableFuture<ClusterState.Result> future = new CompletableFuture<>();
    volatile ClusterState.Result result;

    @Override
    public void run(Status status) {
      if (status.isOk() && result != null) {
        future.complete(result);
      } else {
        future.completeExceptionally(new NotLeaderException("controller proposal not committed: " + status));
      }
    }
  }

  /** The command could not be committed by this replica (it lost or never had leadership). */
  public static final class NotLeaderException extends RuntimeException {
    public NotLeaderException(String message) {
      super(message);
    }
  }

  @Override
  public void onApply(Iterator it) {
    ClusterState before = state;
    while (it.hasNext()) {
      Closure done = it.done();
      MapCommand command;
      try {
        command = MapCommand.decode(copy(it.getData()));
      } catch (RuntimeException e) {
        log.error("controller: cannot decode log entry {}: {}", it.getIndex(), e.getMessage());
        it.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "controller: damaged entry %d: %s",
            it.getIndex(), e.getMessage()));
        return;
      }
      ClusterState.Result result = applyOne(command);
      if (result.changed()) {
        state = result.state();
      }
      if (done instanceof Proposal p) {
        p.result = result;
      }
      if (done != null) {
        done.run(Status.OK());
      }
      it.next();
    }
    ClusterState after = state;
    if (after != null && after != before) {
      onChange.accept(after);
    }
  }

  private static byte[] copy(java.nio.ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private ClusterState.Result applyOne(MapCommand command) {
    ClusterState current = state;
    boolean leading = leaderTerm >= 0; // log decisions once, on the leader; followers at debug
    if (current == null) {
      if (command instanceof MapCommand.Init init) {
        if (leading) {
          log.info("controller: recorded the cluster map {}", init.state());
        }
        return new ClusterState.Result(init.state(), null, true);
      }
      return new ClusterState.Result(null, NO_MAP_YET, false);
    }
    ClusterState.Result r = current.apply(command);
    if (r.changed()) {
      if (leading) {
        log.info("controller: epoch {} after {}", r.state().epoch(), command);
      } else {
        log.debug("controller: epoch {} after {}", r.state().epoch(), command);
      }
    } else if (!r.ok() && leading) {
      log.info("controller: refused {}: {}", command, r.error());
    }
    return r;
  }

  @Override
  public void onLeaderStart(long term) {
    leaderTerm = term;
    log.info("controller: leader in term {}", term);
    onLeaderStart.accept(term);
  }

  @Override
  public void onLeaderStop(Status status) {
    leaderTerm = -1;
    log.info("controller: no longer leader ({})", status);
  }

  @Override
  public void onSnapshotSave(SnapshotWriter writer, Closure done) {
    ClusterState s = state;
    if (s == null) {
      done.run(Status.OK()); // nothing recorded yet: an empty snapshot
      return;
    }
    try {
      StateFile.write(Path.of(writer.getPath(), SNAPSHOT_FILE), s);
      if (!writer.addFile(SNAPSHOT_FILE)) {
        done.run(new Status(RaftError.EIO, "controller: cannot register snapshot file"));
        return;
      }
      done.run(Status.OK());
    } catch (IOException e) {
      log.error("controller: snapshot failed", e);
      done.run(new Status(RaftError.EIO, "controller: snapshot failed: %s", e.getMessage()));
    }
  }

  @Override
  public boolean onSnapshotLoad(SnapshotReader reader) {
    Path file = Path.of(reader.getPath(), SNAPSHOT_FILE);
    if (!Files.exists(file)) {
      state = null;
      return true;
    }
    try {
      ClusterState loaded = StateFile.read(file);
      state = loaded;
      log.info("controller: loaded {} from snapshot", loaded);
      onChange.accept(loaded);
      return true;
    } catch (IOException e) {
      log.error("controller: refusing snapshot: {}", e.getMessage());
      return false;
    }
  }
}
