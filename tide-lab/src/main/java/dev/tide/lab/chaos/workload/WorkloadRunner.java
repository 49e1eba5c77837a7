package dev.tide.lab.chaos.workload;

import dev.tide.lab.chaos.client.Session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs the workloads' clients: {@code clientsPerWorkload} threads per workload, each a closed
 * loop of one operation at a time with a random think time between operations (which bounds the
 * rate, and so the history's size, on a small machine). Seeded: client i of a run with seed S
 * draws from {@code SplittableRandom(S).split()} i times.
 */
public final class WorkloadRunner {

  /** Time a client thread gets to finish its current operation after stop (timeouts and retry pauses included). */
  static final long STOP_GRACE_MS = 20_000;
  /** Time all final reads get together: a few hundred keys take seconds on a healthy cluster. */
  public static final long FINAL_READS_MS = 120_000;
  /** Process ids of the final reads (clients' ids stay far below: stride × unknown outcomes). */
  public static final int FINAL_PROCESS = 1_000_000_000;

  /** Settings of the clients. */
  public record Config(int clientsPerWorkload, long thinkMinMs, long thinkMaxMs, long seed) {
    public Config {
      if (clientsPerWorkload < 1 || clientsPerWorkload > 64) {
        throw new IllegalArgumentException("clients per workload must be 1..64, got " + clientsPerWorkload);
      }
      if (thinkMinMs < 0 || thinkMaxMs < thinkMinMs) {
        throw new IllegalArgumentException("think time must be 0 <= min <= max, got " + thinkMinMs + ".." + thinkMaxMs);
      }
    }
  }

  private final List<Workload> workloads;
  private final Supplier<Session> sessions;
  private final Recorder recorder;
  private final Config config;
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, String> skipped = new LinkedHashMap<>();
  private final AtomicLong clientErrors = new AtomicLong();
  private volatile String firstClientError;
  private volatile boolean running;

  public WorkloadRunner(List<Workload> workloads, Supplier<Session> sessions, Recorder recorder, Config config) {
    this.workloads = List.copyOf(workloads);
    this.sessions = sessions;
    this.recorder = recorder;
    this.config = config;
  }

  /** Runs every workload's setup; returns the skipped ones with the reason. */
  public Map<String, String> setup() {
    try (Session s = sessions.get()) {
      for (Workload w : workloads) {
        String why = w.setup(s);
        if (why != null) {
          skipped.put(w.name(), why);
        }
      }
    }
    return Map.copyOf(skipped);
  }

  public Map<String, String> skipped() {
    return Map.copyOf(skipped);
  }

  /** Starts the client threads. */
  public void start() {
    running = true;
    SplittableRandom seeds = new SplittableRandom(config.seed());
    int stride = workloads.size() * config.clientsPerWorkload();
    int client = 0;
    for (Workload w : workloads) {
      for (int i = 0; i < config.clientsPerWorkload(); i++) {
        SplittableRandom rnd = seeds.split();
        int first = client++;
        if (skipped.containsKey(w.name())) {
          continue;
        }
        Thread t = new Thread(() -> loop(w, first, stride, rnd), "chaos-" + w.name() + "-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }
  }

  private void loop(Workload w, int process, int stride, SplittableRandom rnd) {
    try (Session s = sessions.get()) {
      while (running && !recorder.full()) {
        try {
          if (w.step(s, recorder, process, rnd)) {
            process += stride;
          }
        } catch (RuntimeException e) {
          // A client bug (a reply it cannot parse): count it, say it, keep going.
          clientErrors.incrementAndGet();
          if (firstClientError == null) {
            firstClientError = w.name() + ": " + e;
          }
          process += stride;
        }
        long think = config.thinkMaxMs() == 0 ? 0 : rnd.nextLong(config.thinkMinMs(), config.thinkMaxMs() + 1);
        if (think > 0) {
          try {
            Thread.sleep(think);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  /** Stops the clients after their current operation (bounded by {@link #STOP_GRACE_MS}). */
  public void stop() {
    running = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MS);
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (t.isAlive()) {
        t.interrupt();
      }
    }
    threads.clear();
  }

  /**
   * After healing: every workload reads everything it wrote, from one client, within
   * {@link #FINAL_READS_MS} (reads left then are recorded as failed: a cluster that does not serve
   * cannot hold up the run).
   */
  public void finalReads() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FINAL_READS_MS);
    int process = FINAL_PROCESS;
    try (Session s = sessions.get()) {
      for (Workload w : workloads) {
        if (!skipped.containsKey(w.name())) {
          w.finalReads(s, recorder, process++, deadline);
        }
      }
    }
  }

  public long clientErrors() {
    return clientErrors.get();
  }

  public String firstClientError() {
    return firstClientError;
  }
}
