package dev.tide.lab.cluster;

import dev.tide.cluster.status.ClusterStatus;
import dev.tide.lab.driver.Driver;
import dev.tide.lab.harness.Benchmark;
import dev.tide.lab.report.MachineInfo;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.run.LoadRunner;
import dev.tide.lab.run.Progress;
import dev.tide.lab.run.RunConfig;
import dev.tide.lab.run.RunResult;
import dev.tide.lab.schedule.RateProfile;
import dev.tide.lab.targets.Processes;
import dev.tide.lab.targets.Target;
import dev.tide.lab.targets.Targets;
import dev.tide.lab.targets.TideClusterTarget;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link ClusterBenchPlan}: each target in turn (never two at once), the same phases with
 * the same client, then the failover benchmark when asked. Around the SET peak it also reads the
 * CPU time of every server process and thread ({@link ProcessCpu}) and, for Tide, the Raft commit
 * indexes of every partition (how many log entries the writes took: the batching) and optionally
 * a JFR profile of each node. A shutdown hook stops whatever runs on Ctrl-C.
 */
public final class ClusterBench {

  /** Most requests in one phase: the duration ends a phase long before on this machine. */
  static final long MAX_REQUESTS_PER_PHASE = RunConfig.MAX_REQUESTS;
  /** Warm-up steps after the minimum, each compared with the one before. */
  static final long WARMUP_STEP_NS = 5_000_000_000L;
  /** Two warm-up steps within this fraction of each other: throughput is stable. */
  static final double WARMUP_STABLE_FRACTION = 0.10;
  /** Longest warm-up (unless --warmup asks for more). */
  static final long WARMUP_MAX_NS = 60_000_000_000L;
  /** Preload passes before a target is given up. */
  static final int PRELOAD_PASSES = 3;
  /** Thread groups listed per target in the CPU breakdown. */
  static final int CPU_GROUPS_SHOWN = 12;

  /**
   * What the Raft layer did during the SET peak.
   *
   * @param entries      log entries committed over all partitions (commit index deltas)
   * @param writes       successful SETs in the same time
   * @param leadersPerNode partition leaders per node when the phase started, e.g. "n1:6 n2:5 n3:5"
   */
  public record Consensus(long entries, long writes, String leadersPerNode) {
    public double writesPerEntry() {
      return entries <= 0 ? Double.NaN : (double) writes / entries;
    }
  }

  /** CPU of one thread group over the SET peak: µs per successful SET and share of the target's CPU. */
  public record CpuGroup(String group, double usPerSet, double share) {
  }

  /** One target's phases and figures. */
  /**
   * One target's phases and figures.
   *
   * @param machineCpu the whole machine's CPU shares during the SET peak (null when unknown)
   */
  public record TargetOutcome(ClusterFigures figures, RunResult setPeak, RunResult getPeak, RunResult setHalf,
                              Consensus consensus, List<CpuGroup> cpuGroups, double clientCpuUsPerSet,
                              MachineCpu machineCpu, String profile) {
  }

  /** The whole run. */
  public record Outcome(ClusterBenchPlan plan, MachineInfo machine, String loadAverageAtEnd, FsyncProbe.Result fsync,
                        List<TargetOutcome> targets, FailoverBench.Result failover, long startedEpochMs,
                        long endedEpochMs, Path directory) {
  }

  private final ClusterBenchPlan plan;
  private final PrintStream log;
  private final boolean terminal;
  private volatile Target running;

  public ClusterBench(ClusterBenchPlan plan, PrintStream log, boolean terminal) {
    this.plan = plan;
    this.log = log;
    this.terminal = terminal;
  }

  /**
   * Runs everything and returns what was measured; {@code directory} is where profiles go (the
   * report is written there afterwards).
   */
  public Outcome run(Path directory) throws InterruptedException {
    long startedMs = System.currentTimeMillis();
    MachineInfo machine = MachineInfo.read();
    Eta eta = plan.eta();
    log.println("cluster: " + plan.describe().strip().replace("\n", "\ncluster: "));
    FsyncProbe.Result fsync = probeFsync();
    List<TargetOutcome> outcomes = new ArrayList<>();
    Thread hook = new Thread(() -> {
      Target t = running;
      if (t != null) {
        t.close();
      }
    }, "lab-stop-targets");
    Runtime.getRuntime().addShutdownHook(hook);
    FailoverBench.Result failover = null;
    try {
      for (String name : plan.targets()) {
        outcomes.add(runTarget(name, eta, directory));
      }
      if (plan.failover()) {
        log.println("cluster: " + eta.begin("failover", System.nanoTime()));
        failover = new FailoverBench(new FailoverBench.Plan(plan.kills(), plan.writeTimeoutMs(), plan.nodes(),
            plan.partitions(), plan.repoRoot(), plan.guard()), log::println).run();
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs already
      }
    }
    return new Outcome(plan, machine, MachineInfo.read().loadAverage(), fsync, outcomes, failover, startedMs,
        System.currentTimeMillis(), directory);
  }

