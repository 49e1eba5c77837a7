package dev.tide.lab.harness;

import dev.tide.lab.driver.Driver;
import dev.tide.lab.report.MachineInfo;
import dev.tide.lab.report.Report;
import dev.tide.lab.report.ReportWriter;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.run.LoadRunner;
import dev.tide.lab.run.Progress;
import dev.tide.lab.run.RunResult;
import dev.tide.lab.targets.Target;
import dev.tide.lab.targets.Targets;
import dev.tide.lab.workload.Operation;
import dev.tide.lab.workload.WorkloadSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link BenchPlan}: for each target in turn (never two at once, so they do not compete
 * for the machine) start it, connect with the same client settings, preload the key space, warm
 * up, measure, stop it; then write the report. A shutdown hook stops whatever is running if the
 * user presses Ctrl-C.
 */
public final class Benchmark {

  /** Preload writes kept in flight at once (pipelined over all lanes). */
  static final int PRELOAD_WINDOW = 256;
  /** Preload writes queued before the lanes are flushed (one write per lane carries them). */
  static final int PRELOAD_FLUSH_EVERY = 32;
  /** Time allowed for a preload, whatever the key count. */
  static final long PRELOAD_TIMEOUT_MS = 300_000;

  private final BenchPlan plan;
  private final PrintStream log;
  private final Progress progress;
  private volatile Target running;

  public Benchmark(BenchPlan plan, PrintStream log, Progress progress) {
    this.plan = plan;
    this.log = log;
    this.progress = progress;
  }

  /** One target's outcome. */
  public record TargetRun(String target, String description, RunResult result, String failure) {
  }

  /** Runs every target and writes the report; returns the directory written. */
  public Path runAndReport() throws InterruptedException {
    MachineInfo machine = MachineInfo.read();
    List<TargetRun> runs = new ArrayList<>();
    Thread hook = new Thread(() -> {
      Target t = running;
      if (t != null) {
        t.close();
      }
    }, "lab-stop-targets");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      for (String name : plan.targets()) {
        runs.add(runTarget(name));
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
    Report report = new Report(plan.name(), plan.command(), machine, plan.workload().describe(), plan.run().describe(),
        plan.connections(), plan.warmupNs(), plan.baseline(), runs, System.currentTimeMillis());
    return ReportWriter.write(plan.resultsDir(), report);
  }

  TargetRun runTarget(String name) throws InterruptedException {
    log.println("lab: starting " + name + " ...");
    Target target;
    try {
      target = Targets.start(name, plan.root(), plan.clusterNodes(), plan.guard());
    } catch (RuntimeException e) {
      log.println("lab: " + name + " did not start: " + e.getMessage());
      return new TargetRun(name, "not started", null, e.getMessage());
    }
    running = target;
    try (ClientIo io = new ClientIo(plan.ioThreads())) {
      log.println("lab: " + target.description());
      return new TargetRun(name, target.description(), measure(target, io, name), null);
    } catch (RuntimeException e) {
      log.println("lab: " + name + " failed: " + e.getMessage());
      return new TargetRun(name, target.description(), null, e.getMessage());
    } finally {
      target.close();
      running = null;
      log.println("lab: stopped " + name);
    }
  }

  /** Connect, preload, warm up, measure: the same steps for every target. */
  public RunResult measure(Target target, ClientIo io, String label) throws InterruptedException {
    WorkloadSpec w = plan.workload();
    if (!target.speaksResp() && w.type() != WorkloadSpec.Type.GET_SET) {
      throw new IllegalArgumentException(target.name() + " supports only the get-set workload");
    }
    try (Driver driver = target.connect(io, plan.guard(), plan.connections(), plan.run().timeoutNs())) {
      if (plan.preload()) {
        preload(driver, w, target.name(), log);
      }
      try (Subscribers subs = w.type() == WorkloadSpec.Type.PUBSUB && plan.subscribers() > 0 && target.speaksResp()
          ? new Subscribers(io, plan.guard(), target.host(), target.port(), plan.subscribers(), w.channels(),
              l -> { }, plan.run().timeoutNs()) : null) {
        if (plan.warmupNs() > 0) {
          log.println("lab: warming up " + target.name() + " for " + TimeUnit.NANOSECONDS.toSeconds(plan.warmupNs())
              + " s (not measured)");
          new LoadRunner(driver, w, plan.run().withDuration(plan.warmupNs()), target.name() + " warm-up", Progress.NONE)
              .run();
        }
      }
      LoadRunner runner = new LoadRunner(driver, w, plan.run(), label, progress);
      try (Subscribers subs = w.type() == WorkloadSpec.Type.PUBSUB && plan.subscribers() > 0 && target.speaksResp()
          ? new Subscribers(io, plan.guard(), target.host(), target.port(), plan.subscribers(), w.channels(),
              runner::recordDelivery, plan.run().timeoutNs()) : null) {
        return runner.run();
      }
    }
  }

  /** Writes every key once, {@link #PRELOAD_WINDOW} at a time; fails when more than 1% fail. */
  public static void preload(Driver driver, WorkloadSpec w, String name, PrintStream log) throws InterruptedException {
    Semaphore window = new Semaphore(PRELOAD_WINDOW);
    AtomicLong failed = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    String[] firstError = new String[1];
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PRELOAD_TIMEOUT_MS);
    int lanes = driver.lanes();
    int lane = 0;
    log.println("lab: preloading " + w.keys() + " keys into " + name + " ...");
    for (Operation op : w.preloadOps()) {
      if (!driver.supports(op)) {
        throw new IllegalArgumentException(name + " cannot run " + w.type().label);
      }
      while (!window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
        for (int i = 0; i < lanes; i++) {
          driver.flush(i);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("preload did not finish within " + PRELOAD_TIMEOUT_MS + " ms");
        }
      }
      sent.incrementAndGet();
      driver.send(lane, op, (written, retries, error) -> {
        if (error != null && failed.getAndIncrement() == 0) {
          firstError[0] = error;
        }
        window.release();
      });
      if (sent.get() % PRELOAD_FLUSH_EVERY == 0) {
        for (int i = 0; i < lanes; i++) {
          driver.flush(i);
        }
      }
      lane = (lane + 1) % lanes;
    }
    for (int i = 0; i < lanes; i++) {
      driver.flush(i);
    }
    if (!window.tryAcquire(PRELOAD_WINDOW, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("preload did not finish within " + PRELOAD_TIMEOUT_MS + " ms");
    }
    if (failed.get() * 100 > sent.get()) {
      throw new IllegalStateException("preload: " + failed.get() + " of " + sent.get() + " writes failed, e.g. "
          + firstError[0]);
    }
  }
}
