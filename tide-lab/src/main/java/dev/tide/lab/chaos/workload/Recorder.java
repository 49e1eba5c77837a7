package dev.tide.lab.chaos.workload;

import dev.tide.lab.check.HistoryFile;
import dev.tide.lab.check.Op;
import dev.tide.lab.check.Outcome;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Records client operations: ids in invocation order, times on one monotonic clock relative to
 * the start of the run, each completed operation appended to the history file at once (a run
 * that dies still leaves its history) and kept in memory for the checkers.
 */
public final class Recorder implements AutoCloseable {

  /** Most operations kept per run: ~200 bytes each in memory, so ~400 MB at the limit; more ends the run's workload. */
  public static final int MAX_OPS = 2_000_000;

  private final LongSupplier clockNs;
  private final long startNs;
  private final HistoryFile file;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong values = new AtomicLong();
  private final List<Op> ops = Collections.synchronizedList(new ArrayList<>());

  public Recorder(LongSupplier clockNs, HistoryFile file) {
    this.clockNs = clockNs;
    this.startNs = clockNs.getAsLong();
    this.file = file;
  }

  /** An operation that has been invoked and not completed yet. */
  public final class Pending {
    final long id;
    final int process;
    final String workload;
    final String f;
    final String key;
    final Object value;
    final long invokeNs;

    Pending(int process, String workload, String f, String key, Object value) {
      this.id = ids.getAndIncrement();
      this.process = process;
      this.workload = workload;
      this.f = f;
      this.key = key;
      this.value = value;
      this.invokeNs = nowNs();
    }

    /** Records the outcome; returns the op. */
    public Op complete(Outcome outcome, Object result, String error) {
      Op op = new Op(id, process, workload, f, key, value, outcome == Outcome.OK ? result : null, invokeNs,
          Math.max(invokeNs, nowNs()), outcome, error);
      ops.add(op);
      if (file != null) {
        file.append(op);
      }
      return op;
    }
  }

  public Pending invoke(int process, String workload, String f, String key, Object value) {
    return new Pending(process, workload, f, key, value);
  }

  /** A value never used before in this run (register values and list elements are unique). */
  public long uniqueValue() {
    return values.incrementAndGet();
  }

  /** Nanoseconds since the recorder started. */
  public long nowNs() {
    return clockNs.getAsLong() - startNs;
  }

  public boolean full() {
    return ops.size() >= MAX_OPS;
  }

  /** The operations recorded so far, sorted by id. */
  public List<Op> history() {
    List<Op> copy;
    synchronized (ops) {
      copy = new ArrayList<>(ops);
    }
    copy.sort(java.util.Comparator.comparingLong(Op::id));
    return copy;
  }

  @Override
  public void close() {
    if (file != null) {
      file.close();
    }
  }
}
