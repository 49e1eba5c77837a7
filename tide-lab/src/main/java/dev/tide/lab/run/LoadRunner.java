package dev.tide.lab.run;

import dev.tide.lab.driver.Completion;
import dev.tide.lab.driver.Driver;
import dev.tide.lab.schedule.OpenLoopSchedule;
import dev.tide.lab.workload.Operation;
import dev.tide.lab.workload.OperationSource;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one measured phase of load against a driver.
 *
 * <p><b>Open loop.</b> One scheduler thread walks an {@link OpenLoopSchedule}: when requests are
 * due it hands each to the driver on the next lane (round robin) with its <em>intended</em> start
 * time, then flushes the lanes it touched, so requests due together leave in one write. It never
 * waits for replies, except when {@code maxInFlight} requests are unanswered (a named safety
 * limit); even then the schedule does not move, so the wait is charged to latency. Latency is
 * recorded as reply time minus intended time: a stalled server shows up in every request that
 * should have started during the stall, not only in the one that hit it (no coordinated
 * omission).
 *
 * <p><b>Closed loop.</b> Each lane keeps {@code pipeline} requests outstanding and sends the next
 * when one completes; latency is from send. This measures the most the target does with that
 * many clients, not latency under a stated load.
 *
 * <p><b>Recording.</b> HdrHistogram {@link Recorder}s take values from any thread without locks;
 * a reporter thread cuts an interval histogram every second (per-second p50/p90/p99/p99.9/max,
 * counts of completed, errors, retries) and adds it to the totals. Failed requests are counted,
 * not put in the latency histogram.
 *
 * <p>Clock: {@code System.nanoTime()}, read only at the edges (issue, reply, ticks).
 */
public final class LoadRunner {

  /** Delay from set-up to the first intended start, so the first second is not cut short. */
  static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(20);
  /** Most requests issued per scheduler pass before the lanes are flushed. */
  static final int MAX_BATCH = 4_096;
  /** Park while waiting for the in-flight count to drop. */
  static final long IN_FLIGHT_WAIT_NS = TimeUnit.MICROSECONDS.toNanos(100);
  /** Closed loop: pause after a failed request before the lane sends again. */
  static final long ERROR_PAUSE_MS = 1;
  /** Distinct error texts kept for the report. */
  static final int MAX_ERROR_KINDS = 20;
  /** Significant digits of every histogram (0.1% resolution). */
  static final int HISTOGRAM_DIGITS = 3;

  /** Sees every completion; tests use it to look at individual requests. */
  @FunctionalInterface
  public interface Listener {
    /** @param intendedNs intended (open loop) or actual (closed loop) start; error null on success */
    void completed(long intendedNs, long completedNs, String error);
  }

  private final Driver driver;
  private final OperationSource workload;
  private final RunConfig config;
  private final String label;
  private final Progress progress;
  private Listener listener = (a, b, c) -> { };

  private final Recorder latency = new Recorder(HISTOGRAM_DIGITS);
  private final Recorder service = new Recorder(HISTOGRAM_DIGITS);
  private final Recorder delivery = new Recorder(HISTOGRAM_DIGITS);
  private final Histogram issueLag = new Histogram(HISTOGRAM_DIGITS);
  private final LongAdder ok = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder issued = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final AtomicLong inFlight = new AtomicLong();
  private final Map<String, LongAdder> errorCounts = new ConcurrentHashMap<>();
  /** Requests scheduled per second of intended time (scheduler thread only; read after it ends). */
  private AtomicLongArray scheduledPerSecond = new AtomicLongArray(0);
  /**
   * Per-second counts bucketed by the time the event happened (issue or reply), so a reporter
   * thread that ticks late on a busy machine does not move counts between seconds.
   */
  private AtomicLongArray issuedPerSecond = new AtomicLongArray(0);
  private AtomicLongArray completedPerSecond = new AtomicLongArray(0);
  private AtomicLongArray errorsPerSecond = new AtomicLongArray(0);
  private AtomicLongArray retriesPerSecond = new AtomicLongArray(0);
  private long t0;

  public LoadRunner(Driver driver, OperationSource workload, RunConfig config, String label, Progress progress) {
    this.driver = driver;
    this.workload = workload;
    this.config = config;
    this.label = label;
    this.progress = progress;
  }