  /** fsync cost on the file system of the temporary directories the nodes' data goes to. */
  private FsyncProbe.Result probeFsync() {
    Path dir = Processes.tempDir("lab-fsync-probe");
    try {
      FsyncProbe.Result r = FsyncProbe.measure(dir);
      log.println(String.format(Locale.ROOT, "cluster: fsync on %s: p50 %.0f µs, p99 %.0f µs (%d appends + fdatasync)",
          dir.getParent(), r.p50Us(), r.p99Us(), r.count()));
      return r;
    } catch (IOException e) {
      log.println("cluster: fsync probe failed: " + e.getMessage());
      return new FsyncProbe.Result(0, Double.NaN, Double.NaN, Double.NaN);
    } finally {
      Processes.deleteTree(dir);
    }
  }

  private TargetOutcome runTarget(String name, Eta eta, Path directory) throws InterruptedException {
    log.println("cluster: " + eta.begin(name + ": start", System.nanoTime()));
    Target target;
    try {
      target = name.equals(ClusterTable.TIDE)
          ? TideClusterTarget.start(plan.repoRoot(), plan.nodes(), plan.partitions(),
              line -> log.println("cluster: tide-cluster: " + line))
          : Targets.start(name, plan.repoRoot(), plan.nodes(), plan.guard());
    } catch (RuntimeException e) {
      log.println("cluster: " + name + " did not start: " + e.getMessage());
      eta.skipTo(nextTargetPrefix(name));
      return failed(name, "not started", e.getMessage());
    }
    running = target;
    try (ClientIo io = new ClientIo(ClientIo.DEFAULT_THREADS)) {
      log.println("cluster: " + target.description());
      return measure(target, io, eta, directory);
    } catch (RuntimeException e) {
      log.println("cluster: " + name + " failed: " + e.getMessage());
      eta.skipTo(nextTargetPrefix(name));
      return failed(name, target.description(), e.getMessage());
    } finally {
      log.println("cluster: " + eta.begin(name + ": stop", System.nanoTime()));
      target.close();
      running = null;
    }
  }

  private String nextTargetPrefix(String name) {
    int i = plan.targets().indexOf(name);
    return i + 1 < plan.targets().size() ? plan.targets().get(i + 1) + ":" : name + ": stop";
  }

  private static TargetOutcome failed(String name, String description, String failure) {
    return new TargetOutcome(ClusterFigures.failed(name, description, failure), null, null, null, null, List.of(),
        Double.NaN, null, null);
  }

