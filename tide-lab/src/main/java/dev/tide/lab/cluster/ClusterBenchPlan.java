package dev.tide.lab.cluster;

import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.workload.KeyChooser;
import dev.tide.lab.workload.ValueSizer;
import dev.tide.lab.workload.WorkloadSpec;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Everything {@code ./tide bench cluster} does, fixed before the first target starts so every
 * target is measured the same way.
 *
 * <p>Per target, in order: start it; preload the key space; warm up (closed loop, half reads,
 * at least {@code warmupNs} and until throughput is stable);
 * <b>SET peak</b> (closed loop, writes only, {@code clients} connections each with one request
 * outstanding); <b>GET peak</b> (the same, reads only); <b>SET at half of the peak</b> (open loop
 * at half of that target's own SET peak, latency from the intended start); stop it.
 *
 * @param clients  closed loop: connections (lanes), each with one request outstanding, so this
 *                 many requests are in flight; open loop: the lanes the schedule is spread over.
 *                 Cluster drivers open one connection per lane to every node.
 * @param measureNs  length of each measured phase
 * @param kills      failover: leader kills (when {@code failover})
 * @param profile    run one more SET phase on Tide, sampling every node's stacks ({@link StackSampler})
 */
public record ClusterBenchPlan(List<String> targets, long measureNs, long warmupNs, int clients, long keys,
                               int valueBytes, long timeoutNs, int nodes, int partitions, boolean failover, int kills,
                               int writeTimeoutMs, boolean profile, long seed, TargetGuard guard, Path repoRoot,
                               Path resultsDir, String command) {

  /** The three systems of the comparison, in the order they run. */
  public static final List<String> ALL_TARGETS = List.of(ClusterTable.TIDE, ClusterTable.REDIS_CLUSTER,
      ClusterTable.ETCD);
  public static final int DEFAULT_SECONDS = 20;
  public static final int QUICK_SECONDS = 5;
  public static final int DEFAULT_WARMUP_SECONDS = 10;
  public static final int QUICK_WARMUP_SECONDS = 3;
  /**
   * 64 requests in flight: the figure etcd's 6.8k puts/s reference was measured with here
   * (docs: measured-references), and what a service with a few dozen client threads offers.
   */
  public static final int DEFAULT_CLIENTS = 64;
  public static final int DEFAULT_KILLS = 20;
  public static final int QUICK_KILLS = 5;
  /** The failover writer's timeout per attempt: short next to the 1 s target, long next to a write (~ms). */
  public static final int DEFAULT_WRITE_TIMEOUT_MS = 500;
  /** Longest measured phase and warm-up. */
  public static final int MAX_SECONDS = 600;
  /** Most clients: each is a connection per node. */
  public static final int MAX_CLIENTS = 1_024;
  /** Nodes of the Tide cluster and masters of the Redis Cluster: the 3. */
  public static final int NODES = 3;
  /** Request timeout in the load phases (as the lab's default). */
  public static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

  public ClusterBenchPlan {
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("--targets: at least one of " + ALL_TARGETS);
    }
    if (new HashSet<>(targets).size() != targets.size()) {
      throw new IllegalArgumentException("--targets lists a target twice: " + targets);
    }
    for (String t : targets) {
      if (!ALL_TARGETS.contains(t)) {
        throw new IllegalArgumentException("--targets: unknown target '" + t + "' (" + String.join(", ", ALL_TARGETS)
            + ")");
      }
    }
    if (measureNs < TimeUnit.SECONDS.toNanos(1) || measureNs > TimeUnit.SECONDS.toNanos(MAX_SECONDS)) {
      throw new IllegalArgumentException("--seconds must be 1.." + MAX_SECONDS);
    }
    if (warmupNs < 0 || warmupNs > TimeUnit.SECONDS.toNanos(MAX_SECONDS)) {
      throw new IllegalArgumentException("--warmup must be 0.." + MAX_SECONDS + " seconds");
    }
    if (clients < 1 || clients > MAX_CLIENTS) {
      throw new IllegalArgumentException("--clients must be 1.." + MAX_CLIENTS + ", got " + clients);
    }
    KeyChooser.parse("uniform", keys); // validates --keys
    ValueSizer.parse(Integer.toString(valueBytes)); // validates --value-size
    if (failover && (kills < 1 || kills > FailoverBench.MAX_KILLS)) {
      throw new IllegalArgumentException("--kills must be 1.." + FailoverBench.MAX_KILLS + ", got " + kills);
    }
  }

  /** The get-set workload with the given read ratio (0: SET only, 1: GET only). */
  public WorkloadSpec workload(double readRatio) {
    return new WorkloadSpec(WorkloadSpec.Type.GET_SET, readRatio, keys, KeyChooser.parse("uniform", keys),
        ValueSizer.parse(Integer.toString(valueBytes)), 10, seed);
  }

  public double measureSec() {
    return measureNs / 1e9;
  }

  public double warmupSec() {
    return warmupNs / 1e9;
  }

  /** Phase names, as they appear in progress lines and reports. */
  public static final String SET_PEAK = "SET peak";
  public static final String GET_PEAK = "GET peak";
  public static final String SET_HALF = "SET at half peak";
  /** With --profile, Tide only: a SET peak again, with stack sampling, not in the figures. */
  public static final String SET_PROFILED = "SET with stack sampling";

  /** The steps and a guess of their lengths (start-up and preload measured on this 2-core machine). */
  Eta eta() {
    Eta eta = new Eta();
    for (String t : targets) {
      double start = t.equals(ClusterTable.TIDE) ? 30 : 5;
      eta.add(t + ": start", start);
      eta.add(t + ": preload and warm-up", 5 + warmupSec() + (warmupSec() > 0 ? 5 : 0));
      eta.add(t + ": " + SET_PEAK, measureSec() + 1);
      eta.add(t + ": " + GET_PEAK, measureSec() + 1);
      eta.add(t + ": " + SET_HALF, measureSec() + 1);
      if (profile && t.equals(ClusterTable.TIDE)) {
        eta.add(t + ": " + SET_PROFILED, measureSec() + 10);
      }
      eta.add(t + ": stop", t.equals(ClusterTable.TIDE) ? 3 : 1);
    }
    if (failover) {
      eta.add("failover", 40 + kills * FailoverBench.CYCLE_ESTIMATE_SEC);
    }
    return eta;
  }

  /** What will run, for {@code --dry-run} and the report header. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "targets: %s%n", String.join(", ", targets)));
    sb.append(String.format(Locale.ROOT, "load: %d clients (connections per node, one request outstanding each); "
        + "%d keys, %d-byte values; warm-up %.0f s or more, until throughput is stable; each phase %.0f s%n", clients,
        keys, valueBytes, warmupSec(),
        measureSec()));
    sb.append("phases per target: preload, warm-up (50% GET), " + SET_PEAK + " (closed loop), " + GET_PEAK
        + " (closed loop), " + SET_HALF + " (open loop at 50% of its own SET peak)\n");
    if (failover) {
      sb.append(String.format(Locale.ROOT, "failover: %d kill -9 of a partition leader, writer timeout %d ms%n", kills,
          writeTimeoutMs));
    }
    if (profile) {
      sb.append("profile: one more SET phase on Tide with thread dumps of every node each second (not in the figures)\n");
    }
    Eta eta = eta();
    sb.append("steps: ").append(eta.size()).append(", estimated ").append(Eta.format(eta.totalSec())).append('\n');
    return sb.toString();
  }
}
