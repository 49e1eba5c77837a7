package dev.tide.autoscaler.guard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The guards, applied in order to the composed desired size. Stateful (windows, timers, the cost
 * ledger); time comes only from the {@code nowMs} arguments.
 *
 * <ol>
 *   <li><b>warm-up</b>: while any node is warming, no scale-in (the node was just ordered; removing
 *       capacity now is a flap). Its metrics are already left out by the signal aggregator.</li>
 *   <li><b>panic</b> (Knative KPA): when the size wanted on the short panic window is at least
 *       {@code panicThreshold} × warm nodes, enter panic: the size is at least that, and never goes
 *       down, until {@code panicHoldMs} passes without a new trigger.</li>
 *   <li><b>stabilization</b> (HPA behaviour): scale out to the smallest recommendation of the
 *       scale-out window, scale in to the largest of the scale-in window.</li>
 *   <li><b>cooldowns</b>: after a scale-out no scale-out for {@code scaleOutCooldownMs}; after any
 *       action no scale-in for {@code scaleInCooldownMs}.</li>
 *   <li><b>max step</b>: bound the change of one decision.</li>
 *   <li><b>cost</b>: with a budget of node-hours per UTC day, no more nodes than the rest of the
 *       budget pays for until midnight (a hard budget: it can force a scale-in).</li>
 *   <li><b>min/max</b>: last, so nothing escapes the bounds.</li>
 * </ol>
 */
public final class Guards {

  /** Recommendations kept for stabilization: a 1 h window at one evaluation per second. */
  static final int MAX_HISTORY = 3_600;
  private static final long DAY_MS = 86_400_000L;
  private static final double HOUR_MS = 3_600_000.0;

  private record Rec(long atMs, int desired) {
  }

  private final GuardSettings g;
  private final ArrayDeque<Rec> history = new ArrayDeque<>();
  private long lastScaleOutMs = Long.MIN_VALUE / 2;
  private long lastScaleInMs = Long.MIN_VALUE / 2;
  private long panicUntilMs = Long.MIN_VALUE;
  private long ledgerDay = Long.MIN_VALUE;
  private double usedNodeMs;
  private long lastSeenMs = Long.MIN_VALUE;
  private int lastSeenNodes;
  private long startMs = Long.MIN_VALUE;
  private int startNodes;

  public Guards(GuardSettings settings) {
    this.g = settings;
  }

  public GuardSettings settings() {
    return g;
  }

  /** Whether panic mode is on at {@code nowMs}. */
  public boolean inPanic(long nowMs) {
    return nowMs < panicUntilMs;
  }

  /** Node-hours used so far in the current UTC day (by this autoscaler's accounting). */
  public double usedNodeHoursToday() {
    return usedNodeMs / HOUR_MS;
  }

  /** Tell the guards an action took the cluster from {@code from} to {@code to} nodes. */
  public void recordAction(long nowMs, int from, int to) {
    if (to > from) {
      lastScaleOutMs = nowMs;
    } else if (to < from) {
      lastScaleInMs = nowMs;
    }
  }

  /**
   * Adopts a size set from outside (a manual scale) as the new baseline: the stabilization windows
   * forget earlier recommendations (made for another size) and count {@code size} as recommended for
   * one scale-in window, as at start; cooldowns start as after an action; panic mode ends (the
   * operator has decided).
   */
  public void adopt(long nowMs, int size) {
    history.clear();
    startMs = nowMs;
    startNodes = size;
    lastScaleOutMs = nowMs;
    lastScaleInMs = nowMs;
    panicUntilMs = Long.MIN_VALUE;
  }

