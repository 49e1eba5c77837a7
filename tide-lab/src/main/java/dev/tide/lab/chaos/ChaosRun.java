package dev.tide.lab.chaos;

import dev.tide.lab.chaos.client.Router;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.chaos.cluster.ChaosCluster;
import dev.tide.lab.chaos.cluster.LoopDisks;
import dev.tide.lab.chaos.cluster.NetworkNamespaces;
import dev.tide.lab.chaos.cluster.NodeCommand;
import dev.tide.lab.chaos.nemesis.Fault;
import dev.tide.lab.chaos.nemesis.FaultKind;
import dev.tide.lab.chaos.nemesis.Nemesis;
import dev.tide.lab.chaos.nemesis.Schedule;
import dev.tide.lab.chaos.workload.BankWorkload;
import dev.tide.lab.chaos.workload.CounterWorkload;
import dev.tide.lab.chaos.workload.ListAppendWorkload;
import dev.tide.lab.chaos.workload.Recorder;
import dev.tide.lab.chaos.workload.RegisterWorkload;
import dev.tide.lab.chaos.workload.Workload;
import dev.tide.lab.chaos.workload.WorkloadRunner;
import dev.tide.lab.check.Budget;
import dev.tide.lab.check.CheckResult;
import dev.tide.lab.check.HistoryChecker;
import dev.tide.lab.check.HistoryFile;
import dev.tide.lab.check.Op;
import dev.tide.lab.check.Outcome;
import dev.tide.lab.check.Verdict;
import dev.tide.lab.resp.ClientIo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One chaos run, start to verdict:
 * <ol>
 *   <li>start a local Tide cluster (in network namespaces and on loop filesystems when root and
 *       the chosen faults need them) and wait until every partition takes writes;</li>
 *   <li>start the workloads' clients, recording every operation to {@code history.jsonl};</li>
 *   <li>run the seeded nemesis schedule for the run's duration;</li>
 *   <li>heal everything (network, disks, paused and dead nodes), wait until every partition takes
 *       writes again (the recovery time), let the clients run a little longer, stop them;</li>
 *   <li>read everything once more (final reads), stop the cluster, check the history.</li>
 * </ol>
 * Every phase is bounded: the run lasts its duration + recovery timeout + about a minute.
 */
public final class ChaosRun {

  /** Clients keep running this long after recovery, so that healed nodes serve traffic before the final reads. */
  static final long AFTER_RECOVERY_MS = 3_000;
  /** Progress lines while running. */
  static final long PROGRESS_EVERY_MS = 5_000;

  /** Everything a run needs. */
  public record Options(int nodes, int partitions, int replicas, Integer electionTimeoutMs, List<FaultKind> faults,
                        Schedule.Timing timing, long durationMs, List<String> workloads, int clientsPerWorkload,
                        long thinkMinMs, long thinkMaxMs, long opTimeoutMs, boolean netns, boolean loopDisks,
                        NodeCommand command, long recoveryTimeoutMs, long checkBudgetMs) {

    public static final List<String> ALL_WORKLOADS = List.of("register", "list", "counter", "bank");

    public Options {
      if (durationMs < 1_000 || durationMs > TimeUnit.HOURS.toMillis(6)) {
        throw new IllegalArgumentException("a chaos run lasts 1 s .. 6 h, got " + durationMs + " ms");
      }
      for (String w : workloads) {
        if (!ALL_WORKLOADS.contains(w)) {
          throw new IllegalArgumentException("unknown workload '" + w + "' (" + String.join(", ", ALL_WORKLOADS) + ")");
        }
      }
    }
  }

  /** What a run produced. */
  public record Result(int index, long seed, List<Fault> faults, Map<FaultKind, String> skippedFaults,
                       Map<String, String> skippedWorkloads, List<String> notes, Map<String, CheckResult> checks,
                       Verdict verdict, long recoveryMs, long elapsedMs, Timeline timeline, Path historyFile,
                       long ok, long fail, long unknown, String failure) {

    public long ops() {
      return ok + fail + unknown;
    }

    public long anomalies() {
      return checks.values().stream().mapToLong(CheckResult::anomalyCount).sum();
    }

    public long lostWrites() {
      return checks.values().stream().mapToLong(CheckResult::lostWriteCount).sum();
    }
  }

