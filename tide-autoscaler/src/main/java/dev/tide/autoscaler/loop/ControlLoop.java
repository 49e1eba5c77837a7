package dev.tide.autoscaler.loop;

import dev.tide.autoscaler.Autoscaler;
import dev.tide.autoscaler.actuator.Actuator;
import dev.tide.autoscaler.decision.Action;
import dev.tide.autoscaler.decision.Decision;
import dev.tide.autoscaler.decision.DecisionLog;
import dev.tide.autoscaler.decision.LoopEvent;
import dev.tide.autoscaler.policy.Vote;
import dev.tide.autoscaler.signals.MetricSource;
import dev.tide.autoscaler.signals.NodeSample;
import dev.tide.autoscaler.signals.SignalAggregator;
import dev.tide.autoscaler.signals.Signals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The live control loop: every evaluation interval, read the nodes' metrics, evaluate the
 * {@link Autoscaler} (the same policies and guards the simulator runs) and act through an
 * {@link Actuator}. One {@link #step} is one tick; {@link #start} runs ticks on a thread of its own.
 *
 * <p><b>One tick</b> ({@link #step}, time passed in):
 * <ol>
 *   <li>Ask the actuator for the size and whether it is still busy. If the previous action ended,
 *       note whether it failed (event {@code failed}; the size it left is the baseline).</li>
 *   <li>A size that differs from what this loop expects, while the actuator is idle, was set by
 *       someone else (a manual scale): log an {@code external} event, adopt it as the baseline
 *       ({@link Autoscaler#adoptExternalSize}: stabilization forgets the old size, cooldowns start)
 *       and hold actions for {@code manualHoldMs} — honoured, not fought.</li>
 *   <li>Read the metrics; the node count is the actuator's (a node without a reading counts as not
 *       warm, so no scale-in happens while a node cannot be read). When no node has a reading (the
 *       first tick, or all unreachable) nothing is decided: zeros would be read as "no load".</li>
 *   <li>Evaluate. The decision is logged whatever happens; while the actuator is busy or a manual
 *       scale is held, the decision carries a {@code hold} guard note and no action.</li>
 *   <li>Act: {@code scaleTo(target, reason)} (event {@code applied} or {@code failed}); in a dry
 *       run, event {@code dryRun} and nothing is sent.</li>
 * </ol>
 * Not thread-safe: one thread calls {@link #step} (the loop's own, once started).
 */
public final class ControlLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlLoop.class);

  private final Autoscaler autoscaler;
  private final MetricSource source;
  private final Actuator actuator;
  private final DecisionLog decisions;
  private final boolean dryRun;
  private final long manualHoldMs;
  private final SignalAggregator aggregator;
  /** The size this loop expects the actuator to report (-1 before the first tick). */
  private int expected = -1;
  private boolean awaiting;
  private int awaitingFrom;
  private long manualHoldUntilMs = Long.MIN_VALUE;
  private volatile Decision last;
  private ScheduledExecutorService thread;
  private ScheduledFuture<?> ticks;

  /**
   * @param manualHoldMs  after a manual scale, no action for this long (0: only the guards' cooldowns)
   * @param dryRun        decide and log only
   */
  public ControlLoop(Autoscaler autoscaler, MetricSource source, Actuator actuator, DecisionLog decisions,
      long manualHoldMs, boolean dryRun) {
    if (manualHoldMs < 0) {
      throw new IllegalArgumentException("manualHoldMs must be >= 0");
    }
    this.autoscaler = autoscaler;
    this.source = source;
    this.actuator = actuator;
    this.decisions = decisions;
    this.manualHoldMs = manualHoldMs;
    this.dryRun = dryRun;
    this.aggregator = new SignalAggregator(autoscaler.config().guards().warmUpMs());
  }

  /** One tick at {@code nowMs}; returns its decision, or null when no node had a reading (nothing decided). */
  public Decision step(long nowMs) {
    int size = actuator.currentSize();
    boolean busy = actuator.inProgress();
    if (awaiting && !busy) {
      awaiting = false;
      String failure = actuator.takeFailure();
      if (failure != null) {
        decisions.appendEvent(new LoopEvent(nowMs, LoopEvent.FAILED, awaitingFrom, size, failure));
        log.warn("scaling {} -> {} failed: {}", awaitingFrom, expected, failure);
        expected = size;
      }
    }
    if (expected < 0) {
      expected = size;
    } else if (!busy && size != expected) {
      String detail = "size changed outside the autoscaler: adopted as the new baseline; no action for "
          + manualHoldMs + " ms";
      decisions.appendEvent(new LoopEvent(nowMs, LoopEvent.EXTERNAL, expected, size, detail));
      log.info("manual scale {} -> {} honoured: no autoscaling action for {} ms", expected, size, manualHoldMs);
      autoscaler.adoptExternalSize(nowMs, size);
      manualHoldUntilMs = nowMs + manualHoldMs;
      expected = size;
    }

    List<NodeSample> samples = source.read(nowMs);
    if (samples.isEmpty()) {
      // No node could be read (the first tick has nothing to compare with; or all are unreachable):
      // deciding on zeros would also prime the smoothing with them. Holding is the only safe action.
      return null;
    }
    Signals read = aggregator.aggregate(nowMs, samples);
    int warm = Math.min(read.warmNodes(), size);
    Signals signals = new Signals(nowMs, size, warm, read.opsPerSec(), read.cpu(), read.p99Ms(), read.queueDepth(),
        read.requests(), read.slowRequests());

    String hold = busy ? "actuator busy with the previous action (" + actuator.describe() + ")"
        : nowMs < manualHoldUntilMs ? "manual scale to " + size + " honoured: no action for another "
            + (manualHoldUntilMs - nowMs) + " ms"
        : null;
    Decision d = autoscaler.evaluate(signals, hold);
    last = d;
    if (d.action() != Action.NONE) {
      act(nowMs, d);
    }
    return d;
  }

  private void act(long nowMs, Decision d) {
    String reason = reason(d);
    if (dryRun) {
      decisions.appendEvent(new LoopEvent(nowMs, LoopEvent.DRY_RUN, d.current(), d.target(),
          "dry run, not applied: " + reason));
      return;
    }
    try {
      actuator.scaleTo(d.target(), reason);
      decisions.appendEvent(new LoopEvent(nowMs, LoopEvent.APPLIED, d.current(), d.target(), reason));
      log.info("scaling {} -> {}: {}", d.current(), d.target(), reason);
      expected = d.target();
      awaiting = true;
      awaitingFrom = d.current();
    } catch (RuntimeException e) {
      decisions.appendEvent(new LoopEvent(nowMs, LoopEvent.FAILED, d.current(), d.target(), String.valueOf(
          e.getMessage())));
      log.warn("scaling {} -> {} refused: {}", d.current(), d.target(), e.getMessage());
    }
  }

  /** The reason sent to the actuator: the deciding policy's own words, or the guard that set the size. */
  static String reason(Decision d) {
    for (Vote v : d.votes()) {
      if (v.policy().equals(d.composedBy())) {
        String guards = d.guards().isEmpty() ? "" : " (guards: " + String.join(", ",
            d.guards().stream().map(g -> g.guard()).toList()) + ")";
        return v.policy() + ": " + v.reason() + guards;
      }
    }
    return d.guards().isEmpty() ? "composed " + d.composed() : d.guards().get(d.guards().size() - 1).guard() + ": "
        + d.guards().get(d.guards().size() - 1).reason();
  }

  /** The last decision, or null before the first tick (any thread). */
  public Decision lastDecision() {
    return last;
  }

  /**
   * Runs {@link #step} every evaluation interval on a thread of its own, with time from
   * {@code clockMs}. A tick that throws is logged and the next one runs as usual.
   */
  public synchronized void start(LongSupplier clockMs) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tide-autoscaler");
      t.setDaemon(true);
      return t;
    });
    long interval = autoscaler.config().evaluationIntervalMs();
    ticks = thread.scheduleWithFixedDelay(() -> {
      try {
        step(clockMs.getAsLong());
      } catch (RuntimeException e) {
        log.error("autoscaler tick failed", e);
      }
    }, 0, interval, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      ticks.cancel(false);
      thread.shutdownNow();
      try {
        thread.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