  public LoadRunner listener(Listener l) {
    this.listener = l;
    return this;
  }

  /** Records one pub/sub delivery; {@code stampNs} is the publish's intended time carried in its payload. */
  public void recordDelivery(long stampNs) {
    long lat = System.nanoTime() - stampNs;
    if (lat >= 0) {
      delivery.recordValue(lat);
    }
    delivered.increment();
  }

  /** Runs the phase to its end (duration or request count) and returns what it measured. */
  public RunResult run() throws InterruptedException {
    long startEpochMs = System.currentTimeMillis();
    final long t0 = System.nanoTime() + START_DELAY_NS;
    int seconds = (int) Math.ceil(config.durationNs() / 1e9);
    scheduledPerSecond = new AtomicLongArray(seconds + 1);
    // the run, then the drain (timeout + 1 s), then one spare bucket
    int buckets = seconds + (int) Math.ceil(config.timeoutNs() / 1e9) + 3;
    issuedPerSecond = new AtomicLongArray(buckets);
    completedPerSecond = new AtomicLongArray(buckets);
    errorsPerSecond = new AtomicLongArray(buckets);
    retriesPerSecond = new AtomicLongArray(buckets);
    this.t0 = t0;
    Reporter reporter = new Reporter(t0);
    Thread reporterThread = Thread.ofPlatform().name("lab-reporter").daemon().start(reporter);
    long issuedOnTime;
    long endNs;
    try {
      if (config.openLoop()) {
        issuedOnTime = runOpenLoop(t0);
      } else {
        issuedOnTime = runClosedLoop(t0);
      }
      endNs = Math.min(System.nanoTime(), t0 + config.durationNs());
    } finally {
      awaitDrain();
      reporter.stop();
      reporterThread.join(TimeUnit.SECONDS.toMillis(5));
      progress.done(label);
    }
    long unfinished = inFlight.get();
    if (unfinished > 0) {
      errors.add(unfinished);
      errorCounts.computeIfAbsent("no reply before the run ended", k -> new LongAdder()).add(unfinished);
    }
    double elapsedSec = Math.max(1e-9, (endNs - t0) / 1e9);
    Map<String, Long> errs = new LinkedHashMap<>();
    errorCounts.forEach((k, v) -> errs.put(k, v.sum()));
    long scheduled = 0;
    for (int i = 0; i < scheduledPerSecond.length(); i++) {
      scheduled += scheduledPerSecond.get(i);
    }
    Histogram deliveryTotal = delivery.getIntervalHistogram();
    return new RunResult(label, driver.kind(), config.describe(), startEpochMs, elapsedSec,
        reporter.total, reporter.serviceTotal, issueLag, deliveryTotal, finalIntervals(reporter.intervalHistograms),
        List.copyOf(reporter.intervalHistograms), scheduled, issued.sum(), issuedOnTime, ok.sum(), errors.sum(),
        retries.sum(), unfinished, delivered.sum(), Collections.unmodifiableMap(errs));
  }

  private long runOpenLoop(long t0) {
    OpenLoopSchedule schedule = new OpenLoopSchedule(config.profile(), t0, config.durationNs());
    OperationSource.Stream gen = workload.stream(0);
    int lanes = driver.lanes();
    boolean[] dirty = new boolean[lanes];
    int lane = 0;
    long count = 0;
    long onTime = 0;
    long deadline = t0 + config.durationNs();
    // A slow target can hold the scheduler back (at --max-in-flight); it catches up after the
    // duration for at most one request timeout, then gives up on what it could not send.
    long issueDeadline = deadline + config.timeoutNs();
    long next = schedule.next();
    while (next != Long.MAX_VALUE && count < config.maxRequests()) {
      long now = System.nanoTime();
      if (now >= issueDeadline) {
        break;
      }
      if (next > now) {
        LockSupport.parkNanos(next - now);
        continue;
      }
      int batch = 0;
      while (next <= now && batch < MAX_BATCH && count < config.maxRequests()) {
        if (inFlight.get() >= config.maxInFlight()) {
          break;
        }
        Operation op = gen.next();
        issue(lane, op, next, now);
        if (now < deadline) {
          onTime++;
        }
        dirty[lane] = true;
        lane = lane + 1 == lanes ? 0 : lane + 1;
        count++;
        batch++;
        countScheduled(t0, next);
        next = schedule.next();
      }
      for (int i = 0; i < lanes; i++) {
        if (dirty[i]) {
          dirty[i] = false;
          driver.flush(i);
        }
      }
      if (batch == 0) {
        LockSupport.parkNanos(IN_FLIGHT_WAIT_NS); // at the in-flight limit: wait for replies
      }
    }
    long notIssued = 0;
    while (next != Long.MAX_VALUE && count + notIssued < config.maxRequests()) {
      countScheduled(t0, next);
      notIssued++;
      next = schedule.next();
    }
    if (notIssued > 0) {
      errors.add(notIssued);
      errorCounts.computeIfAbsent("not sent: the target held the schedule back (at --max-in-flight) past the timeout",
          k -> new LongAdder()).add(notIssued);
    }
    return onTime;
  }

