package dev.tide.lab.cluster;

import dev.tide.cluster.local.LocalCluster;
import dev.tide.cluster.status.ClusterStatus;
import dev.tide.cluster.status.NodeStatus;
import dev.tide.cluster.status.RespClient;
import dev.tide.engine.slots.Slots;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.targets.TideClusterTarget;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code ./tide bench failover}: {@code kill -9} of a partition's leader, repeated, under a
 * continuous writer, on a 3-node RF 3 Tide cluster of real processes.
 *
 * <p>One {@link FailoverWriter} writes keys of one slot (one partition) without pause. For each
 * kill: wait until the cluster is whole (every node up, every partition led, every follower
 * alive and caught up) and the writer has made progress; ask the nodes ({@code TIDE.STATUS})
 * which node leads the writer's partition; {@code kill -9} it (by PID, through
 * {@link LocalCluster#kill}); wait until the writer is acknowledged again; take the gap between
 * the last acknowledgement before the kill and the first after it ({@link FailoverTimeline});
 * restart the killed node on its data and wait until it has caught up. At the end the writer
 * stops and every acknowledged key is read back (MGET through the partition's leader) and
 * compared with the value written.
 */
public final class FailoverBench {

  /** Hash tag of the writer's keys: one slot, hence one partition. */
  public static final String TAG = "{tide-failover}";
  /** Acknowledged writes wanted before the first kill (JIT warm-up of the write path). */
  static final int WARMUP_ACKS = 2_000;
  /** Acknowledged writes wanted between a node's catch-up and the next kill. */
  static final int ACKS_BETWEEN_KILLS = 200;
  /** Writes must resume within this long or the kill counts as "did not resume". */
  static final long RESUME_TIMEOUT_MS = 30_000;
  /** Time for a restarted node to rejoin and catch up (a JVM start on 2 busy cores: 10-30 s). */
  static final long CATCH_UP_TIMEOUT_MS = 180_000;
  /** A follower counts as caught up when it is this few entries behind its leader (the writer keeps appending). */
  static final long CAUGHT_UP_MAX_LAG = 64;
  /** Time for the writer to reach its warm-up and between-kill counts. */
  static final long PROGRESS_TIMEOUT_MS = 120_000;
  /** Keys per MGET while verifying. */
  static final int VERIFY_CHUNK = 1_000;
  /** Attempts per MGET chunk while verifying (a leader may move meanwhile). */
  static final int VERIFY_ATTEMPTS = 20;
  /** Most kills one run may ask for. */
  public static final int MAX_KILLS = 1_000;
  /** Status poll interval while waiting. */
  static final long POLL_MS = 200;
  /** First guess of one kill cycle's length, for the ETA before any cycle finished. */
  static final double CYCLE_ESTIMATE_SEC = 25;

  /**
   * @param kills          leader kills
   * @param writeTimeoutMs the writer's connect and reply timeout per attempt
   * @param partitions     partitions of the cluster
   */
  public record Plan(int kills, int writeTimeoutMs, int nodes, int partitions, Path repoRoot, TargetGuard guard) {
    public Plan {
      if (kills < 1 || kills > MAX_KILLS) {
        throw new IllegalArgumentException("--kills must be 1.." + MAX_KILLS + ", got " + kills);
      }
      if (writeTimeoutMs < 10 || writeTimeoutMs > 60_000) {
        throw new IllegalArgumentException("--write-timeout-ms must be 10..60000, got " + writeTimeoutMs);
      }
    }
  }

  /** One kill. */
  /**
   * One kill.
   *
   * @param story what the writer saw from the last ack before the kill to the first after it
   *              (times in ms after the kill; see {@link FailoverWriter#story})
   */
  public record Sample(int kill, String killedNode, int partition, long termBefore, double gapMs,
                      double resumeAfterKillMs, String newLeader, double catchUpMs, String story) {
  }


  /**
   * What a failover run found.
   *
   * @param missing  acknowledged writes not found (or with another value) at the end: must be 0
   * @param firstMissing up to 10 of their keys
   */
  public record Result(String description, int slot, int partition, int writeTimeoutMs, List<Sample> samples,
                       FailoverTimeline.Distribution distribution, long acked, long attempts, long moved,
                       long tryAgain, long timeouts, long connectionErrors, long otherErrors, long givenUp,
                       String lastOtherError, long verified, long missing, List<String> firstMissing,
                       String failure) {
  }

  private final Plan plan;
  private final Consumer<String> log;

  public FailoverBench(Plan plan, Consumer<String> log) {
    this.plan = plan;
    this.log = log;
  }

  /** Starts a fresh cluster, runs the kills, verifies, stops everything. Never throws for a failed run: see {@link Result#failure}. */
  public Result run() throws InterruptedException {
    log.accept("failover: starting a " + plan.nodes() + "-node Tide cluster (" + plan.partitions()
        + " partitions, RF 3) ...");
    TideClusterTarget target;
    try {
      target = TideClusterTarget.start(plan.repoRoot(), plan.nodes(), plan.partitions(),
          line -> log.accept("failover: " + line));
    } catch (RuntimeException e) {
      return failed("", e.getMessage());
    }
    Result r = null;
    try {
      r = run(target);
      return r;
    } finally {
      if (r != null && r.missing() != 0) {
        // Evidence for whoever looks into it: Raft logs, snapshots and every node's log.
        Path kept = target.closeKeepingData();
        log.accept("failover: cluster stopped; its data and node logs are kept in " + kept);
      } else {
        target.close();
        log.accept("failover: cluster stopped");
      }
    }
  }

  private Result failed(String description, String failure) {
    return new Result(description, -1, -1, plan.writeTimeoutMs(), List.of(),
        FailoverTimeline.distribution(List.of()), 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, List.of(), failure);
  }

  private Result run(TideClusterTarget target) throws InterruptedException {
    LocalCluster cluster = target.cluster();
    int slot = Slots.slot(TAG.getBytes(StandardCharsets.US_ASCII));
    List<InetSocketAddress> members = new ArrayList<>();
    for (int i = 1; i <= cluster.layout().nodes(); i++) {
      members.add(plan.guard().check(cluster.layout().host(), cluster.layout().port(i)));
    }
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= cluster.layout().nodes(); i++) {
      names.add(cluster.layout().name(i));
    }
    FailoverWriter writer = new FailoverWriter(members, plan.writeTimeoutMs(), TAG);
    Thread thread = Thread.ofPlatform().name("lab-failover-writer").daemon().start(writer);
    List<Sample> samples = new ArrayList<>();
    int partition = -1;
    String failure = null;
    long started = System.nanoTime();
    try {
      awaitAcks(writer, WARMUP_ACKS);
      for (int k = 1; k <= plan.kills(); k++) {
        long cycleStart = System.nanoTime();
        awaitWhole(cluster);
        awaitAcks(writer, writer.acked() + ACKS_BETWEEN_KILLS);
        ClusterStatus.PartitionView pv = leaderOf(cluster, slot);
        partition = pv.partition();
        int victim = nodeIndex(cluster, pv.leader().address());
        String victimName = cluster.layout().name(victim);
        // The kill instant is when the signal leaves; replies the victim sent before it died
        // may still arrive after it and do not count as "writes resumed" (FailoverTimeline).
        long killNs = System.nanoTime();
        cluster.kill(victim);
        long resumeDeadline = killNs + RESUME_TIMEOUT_MS * 1_000_000L;
        while (writer.lastAckNotByNs(victim - 1) <= killNs && System.nanoTime() < resumeDeadline) {
          Thread.sleep(1);
        }
        FailoverTimeline.Gap gap = FailoverTimeline.gap(writer.ackTimes(), writer.ackNodes(), writer.acked(), killNs,
            victim - 1);
        String newLeader = "?";
        try {
          ClusterStatus.PartitionView now = partitionOf(cluster.status(), slot);
          newLeader = now == null || now.leader() == null ? "-" : now.leader().name();
        } catch (IOException e) {
          newLeader = "? (" + e.getMessage() + ")";
        }
        long restartAt = System.nanoTime();
        cluster.startNode(victim);
        awaitWhole(cluster);
        double catchUpMs = (System.nanoTime() - restartAt) / 1e6;
        String story = gap.resumed() ? writer.story(gap.lastAckBeforeNs(), gap.firstAckAfterNs(), killNs, names)
            : writer.story(killNs - 1_000_000_000L, System.nanoTime(), killNs, names);
        samples.add(new Sample(k, victimName, partition, pv.term(), gap.gapMs(), gap.resumeAfterKillMs(), newLeader,
            catchUpMs, story));
        double elapsedSec = (System.nanoTime() - started) / 1e9;
        double perCycle = elapsedSec / k;
        log.accept(String.format(Locale.ROOT,
            "[failover] kill %d/%d: %s led partition %d (term %d); %s; new leader %s; %s restarted, caught up in %.1f s"
                + "  (cycle %.0f s, ETA %s)", k, plan.kills(), victimName, partition, pv.term(),
            gap.resumed() ? String.format(Locale.ROOT, "writes resumed: gap %.0f ms (%.0f ms after the kill)",
                gap.gapMs(), gap.resumeAfterKillMs()) : "writes did NOT resume within " + RESUME_TIMEOUT_MS + " ms",
            newLeader, victimName, catchUpMs / 1e3, (System.nanoTime() - cycleStart) / 1e9,
            Eta.format(perCycle * (plan.kills() - k))));
        log.accept("[failover]   writer (ms after the kill): " + story);
      }
    } catch (IOException | RuntimeException e) {
      failure = e.getMessage() == null ? e.toString() : e.getMessage();
      log.accept("failover: stopped early: " + failure);
    } finally {
      writer.stop();
      thread.join(FailoverWriter.GIVE_UP_NS / 1_000_000L + 5_000);
    }
    long[] verified = {0};
    List<String> firstMissing = new ArrayList<>();
    long missing;
    try {
      log.accept("failover: verifying " + writer.acked() + " acknowledged writes ...");
      awaitWhole(cluster);
      missing = verify(cluster, slot, writer, verified, firstMissing);
    } catch (IOException | RuntimeException e) {
      missing = -1;
      failure = (failure == null ? "" : failure + "; ") + "verification failed: " + e.getMessage();
    }
    List<Double> gaps = samples.stream().map(Sample::gapMs).toList();
    return new Result(target.description(), slot, partition, plan.writeTimeoutMs(), samples,
        FailoverTimeline.distribution(gaps), writer.acked(), writer.attempts.sum(), writer.moved.sum(),
        writer.tryAgain.sum(), writer.timeouts.sum(), writer.connectionErrors.sum(), writer.otherErrors.sum(),
        writer.givenUp.sum(), writer.lastOtherError(), verified[0], missing, firstMissing, failure);
  }

  private static void awaitAcks(FailoverWriter writer, int count) throws InterruptedException {
    long deadline = System.nanoTime() + PROGRESS_TIMEOUT_MS * 1_000_000L;
    while (writer.acked() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the writer made no progress: " + writer.acked() + " of " + count
            + " writes acknowledged after " + PROGRESS_TIMEOUT_MS + " ms (last error: " + writer.lastOtherError() + ")");
      }
      Thread.sleep(5);
    }
  }

  /** Waits until every node runs and answers, every partition is led, and every follower is alive and caught up. */
  static void awaitWhole(LocalCluster cluster) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP_TIMEOUT_MS * 1_000_000L;
    String last = "no status yet";
    while (System.nanoTime() < deadline) {
      cluster.checkAlive();
      try {
        ClusterStatus s = cluster.status();
        String why = notWhole(s, cluster.layout().nodes(), cluster.layout().partitions());
        if (why == null) {
          return;
        }
        last = why;
      } catch (IOException e) {
        last = e.getMessage();
      }
      Thread.sleep(POLL_MS);
    }
    throw new IllegalStateException("cluster not whole after " + CATCH_UP_TIMEOUT_MS + " ms: " + last);
  }

  /** Why a status is not a whole, caught-up cluster, or null when it is. */
  static String notWhole(ClusterStatus s, int nodes, int partitions) {
    if (s.upCount() < nodes) {
      return s.upCount() + "/" + nodes + " nodes answer";
    }
    if (!s.allLed(partitions)) {
      return s.ledCount() + "/" + partitions + " partitions led";
    }
    for (ClusterStatus.PartitionView p : s.partitions()) {
      if (p.followers().size() < p.replicaIds().size() - 1) {
        return "partition " + p.partition() + ": leader sees " + p.followers().size() + " followers";
      }
      for (NodeStatus.FollowerStatus f : p.followers()) {
        if (!f.alive() || f.lag() < 0 || f.lag() > CAUGHT_UP_MAX_LAG) {
          return "partition " + p.partition() + ": follower " + s.nameOf(f.id()) + " alive=" + f.alive() + " lag="
              + f.lag();
        }
      }
    }
    return null;
  }

  private static ClusterStatus.PartitionView leaderOf(LocalCluster cluster, int slot)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + PROGRESS_TIMEOUT_MS * 1_000_000L;
    String last = "";
    while (true) {
      try {
        ClusterStatus.PartitionView pv = partitionOf(cluster.status(), slot);
        if (pv != null && pv.leader() != null) {
          return pv;
        }
        last = pv == null ? "no node reports the partition" : "no serving leader";
      } catch (IOException e) {
        last = e.getMessage(); // nodes too busy to answer TIDE.STATUS in time: ask again
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader for slot " + slot + " after " + PROGRESS_TIMEOUT_MS + " ms: " + last);
      }
      Thread.sleep(POLL_MS);
    }
  }

  /** The partition whose slot ranges hold {@code slot}, or null. */
  static ClusterStatus.PartitionView partitionOf(ClusterStatus s, int slot) {
    for (ClusterStatus.PartitionView p : s.partitions()) {
      if (p.reachable() && slotsContain(p.slots(), slot)) {
        return p;
      }
    }
    return null;
  }

  /** Whether a slot list such as {@code 0-1023} or {@code 0-9,20,30-39} contains {@code slot}. */
  static boolean slotsContain(String ranges, int slot) {
    for (String r : ranges.split(",")) {
      String t = r.strip();
      if (t.isEmpty() || t.equals("?")) {
        continue;
      }
      int dash = t.indexOf('-');
      int from = Integer.parseInt(dash < 0 ? t : t.substring(0, dash));
      int to = dash < 0 ? from : Integer.parseInt(t.substring(dash + 1));
      if (slot >= from && slot <= to) {
        return true;
      }
    }
    return false;
  }

  private static int nodeIndex(LocalCluster cluster, String address) {
    for (int i = 1; i <= cluster.layout().nodes(); i++) {
      if ((cluster.layout().host() + ":" + cluster.layout().port(i)).equals(address)) {
        return i;
      }
    }
    throw new IllegalStateException("leader " + address + " is not a node of this cluster");
  }

  /**
   * Reads every acknowledged key with MGET (one slot, so one command may carry many keys) from
   * the partition's leader and compares it with the value written. Returns the number missing
   * or different.
   */
  private long verify(LocalCluster cluster, int slot, FailoverWriter writer, long[] verified, List<String> firstMissing)
      throws IOException, InterruptedException {
    int n = writer.acked();
    long missing = 0;
    long[] missingBy = new long[cluster.layout().nodes()];
    for (int start = 0; start < n; start += VERIFY_CHUNK) {
      int end = Math.min(n, start + VERIFY_CHUNK);
      String[] argv = new String[end - start + 1];
      argv[0] = "MGET";
      for (int i = start; i < end; i++) {
        argv[i - start + 1] = FailoverWriter.key(TAG, writer.ackedSeq(i));
      }
      List<?> values = mget(cluster, slot, argv);
      for (int i = start; i < end; i++) {
        Object v = values.get(i - start);
        if (!Long.toString(writer.ackedSeq(i)).equals(v)) {
          missing++;
          if (firstMissing.size() < 10) {
            firstMissing.add(argv[i - start + 1] + " = " + v + " (acknowledged by "
                + cluster.layout().name(writer.ackedBy(i) + 1) + ")");
          }
          missingBy[writer.ackedBy(i)]++;
        }
        verified[0]++;
      }
    }
    if (missing > 0) {
      StringBuilder sb = new StringBuilder("failover: missing writes by the node that acknowledged them:");
      for (int i = 0; i < missingBy.length; i++) {
        sb.append(' ').append(cluster.layout().name(i + 1)).append('=').append(missingBy[i]);
      }
      log.accept(sb.toString());
    }
    return missing;
  }

  private List<?> mget(LocalCluster cluster, int slot, String[] argv) throws IOException, InterruptedException {
    String lastError = "";
    for (int attempt = 0; attempt < VERIFY_ATTEMPTS; attempt++) {
      ClusterStatus.PartitionView pv = leaderOf(cluster, slot);
      String[] hp = pv.leader().address().split(":");
      try (RespClient c = RespClient.connect(hp[0], Integer.parseInt(hp[1]), 10_000)) {
        Object r = c.call(argv);
        if (r instanceof List<?> l && l.size() == argv.length - 1) {
          return l;
        }
        lastError = String.valueOf(r instanceof RespClient.Error e ? e.message() : r);
      } catch (IOException e) {
        lastError = e.getMessage();
      }
      Thread.sleep(POLL_MS);
    }
    throw new IOException("MGET failed " + VERIFY_ATTEMPTS + " times: " + lastError);
  }
}
