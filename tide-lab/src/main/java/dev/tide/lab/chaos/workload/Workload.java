package dev.tide.lab.chaos.workload;

import dev.tide.lab.chaos.client.Session;

import java.util.SplittableRandom;

/** One chaos workload. Implementations are shared by their clients: thread-safe. */
public interface Workload {

  /** "register", "list", "counter", "bank": the history's workload name. */
  String name();

  /**
   * Prepares keys before the run (bank balances); also finds out whether the server can run the
   * workload. Returns null when ready, or why the workload is skipped (e.g. the server refuses MULTI).
   */
  String setup(Session s);

  /**
   * One operation by client {@code process}. Returns true when an outcome stayed unknown: the
   * client then continues as a new process (its old one may still have an operation in flight).
   */
  boolean step(Session s, Recorder r, int process, SplittableRandom rnd);

  /**
   * After healing: one read of everything written, so every acknowledged write must show. Reads
   * not done by {@code deadlineNs} (System.nanoTime) are recorded as failed without being sent.
   */
  void finalReads(Session s, Recorder r, int process, long deadlineNs);
}