  private void countScheduled(long t0, long intendedNs) {
    int sec = (int) ((intendedNs - t0) / 1_000_000_000L);
    scheduledPerSecond.incrementAndGet(Math.min(sec, scheduledPerSecond.length() - 1));
  }

  private void issue(int lane, Operation op, long intendedNs, long nowNs) {
    if (op.kind() == Operation.Kind.PUBLISH) {
      ByteBuffer.wrap(op.value()).putLong(intendedNs);
    }
    issueLag.recordValue(Math.max(0, nowNs - intendedNs));
    inFlight.incrementAndGet();
    issued.increment();
    issuedPerSecond.incrementAndGet(bucket(nowNs));
    driver.send(lane, op, completion(intendedNs));
  }

  private Completion completion(long startNs) {
    return (writtenNs, retryCount, error) -> {
      long now = System.nanoTime();
      int b = bucket(now);
      if (error == null) {
        latency.recordValue(Math.max(0, now - startNs));
        service.recordValue(Math.max(0, now - writtenNs));
        ok.increment();
        completedPerSecond.incrementAndGet(b);
      } else {
        errors.increment();
        errorsPerSecond.incrementAndGet(b);
        if (errorCounts.size() < MAX_ERROR_KINDS || errorCounts.containsKey(error)) {
          errorCounts.computeIfAbsent(error, k -> new LongAdder()).increment();
        }
      }
      if (retryCount > 0) {
        retries.add(retryCount);
        retriesPerSecond.addAndGet(b, retryCount);
      }
      listener.completed(startNs, now, error);
      inFlight.decrementAndGet();
    };
  }

  private long runClosedLoop(long t0) throws InterruptedException {
    int lanes = driver.lanes();
    long deadline = t0 + config.durationNs();
    AtomicLong budget = new AtomicLong(config.maxRequests());
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch budgetSpent = new CountDownLatch(1);
    OperationSource.Stream[] gens = new OperationSource.Stream[lanes];
    for (int i = 0; i < lanes; i++) {
      gens[i] = workload.stream(i);
    }
    long wait = t0 - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
    class Lane {
      final int index;

      Lane(int index) {
        this.index = index;
      }

      void issueNext() {
        if (stop.get() || System.nanoTime() >= deadline) {
          return;
        }
        if (budget.getAndDecrement() <= 0) {
          budgetSpent.countDown();
          return;
        }
        Operation op;
        synchronized (gens[index]) {
          op = gens[index].next();
        }
        long start = System.nanoTime();
        if (op.kind() == Operation.Kind.PUBLISH) {
          ByteBuffer.wrap(op.value()).putLong(start);
        }
        inFlight.incrementAndGet();
        issued.increment();
        issuedPerSecond.incrementAndGet(bucket(start));
        Completion c = completion(start);
        driver.send(index, op, (w, r, e) -> {
          c.complete(w, r, e);
          if (e != null) {
            // A failure may be reported synchronously (target down): continue after a pause,
            // from another thread, instead of recursing into an immediate re-send.
            GlobalEventExecutor.INSTANCE.schedule(() -> {
              issueNext();
              driver.flush(index);
            }, ERROR_PAUSE_MS, TimeUnit.MILLISECONDS);
            return;
          }
          issueNext();
          driver.flush(index);
        });
      }
    }
    for (int i = 0; i < lanes; i++) {
      Lane l = new Lane(i);
      for (int d = 0; d < config.pipeline(); d++) {
        l.issueNext();
      }
      driver.flush(i);
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      budgetSpent.await(left, TimeUnit.NANOSECONDS);
    }
    stop.set(true);
    return issued.sum();
  }