  private ChaosRun() {
  }

  /** Whether network namespaces will be used for {@code faults} (root, and a network fault asked for). */
  public static boolean wantsNetns(List<FaultKind> faults) {
    return faults.stream().anyMatch(FaultKind::isNetwork) && NetworkNamespaces.unavailableReason() == null;
  }

  public static boolean wantsLoopDisks(List<FaultKind> faults) {
    return faults.stream().anyMatch(FaultKind::isDisk) && LoopDisks.unavailableReason() == null;
  }

  /** Runs one chaos run in {@code dir} (history, node logs). Never throws for a cluster that misbehaves: that is a result. */
  public static Result run(Options o, int index, long seed, Path dir, Consumer<String> log) {
    long t0 = System.nanoTime();
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<FaultKind, String> skippedFaults = new EnumMap<>(FaultKind.class);
    List<String> notes = new ArrayList<>();
    Path historyPath = dir.resolve("history.jsonl");
    ChaosCluster cluster = null;
    List<Fault> faults = new ArrayList<>();
    long recoveryMs = -1;
    List<Op> history = List.of();
    WorkloadRunner runner = null;
    Map<String, String> skippedWorkloads = new LinkedHashMap<>();
    String failure = null;
    try (ClientIo io = new ClientIo(1)) {
      log.accept("starting " + o.nodes() + " Tide nodes" + (o.netns() ? " in network namespaces" : " on loopback")
          + (o.loopDisks() ? ", data on loop filesystems" : ""));
      cluster = ChaosCluster.start(new ChaosCluster.Config(o.nodes(), o.partitions(), o.replicas(), o.command(),
          dir, o.netns(), o.loopDisks(), o.electionTimeoutMs()));
      long ready = cluster.awaitServing(io, o.recoveryTimeoutMs());
      if (ready < 0) {
        throw new IllegalStateException("the cluster did not take writes on every partition within "
            + o.recoveryTimeoutMs() + " ms of starting");
      }
      log.accept("cluster serving after " + ready + " ms");
      try (Recorder rec = new Recorder(System::nanoTime, HistoryFile.create(historyPath))) {
        String prefix = "s" + seed + "r" + index;
        List<Workload> workloads = new ArrayList<>();
        RegisterWorkload register = null;
        ListAppendWorkload list = null;
        for (String w : o.workloads()) {
          switch (w) {
            case "register" -> workloads.add(register = new RegisterWorkload(prefix, 5));
            case "list" -> workloads.add(list = new ListAppendWorkload(prefix));
            case "counter" -> workloads.add(new CounterWorkload(prefix, 3));
            default -> workloads.add(new BankWorkload(prefix));
          }
        }
        Router router = cluster.router();
        ChaosCluster c = cluster;
        runner = new WorkloadRunner(workloads, () -> new Session(io, c.guard(), router,
            TimeUnit.MILLISECONDS.toNanos(o.opTimeoutMs())), rec,
            new WorkloadRunner.Config(o.clientsPerWorkload(), o.thinkMinMs(), o.thinkMaxMs(), rnd.nextLong()));
        skippedWorkloads.putAll(runner.setup());
        skippedWorkloads.forEach((w, why) -> log.accept(why));
        if (register != null && register.casSkipped() != null) {
          notes.add("register: " + register.casSkipped());
          log.accept("register: " + register.casSkipped());
        }
        if (list != null && list.note() != null) {
          notes.add("list: " + list.note());
          log.accept("list: " + list.note());
        }
        Nemesis nemesis = new Nemesis(cluster, io, rnd.split(), rec::nowNs);
        for (FaultKind k : o.faults()) {
          if (!nemesis.available(k)) {
            skippedFaults.put(k, nemesis.unavailable().get(k));
            log.accept("fault " + k.id() + " skipped: " + nemesis.unavailable().get(k));
          }
        }
        Schedule schedule = new Schedule(nemesis, o.faults(), o.timing(), rnd.split(), rec::nowNs,
            s -> log.accept(String.format(java.util.Locale.ROOT, "%6.1fs %s", rec.nowNs() / 1e9, s)));
        runner.start();
        Thread progress = progressThread(rec, log);
        try {
          faults.addAll(schedule.run(rec.nowNs() + TimeUnit.MILLISECONDS.toNanos(o.durationMs())));
          log.accept("healing everything");
          faults.addAll(nemesis.healAll());
          notes.addAll(nemesis.healFailures().stream().map(f -> "heal failed, healed at the end: " + f).toList());
          recoveryMs = cluster.awaitServing(io, o.recoveryTimeoutMs());
          log.accept(recoveryMs < 0 ? "NOT recovered within " + o.recoveryTimeoutMs() + " ms"
              : "recovered: every partition takes writes " + recoveryMs + " ms after healing");
          if (recoveryMs >= 0) {
            Thread.sleep(AFTER_RECOVERY_MS);
          }
        } finally {
          progress.interrupt();
          runner.stop();
        }
        log.accept("final reads");
        runner.finalReads();
        if (runner.clientErrors() > 0) {
          notes.add(runner.clientErrors() + " client errors (bugs in the workload client), first: "
              + runner.firstClientError());
        }
        history = rec.history();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    } catch (RuntimeException e) {
      failure = e.getMessage();
      log.accept("run failed: " + e);
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    Map<String, CheckResult> checks = new LinkedHashMap<>();
    Verdict verdict;
    if (failure != null && history.isEmpty()) {
      verdict = Verdict.UNKNOWN;
    } else {
      log.accept("checking " + history.size() + " operations");
      checks.putAll(HistoryChecker.check(history, Budget.ofMillis(o.checkBudgetMs())));
      skippedWorkloads.forEach((w, why) -> checks.put(w, CheckResult.skipped(w, why)));
      verdict = HistoryChecker.verdict(checks);
      long finalNotOk = history.stream().filter(op -> op.process() >= WorkloadRunner.FINAL_PROCESS && !op.ok()).count();
      if (finalNotOk > 0 && verdict == Verdict.VALID) {
        notes.add(finalNotOk + " final reads did not succeed: lost writes on those keys could go unseen");
        verdict = Verdict.UNKNOWN;
      }
      if (recoveryMs < 0 && verdict == Verdict.VALID) {
        notes.add("the cluster did not recover within the timeout: the final reads may have failed, so lost writes "
            + "could go unseen");
        verdict = Verdict.UNKNOWN;
      }
    }
    long ok = history.stream().filter(op -> op.outcome() == Outcome.OK).count();
    long fail = history.stream().filter(op -> op.outcome() == Outcome.FAIL).count();
    long unknown = history.size() - ok - fail;
    return new Result(index, seed, List.copyOf(faults), Map.copyOf(skippedFaults), Map.copyOf(skippedWorkloads),
        List.copyOf(notes), checks, verdict, recoveryMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
        Timeline.of(history), historyPath, ok, fail, unknown, failure);
  }

  private static Thread progressThread(Recorder rec, Consumer<String> log) {
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(PROGRESS_EVERY_MS);
        } catch (InterruptedException e) {
          return;
        }
        List<Op> h = rec.history();
        long ok = h.stream().filter(Op::ok).count();
        long unknown = h.stream().filter(op -> op.outcome() == Outcome.UNKNOWN).count();
        log.accept(String.format(java.util.Locale.ROOT, "%6.1fs ops %,d (ok %,d, fail %,d, unknown %,d)",
            rec.nowNs() / 1e9, h.size(), ok, h.size() - ok - unknown, unknown));
      }
    }, "chaos-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