  /**
   * Applies the guards.
   *
   * @param nowMs         now
   * @param current       provisioned nodes
   * @param warm          warm nodes
   * @param desired       composed desired size
   * @param panicDesired  size wanted on the panic window (or -1 when no policy computes one)
   * @param notes         receives a note per guard that acted
   * @return the guarded size
   */
  public int apply(long nowMs, int current, int warm, int desired, int panicDesired, List<GuardNote> notes) {
    account(nowMs, current);
    int d = desired;

    // warm-up
    if (warm < current && d < current) {
      d = note(notes, "warmUp", d, current, (current - warm) + " of " + current + " nodes warming: no scale-in");
    }

    // panic
    if (g.panicEnabled() && panicDesired >= 0 && warm > 0 && panicDesired >= g.panicThreshold() * warm) {
      if (!inPanic(nowMs)) {
        notes.add(new GuardNote("panic", d, d, "enter panic: panic-window size " + panicDesired + " >= "
            + g.panicThreshold() + " x " + warm + " warm"));
      }
      panicUntilMs = nowMs + g.panicHoldMs();
    }
    if (inPanic(nowMs)) {
      int p = Math.max(d, Math.max(panicDesired, current));
      if (p != d) {
        d = note(notes, "panic", d, p, "in panic until +" + (panicUntilMs - nowMs) + " ms: panic-window size "
            + panicDesired + ", no scale-in");
      }
    }

    // stabilization (HPA: up = min of the up window, down = max of the down window). A fresh
    // autoscaler counts the current size as recommended at start: its first readings (one noisy
    // sample primes the smoothing) must not scale in before a whole scale-in window has passed.
    if (startMs == Long.MIN_VALUE) {
      startMs = nowMs;
      startNodes = current;
    }
    history.addLast(new Rec(nowMs, d));
    long keep = Math.max(g.scaleOutStabilizationMs(), g.scaleInStabilizationMs());
    while (history.size() > MAX_HISTORY || (!history.isEmpty() && history.peekFirst().atMs < nowMs - keep)) {
      history.pollFirst();
    }
    int up = Integer.MAX_VALUE;
    int down = Integer.MIN_VALUE;
    for (Rec r : history) {
      if (r.atMs >= nowMs - g.scaleOutStabilizationMs()) {
        up = Math.min(up, r.desired);
      }
      if (r.atMs >= nowMs - g.scaleInStabilizationMs()) {
        down = Math.max(down, r.desired);
      }
    }
    if (nowMs - startMs < g.scaleInStabilizationMs()) {
      down = Math.max(down, startNodes);
    }
    int stable = current < up ? up : current > down ? down : current;
    if (stable != d) {
      d = note(notes, "stabilization", d, stable, d > current
          ? "smallest recommendation of the last " + g.scaleOutStabilizationMs() + " ms is " + stable
          : "largest recommendation of the last " + g.scaleInStabilizationMs() + " ms is " + stable);
    }

    // cooldowns
    if (d > current && nowMs - lastScaleOutMs < g.scaleOutCooldownMs()) {
      d = note(notes, "cooldown", d, current, "scale-out cooldown: " + (nowMs - lastScaleOutMs) + " of "
          + g.scaleOutCooldownMs() + " ms since the last scale-out");
    }
    long lastAction = Math.max(lastScaleOutMs, lastScaleInMs);
    if (d < current && nowMs - lastAction < g.scaleInCooldownMs()) {
      d = note(notes, "cooldown", d, current, "scale-in cooldown: " + (nowMs - lastAction) + " of "
          + g.scaleInCooldownMs() + " ms since the last action");
    }

    // max step
    if (d > current) {
      int max = current + Math.max(g.maxStepOutNodes(), (int) Math.ceil(current * g.maxStepOutPercent() / 100));
      if (d > max) {
        d = note(notes, "maxStep", d, max, "scale-out limited to +" + (max - current));
      }
    } else if (d < current) {
      int min = current - Math.max(g.maxStepInNodes(), (int) Math.floor(current * g.maxStepInPercent() / 100));
      if (d < min) {
        d = note(notes, "maxStep", d, min, "scale-in limited to -" + (current - min));
      }
    }

    // cost
    if (g.costLimitNodeHoursPerDay() > 0) {
      double leftNodeHours = g.costLimitNodeHoursPerDay() - usedNodeHoursToday();
      double hoursToMidnight = (DAY_MS - Math.floorMod(nowMs, DAY_MS)) / HOUR_MS;
      int affordable = (int) Math.max(0, Math.floor(leftNodeHours / hoursToMidnight));
      if (d > affordable) {
        d = note(notes, "cost", d, affordable, "budget " + g.costLimitNodeHoursPerDay() + " node-h/day, "
            + Math.round(usedNodeHoursToday() * 10) / 10.0 + " used: " + affordable + " nodes affordable to midnight");
      }
    }

    // min/max
    if (d < g.minNodes()) {
      d = note(notes, "minNodes", d, g.minNodes(), "minimum " + g.minNodes());
    } else if (d > g.maxNodes()) {
      d = note(notes, "maxNodes", d, g.maxNodes(), "maximum " + g.maxNodes());
    }
    return d;
  }

  private void account(long nowMs, int current) {
    long day = Math.floorDiv(nowMs, DAY_MS);
    if (lastSeenMs != Long.MIN_VALUE && nowMs > lastSeenMs) {
      long from = Math.max(lastSeenMs, day * DAY_MS); // a new day starts a new ledger
      if (day != ledgerDay) {
        usedNodeMs = 0;
      }
      usedNodeMs += (double) lastSeenNodes * Math.max(0, nowMs - from);
    } else if (day != ledgerDay) {
      usedNodeMs = 0;
    }
    ledgerDay = day;
    lastSeenMs = Math.max(lastSeenMs, nowMs);
    lastSeenNodes = current;
  }

  private static int note(List<GuardNote> notes, String guard, int before, int after, String reason) {
    notes.add(new GuardNote(guard, before, after, reason));
    return after;
  }

  /** A fresh list for notes (callers may reuse their own). */
  public static List<GuardNote> notes() {
    return new ArrayList<>();
  }
}