  private int bucket(long ns) {
    long sec = Math.max(0, (ns - t0) / 1_000_000_000L);
    return (int) Math.min(sec, issuedPerSecond.length() - 1);
  }

  /** The per-second series: counts from the time-bucketed counters, percentiles from each second's histogram. */
  private List<IntervalStats> finalIntervals(List<Histogram> histograms) {
    List<IntervalStats> out = new ArrayList<>();
    int n = Math.min(histograms.size(), issuedPerSecond.length());
    for (int i = 0; i < n; i++) {
      Histogram h = histograms.get(i);
      long scheduled = i < scheduledPerSecond.length() ? scheduledPerSecond.get(i) : 0;
      out.add(new IntervalStats(i, scheduled, issuedPerSecond.get(i), completedPerSecond.get(i), errorsPerSecond.get(i),
          retriesPerSecond.get(i), Reporter.us(h, 50), Reporter.us(h, 90), Reporter.us(h, 99), Reporter.us(h, 99.9),
          h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1e3));
    }
    return out;
  }

  /** Waits for replies to everything issued, up to the request timeout and a second more. */
  private void awaitDrain() {
    long until = System.nanoTime() + config.timeoutNs() + TimeUnit.SECONDS.toNanos(1);
    while (inFlight.get() > 0 && System.nanoTime() < until) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** Cuts one interval histogram per second and keeps the totals. */
  private final class Reporter implements Runnable {
    final long t0;
    final Histogram total = new Histogram(HISTOGRAM_DIGITS);
    final Histogram serviceTotal = new Histogram(HISTOGRAM_DIGITS);
    final List<Histogram> intervalHistograms = new ArrayList<>();
    private volatile boolean stopped;
    private Histogram recycleLatency;
    private Histogram recycleService;
    private long lastOk;
    private long lastErrors;
    private long lastRetries;
    private long lastIssued;

    Reporter(long t0) {
      this.t0 = t0;
    }

    void stop() {
      stopped = true;
    }

    @Override
    public void run() {
      int second = 0;
      while (true) {
        long tickAt = t0 + (second + 1) * 1_000_000_000L;
        while (!stopped && System.nanoTime() < tickAt) {
          LockSupport.parkNanos(Math.min(tickAt - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(20)));
        }
        // Seconds go on being cut while the run drains; the last one, cut when the phase
        // stops, may be shorter than a second.
        cut(second);
        second++;
        if (stopped) {
          return;
        }
      }
    }

    private void cut(int second) {
      Histogram h = latency.getIntervalHistogram(recycleLatency);
      Histogram s = service.getIntervalHistogram(recycleService);
      total.add(h);
      serviceTotal.add(s);
      Histogram copy = h.copy();
      copy.setStartTimeStamp(startEpochMsFor(second));
      copy.setEndTimeStamp(startEpochMsFor(second) + 1000);
      intervalHistograms.add(copy);
      recycleLatency = h;
      recycleService = s;
      long okNow = ok.sum();
      long errNow = errors.sum();
      long retNow = retries.sum();
      long issNow = issued.sum();
      long scheduled = second < scheduledPerSecond.length() ? scheduledPerSecond.get(second) : 0;
      IntervalStats st = new IntervalStats(second, scheduled, issNow - lastIssued, okNow - lastOk, errNow - lastErrors,
          retNow - lastRetries, us(copy, 50), us(copy, 90), us(copy, 99), us(copy, 99.9),
          copy.getTotalCount() == 0 ? 0 : copy.getMaxValue() / 1e3);
      lastOk = okNow;
      lastErrors = errNow;
      lastRetries = retNow;
      lastIssued = issNow;
      if (second < Math.ceil(config.durationNs() / 1e9)) {
        progress.interval(label, st, config.durationNs() / 1e9);
      }
    }

    private long startEpochMsFor(int second) {
      return wallT0 + second * 1000L;
    }

    private final long wallT0 = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(START_DELAY_NS);

    private static double us(Histogram h, double p) {
      return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p) / 1e3;
    }
  }
}
