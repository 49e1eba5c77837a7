package dev.tide.cluster.raft;

import com.alipay.sofa.jraft.option.NodeOptions;

import java.util.Map;

/**
 * JRaft's thread pools and buffers sized for many small groups per node on a small machine.
 * JRaft's defaults are sized for one or a few large groups per process; with 16 groups per node
 * they gave ~250 threads idle and up to ~650 under load (docs/cluster.md, "Idle cost").
 *
 * <p>Global pools are set through JRaft's {@code jraft.*} system properties, read once when its
 * classes load: {@link #systemDefaults()} must run before the first JRaft class is used, and
 * leaves any property already given on the command line alone (so {@code -Djraft.x=y} still
 * wins). Per-group settings go through {@link #apply(NodeOptions)}.
 */
public final class JRaftTuning {

  /**
   * Ring size of each of JRaft's four per-group disruptors (apply, log manager, FSM caller,
   * read-only service). JRaft's 16384 preallocates ~46 MiB of heap for 16 groups. A ring holds
   * events not yet taken by its thread, which takes them in batches: the batcher proposes at most
   * MAX_QUEUED_COMMANDS / Batch.MAX_COMMANDS = 40 entries ahead per partition, so 1024 leaves room
   * for bursts of reads (one ReadIndex event each) while using 1/16 of the memory.
   */
  public static final int DISRUPTOR_BUFFER_SIZE = 1024;
  /**
   * Threads of each group's RPC client pool (JRaft-RPC-Processor: responses to votes, ReadIndex,
   * snapshot installs; append responses use the shared append pool). JRaft's 80 means 26 core
   * threads per group, created one per task under load (416 threads for 16 groups were measured
   * here); 3 gives one core thread per group (the pool queues, so extra threads start only when
   * 10 000 tasks wait).
   */
  public static final int RPC_CLIENT_THREADS_PER_GROUP = 3;
  /** Threads serving the node's incoming Raft requests other than appends (votes, ReadIndex, snapshots). */
  public static final int RAFT_SERVER_THREADS = 4;
  /**
   * Lanes (threads) running incoming appends and heartbeats. JRaft gives each (group, leader,
   * follower) pair its own thread: up to groups × (members − 1) threads per node (31 measured for
   * 16 groups after a few leader changes). Handling an append is short (it queues entries for the
   * log thread), so 4 lanes keep up on this 2-core machine with room for one slow group.
   */
  public static final int APPEND_LANES = 4;
  /** Appends waiting per lane; beyond this bolt replies with an error and the leader retries. */
  public static final int APPEND_LANE_QUEUE = 65_536;

  /**
   * Global JRaft pools: one wheel-timer thread per timer kind instead of one per core (each ticks
   * every millisecond, idle or not); a node scheduler of 2 threads (heartbeat timers) instead of
   * 3 × cores; 4 append-sending threads instead of 16; bolt's default pool at 4 threads instead of 20.
   */
  static final Map<String, String> SYSTEM_DEFAULTS = Map.of(
      "jraft.timer.global_election_timer_workers", "1",
      "jraft.timer.global_vote_timer_workers", "1",
      "jraft.timer.global_step_down_timer_workers", "1",
      "jraft.timer.global_snapshot_timer_workers", "1",
      "jraft.timer.global_scheduler_workers", "2",
      "jraft.append.entries.threads.send", "4",
      // bolt (JRaft's RPC library) keeps 20 threads for its default pool, which here only hands
      // messages on to JRaft's executors.
      "bolt.tp.min", "4",
      "bolt.tp.max", "32");

  private JRaftTuning() {
  }

  /** Sets JRaft's global pool sizes unless given already; call before JRaft's classes load. */
  public static void systemDefaults() {
    for (Map.Entry<String, String> e : SYSTEM_DEFAULTS.entrySet()) {
      if (System.getProperty(e.getKey()) == null) {
        System.setProperty(e.getKey(), e.getValue());
      }
    }
  }

  /** Per-group settings. */
  public static void apply(NodeOptions o) {
    o.setRpcProcessorThreadPoolSize(RPC_CLIENT_THREADS_PER_GROUP);
    o.getRaftOptions().setDisruptorBufferSize(DISRUPTOR_BUFFER_SIZE);
  }
}