  private TargetOutcome measure(Target target, ClientIo io, Eta eta, Path directory) throws InterruptedException {
    String name = target.name();
    boolean tide = target instanceof TideClusterTarget;
    try (Driver driver = target.connect(io, plan.guard(), plan.clients(), plan.timeoutNs())) {
      log.println("cluster: " + eta.begin(name + ": preload and warm-up", System.nanoTime()));
      String notes = preload(driver, name);
      String warmupNote = warmUp(driver, name);
      notes = notes == null ? warmupNote : notes + "; " + warmupNote;

      log.println("cluster: " + eta.begin(name + ": " + ClusterBenchPlan.SET_PEAK, System.nanoTime()));
      ClusterStatus before = tide ? statusOrNull((TideClusterTarget) target) : null;
      ProcessCpu.Snapshot cpu0 = ProcessCpu.take(target.pids());
      ProcessCpu.Snapshot self0 = ProcessCpu.take(List.of(ProcessHandle.current().pid()));
      MachineCpu.Reading machine0 = MachineCpu.read();
      RunResult set = phase(driver, plan.workload(0), closed(plan.measureNs()), name + " " + ClusterBenchPlan.SET_PEAK);
      ProcessCpu.Snapshot cpu1 = ProcessCpu.take(target.pids());
      ProcessCpu.Snapshot self1 = ProcessCpu.take(List.of(ProcessHandle.current().pid()));
      MachineCpu machineCpu = MachineCpu.between(machine0, MachineCpu.read());
      ClusterStatus after = tide ? statusOrNull((TideClusterTarget) target) : null;
      Consensus consensus = tide ? consensus(before, after, set.ok()) : null;
      double serverNs = ProcessCpu.totalNs(cpu0, cpu1);
      double cpuPerSet = set.ok() == 0 || cpu0.processCpuNs().isEmpty() ? Double.NaN : serverNs / 1e3 / set.ok();
      double clientPerSet = set.ok() == 0 || self0.processCpuNs().isEmpty() ? Double.NaN
          : ProcessCpu.totalNs(self0, self1) / 1e3 / set.ok();
      List<CpuGroup> groups = new ArrayList<>();
      for (Map.Entry<String, Long> g : ProcessCpu.groupsNs(cpu0, cpu1)) {
        if (groups.size() >= CPU_GROUPS_SHOWN || set.ok() == 0) {
          break;
        }
        groups.add(new CpuGroup(g.getKey(), g.getValue() / 1e3 / set.ok(), g.getValue() / Math.max(1, serverNs)));
      }
      if (consensus != null) {
        log.println(String.format(Locale.ROOT, "cluster: %s: %,d writes in %,d Raft entries (%.1f writes per entry); "
            + "leaders %s", name, consensus.writes(), consensus.entries(), consensus.writesPerEntry(),
            consensus.leadersPerNode()));
      }
      log.println(String.format(Locale.ROOT, "cluster: %s: server CPU %.1f µs per SET, client CPU %.1f µs per SET; "
          + "machine %s", name, cpuPerSet, clientPerSet, machineCpu == null ? "n/a" : machineCpu.describe()));

      log.println("cluster: " + eta.begin(name + ": " + ClusterBenchPlan.GET_PEAK, System.nanoTime()));
      RunResult get = phase(driver, plan.workload(1), closed(plan.measureNs()), name + " " + ClusterBenchPlan.GET_PEAK);

      log.println("cluster: " + eta.begin(name + ": " + ClusterBenchPlan.SET_HALF, System.nanoTime()));
      RunResult half = null;
      double halfRate = set.throughputOpsPerSec() / 2;
      if (halfRate >= 1) {
        half = phase(driver, plan.workload(0), new RunConfig(true, new RateProfile.Constant(halfRate), plan.measureNs(),
            MAX_REQUESTS_PER_PHASE, 1, RunConfig.DEFAULT_MAX_IN_FLIGHT, plan.timeoutNs()),
            name + " " + ClusterBenchPlan.SET_HALF);
      } else {
        log.println("cluster: " + name + ": no SET peak to take half of; skipping the latency phase");
      }
      String profile = null;
      if (tide && plan.profile()) {
        // A separate SET phase with stack sampling, after the measured ones: the dumps cost the
        // nodes CPU, which must not land in the figures.
        log.println("cluster: " + eta.begin(name + ": " + ClusterBenchPlan.SET_PROFILED, System.nanoTime()));
        StackSampler sampler = StackSampler.start(target.pids(), directory.resolve("profile"));
        RunResult profiled = phase(driver, plan.workload(0), closed(plan.measureNs()),
            name + " " + ClusterBenchPlan.SET_PROFILED);
        profile = String.format(Locale.ROOT, "SET closed loop while sampled: %,.0f ops/s, p50 %s ms, p99 %s ms%n",
            profiled.throughputOpsPerSec(), ClusterTable.ms(profiled.percentileMs(50)),
            ClusterTable.ms(profiled.percentileMs(99))) + sampler.stopAndSummarise();
      }
      ClusterFigures f = figures(target, target.description() + "; " + notes, set, get, half, halfRate, cpuPerSet);
      return new TargetOutcome(f, set, get, half, consensus, groups, clientPerSet, machineCpu, profile);
    }
  }

  /**
   * Writes every key once; a pass with more than 1% failures (an election under a starved CPU
   * can outlast the driver's retries) is repeated, up to {@link #PRELOAD_PASSES} times: the
   * writes are idempotent SETs. If the last pass still fails, the run goes on (a GET of a key
   * that is missing is still a read through the same path) and the note is returned for the
   * report; null when the preload succeeded.
   */
  private String preload(Driver driver, String name) throws InterruptedException {
    for (int pass = 1; ; pass++) {
      try {
        Benchmark.preload(driver, plan.workload(0), name, log);
        return null;
      } catch (IllegalStateException e) {
        if (pass >= PRELOAD_PASSES) {
          log.println("cluster: " + name + ": " + e.getMessage() + "; going on with the keys that were written");
          return "preload incomplete after " + PRELOAD_PASSES + " passes (" + e.getMessage() + ")";
        }
        log.println("cluster: " + name + ": " + e.getMessage() + "; preloading again");
      }
    }
  }

