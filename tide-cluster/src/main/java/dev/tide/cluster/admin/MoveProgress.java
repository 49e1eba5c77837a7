package dev.tide.cluster.admin;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import dev.tide.cluster.ClusterNode;
import dev.tide.cluster.controller.BusMessages;
import dev.tide.cluster.controller.ClusterState;
import dev.tide.cluster.controller.MemberInfo;
import dev.tide.cluster.map.Member;
import dev.tide.cluster.placement.MoveExecutor;
import dev.tide.cluster.raft.Partition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Progress of the replica moves in progress, as any node can report it ({@code TIDE.REBALANCE
 * STATUS}, {@code tide status}): the phase comes from the partition's leader (which drives the
 * move), the snapshot bytes from the destination (which downloads them) and the snapshot's size
 * from the leader (what there is to download). A node asks both over the bus ({@link
 * BusMessages.MoveProbe}) once per refresh, only while moves exist and someone asked within the
 * last {@link #INTEREST_MS}; the command answers from the last refresh, so it never waits.
 */
public final class MoveProgress {

  private static final Logger log = LoggerFactory.getLogger(MoveProgress.class);
  /** Probes stop this long after the last question: progress costs nothing when nobody looks. */
  static final long INTEREST_MS = 30_000;
  static final int PROBE_TIMEOUT_MS = 1000;
  /** Samples kept per move for the rate: ~10 s at one refresh per second. */
  static final int RATE_SAMPLES = 10;

  /** What a status shows for a move. -1 means not known (yet). */
  public record Entry(String phase, long bytesDone, long bytesTotal, long bytesPerSec, long etaMs, long lagEntries) {
    static final Entry UNKNOWN = new Entry("starting", -1, -1, -1, -1, -1);
  }

  private final ClusterNode node;
  private final Executor probeThread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "tide-move-probe");
    t.setDaemon(true);
    return t;
  });
  private final Map<ClusterState.Move, Entry> entries = new ConcurrentHashMap<>();
  private final Map<ClusterState.Move, Deque<long[]>> samples = new ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tide-move-progress");
        t.setDaemon(true);
        return t;
      });
  /** Refresh period: progress bars and rates update once a second. */
  static final long REFRESH_MS = 1000;
  private volatile long lastAskedMs;
  private RpcClient client;

  public MoveProgress(ClusterNode node) {
    this.node = node;
  }

  public void start(RpcServer server) {
    server.registerProcessor(new RpcProcessor<BusMessages.MoveProbe>() {
      @Override
      public void handleRequest(RpcContext ctx, BusMessages.MoveProbe probe) {
        ctx.sendResponse(answer(probe.partition));
      }

      @Override
      public String interest() {
        return BusMessages.MoveProbe.class.getName();
      }

      @Override
      public Executor executor() {
        return probeThread;
      }
    });
    RpcClient c = RpcFactoryHelper.rpcFactory().createRpcClient();
    c.init(new RpcOptions());
    client = c;
    refresher.scheduleWithFixedDelay(() -> {
      try {
        refresh(System.currentTimeMillis());
      } catch (RuntimeException e) {
        log.warn("move progress refresh failed", e);
      }
    }, REFRESH_MS, REFRESH_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public void close() {
    refresher.shutdownNow();
    RpcClient c = client;
    if (c != null) {
      c.shutdown();
    }
  }

  /** The last known progress of a move (asking marks interest, so the next refreshes probe). */
  public Entry entry(ClusterState.Move move) {
    lastAskedMs = System.currentTimeMillis();
    return entries.getOrDefault(move, Entry.UNKNOWN);
  }

  /** This node's side of a partition's move. */
  BusMessages.MoveProbeReply answer(int p) {
    BusMessages.MoveProbeReply r = new BusMessages.MoveProbeReply();
    r.role = "none";
    r.phase = "";
    r.lagEntries = -1;
    Partition part = node.partition(p);
    Node raft = part == null ? null : part.node();
    if (raft != null) {
      r.role = raft.isLeader() ? "leader" : raft.listPeers().contains(raft.getNodeId().getPeerId()) ? "follower"
          : "learner";
      r.appliedIndex = raft.getLastAppliedLogIndex();
      r.lastLogIndex = raft.getLastLogIndex();
      MoveExecutor.Progress mp = node.mover() == null ? null : node.mover().progress(p);
      if (mp != null) {
        r.phase = mp.phase();
        r.lagEntries = mp.lagEntries();
      }
    }
    r.snapshotBytes = node.moveThrottle().groupBytes(Partition.groupId(p));
    r.snapshotSize = snapshotSize(node.config().dataDir.resolve("partitions").resolve(Partition.groupId(p))
        .resolve("snapshot"));
    return r;
  }

  /** Bytes of the newest snapshot under a group's snapshot directory (JRaft's snapshot_N dirs), 0 if none. */
  static long snapshotSize(Path snapshots) {
    if (!Files.isDirectory(snapshots)) {
      return 0;
    }
    try (Stream<Path> dirs = Files.list(snapshots)) {
      Path newest = dirs.filter(d -> d.getFileName().toString().startsWith("snapshot_"))
          .max(java.util.Comparator.comparingLong(d -> {
            try {
              return Long.parseLong(d.getFileName().toString().substring("snapshot_".length()));
            } catch (NumberFormatException e) {
              return -1L;
            }
          })).orElse(null);
      if (newest == null) {
        return 0;
      }
      try (Stream<Path> files = Files.list(newest)) {
        return files.mapToLong(f -> f.toFile().length()).sum();
      }
    } catch (IOException e) {
      return 0;
    }
  }

  /** Refresher thread: probes the leader and the destination of every move (when someone asked lately). */
  public void refresh(long nowMs) {
    ClusterState s = node.state();
    if (s == null || s.moves().isEmpty()) {
      entries.clear();
      samples.clear();
      return;
    }
    entries.keySet().retainAll(s.moves());
    samples.keySet().retainAll(s.moves());
    if (nowMs - lastAskedMs > INTEREST_MS) {
      return;
    }
    for (ClusterState.Move m : s.moves()) {
      Member leader = node.leaderOf(m.partition());
      MemberInfo to = s.info(m.to());
      BusMessages.MoveProbeReply atLeader = leader == null ? null : probe(leader, m.partition());
      BusMessages.MoveProbeReply atDest = to == null ? null : probe(to.member(), m.partition());
      String phase = atLeader != null && !atLeader.phase.isEmpty() ? atLeader.phase
          : atDest == null ? "destination unreachable" : "waiting for the leader";
      long done = atDest == null ? -1 : atDest.snapshotBytes;
      long total = atLeader == null ? -1 : atLeader.snapshotSize;
      Deque<long[]> hist = samples.computeIfAbsent(m, k -> new ArrayDeque<>());
      long rate = -1;
      if (done >= 0) {
        hist.addLast(new long[] {nowMs, done});
        while (hist.size() > RATE_SAMPLES) {
          hist.removeFirst();
        }
        long[] first = hist.peekFirst();
        if (first != null && nowMs > first[0]) {
          rate = (done - first[1]) * 1000 / (nowMs - first[0]);
        }
      }
      long eta = -1;
      long lag = atLeader == null ? -1 : atLeader.lagEntries;
      if (done >= 0 && total > 0 && done < total && rate > 0) {
        eta = (total - done) * 1000 / rate;
      } else if (lag >= 0 && lag <= MoveExecutor.CATCH_UP_MARGIN) {
        eta = 0;
      }
      entries.put(m, new Entry(phase, done, total, rate, eta, lag));
    }
  }

  private BusMessages.MoveProbeReply probe(Member m, int partition) {
    if (m.id().equals(node.self().id())) {
      return answer(partition);
    }
    BusMessages.MoveProbe req = new BusMessages.MoveProbe();
    req.partition = partition;
    try {
      Object r = client.invokeSync(new Endpoint(m.host(), m.busPort()), req, PROBE_TIMEOUT_MS);
      return r instanceof BusMessages.MoveProbeReply reply ? reply : null;
    } catch (Exception e) {
      log.debug("move probe of {} failed: {}", m, e.toString());
      return null;
    }
  }
}