  /**
   * Warms up until throughput is stable, as the project's measurement rule asks (JIT warm-up of
   * three JVMs on two cores takes longer than of one): closed loop, half reads, at least
   * {@code --warmup}, then {@link #WARMUP_STEP_NS} steps until two steps in a row differ by less
   * than {@link #WARMUP_STABLE_FRACTION}, at most {@link #WARMUP_MAX_NS} in all.
   *
   * @return a note on how long it took, for the report
   */
  private String warmUp(Driver driver, String name) throws InterruptedException {
    if (plan.warmupNs() == 0) {
      return "no warm-up";
    }
    long start = System.nanoTime();
    double last = new LoadRunner(driver, plan.workload(0.5), closed(plan.warmupNs()), name + " warm-up",
        Progress.NONE).run().throughputOpsPerSec();
    while (System.nanoTime() - start + WARMUP_STEP_NS <= Math.max(WARMUP_MAX_NS, plan.warmupNs())) {
      double now = new LoadRunner(driver, plan.workload(0.5), closed(WARMUP_STEP_NS), name + " warm-up",
          Progress.NONE).run().throughputOpsPerSec();
      boolean stable = last > 0 && Math.abs(now - last) / last < WARMUP_STABLE_FRACTION;
      log.println(String.format(Locale.ROOT, "cluster: %s: warm-up %.0f s, %,.0f ops/s (before: %,.0f)%s", name,
          (System.nanoTime() - start) / 1e9, now, last, stable ? ": stable" : ""));
      last = now;
      if (stable) {
        return String.format(Locale.ROOT, "warm-up %.0f s (stable)", (System.nanoTime() - start) / 1e9);
      }
    }
    return String.format(Locale.ROOT, "warm-up %.0f s (throughput still moving by more than %.0f%% per %d s)",
        (System.nanoTime() - start) / 1e9, WARMUP_STABLE_FRACTION * 100, WARMUP_STEP_NS / 1_000_000_000L);
  }

  private RunConfig closed(long durationNs) {
    return new RunConfig(false, null, durationNs, MAX_REQUESTS_PER_PHASE, 1, RunConfig.DEFAULT_MAX_IN_FLIGHT,
        plan.timeoutNs());
  }

  private RunResult phase(Driver driver, dev.tide.lab.workload.WorkloadSpec w, RunConfig config, String label)
      throws InterruptedException {
    RunResult r = new LoadRunner(driver, w, config, label, Progress.printing(log, terminal)).run();
    log.println(String.format(Locale.ROOT, "cluster: %s: %,.0f ops/s, p50 %s ms, p99 %s ms, errors %,d, retries %,d",
        label, r.throughputOpsPerSec(), ClusterTable.ms(r.percentileMs(50)), ClusterTable.ms(r.percentileMs(99)),
        r.errors(), r.retries()));
    return r;
  }

  static ClusterFigures figures(Target target, String description, RunResult set, RunResult get, RunResult half,
                                double halfRate, double cpuPerSet) {
    double n = Double.NaN;
    long errors = set.errors() + get.errors() + (half == null ? 0 : half.errors());
    long retries = set.retries() + get.retries() + (half == null ? 0 : half.retries());
    return new ClusterFigures(target.name(), description, null, set.throughputOpsPerSec(),
        set.percentileMs(50), set.percentileMs(99), get.throughputOpsPerSec(), get.percentileMs(50),
        get.percentileMs(99), half == null ? n : halfRate, half == null ? n : half.throughputOpsPerSec(),
        half == null ? n : half.percentileMs(50), half == null ? n : half.percentileMs(99),
        half == null ? n : half.percentileMs(99.9), errors, retries, cpuPerSet);
  }

  private ClusterStatus statusOrNull(TideClusterTarget t) {
    try {
      return t.status();
    } catch (IOException e) {
      log.println("cluster: TIDE.STATUS failed: " + e.getMessage());
      return null;
    }
  }

  /** Entries committed over all partitions between two statuses, and the leaders per node at the first. */
  static Consensus consensus(ClusterStatus before, ClusterStatus after, long writes) {
    if (before == null || after == null) {
      return null;
    }
    Map<Integer, Long> commit0 = new TreeMap<>();
    Map<String, Integer> leaders = new TreeMap<>();
    for (ClusterStatus.PartitionView p : before.partitions()) {
      commit0.put(p.partition(), p.commitIndex());
      if (p.leader() != null) {
        leaders.merge(p.leader().name(), 1, Integer::sum);
      }
    }
    long entries = 0;
    for (ClusterStatus.PartitionView p : after.partitions()) {
      Long c0 = commit0.get(p.partition());
      if (c0 != null && c0 >= 0 && p.commitIndex() >= c0) {
        entries += p.commitIndex() - c0;
      }
    }
    StringBuilder sb = new StringBuilder();
    leaders.forEach((node, count) -> sb.append(sb.isEmpty() ? "" : " ").append(node).append(':').append(count));
    return new Consensus(entries, writes, sb.toString());
  }

  /** Creates the result directory {@code resultsDir/<UTC stamp>-<name>} (numbered if taken). */
  public static Path createDirectory(Path resultsDir, String name, long epochMs) throws IOException {
    String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(epochMs));
    Path dir = resultsDir.resolve(stamp + "-" + name);
    for (int i = 2; Files.exists(dir) && i <= 1_000; i++) {
      dir = resultsDir.resolve(stamp + "-" + name + "-" + i);
    }
    Files.createDirectories(dir);
    return dir;
  }

}
