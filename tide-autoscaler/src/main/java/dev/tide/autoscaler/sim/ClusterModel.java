package dev.tide.autoscaler.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The time-stepped cluster model.
 *
 * <p><b>Nodes.</b> Ordered nodes are pending until {@code startupMs + (dataBytes / nodes) /
 * moveBytesPerSec} has passed (process start, then receiving their share of the data); then they
 * serve. Scale-in first cancels pending nodes (free and instant), then drains serving ones: a
 * draining node keeps serving (and costing) until it has handed its share over, then stops.
 * Node-hours count every pending, serving and draining node.
 *
 * <p><b>Load and latency.</b> A fluid queue: work = backlog + offered; the serving nodes complete up
 * to their capacity; the rest is backlog (capped at {@code maxBacklogSec} of capacity; the excess is
 * dropped, as clients time out). Latency of a request is base latency + the backlog's drain time
 * (backlog / capacity) + an M/M/c sojourn at each node ({@code c = threadsPerNode}, service rate
 * {@code capacity / c}, utilisation capped at 0.999). p99 of the M/M/c part: with Erlang-C
 * probability of waiting {@code C}, the wait exceeds {@code x} with probability
 * {@code C·exp(-(cμ-λ)x)}, so the wait's p99 is {@code ln(100·C)/(cμ-λ)} when {@code C > 1%}, else 0,
 * plus the service time's p99 {@code ln(100)/μ}. The fraction of slow requests uses the tail bound
 * {@code P(T > x) ≈ min(1, C·e^{-(cμ-λ)x} + e^{-μx})} at {@code x = SLO - base - backlog delay}.
 * This is an approximation (sojourn tail summed instead of convolved), documented in
 * {@code docs/autoscaler.md}; it is monotone in utilisation, which is what the comparison needs.
 */
public final class ClusterModel {

  private record Cohort(long atMs, int count) {
  }

  private final ModelParams p;
  private final ArrayDeque<Cohort> pending = new ArrayDeque<>();
  private final List<Cohort> draining = new ArrayList<>();
  private int ready;
  private int pendingCount;
  private int drainingCount;
  private double backlog;
  private double nodeMs;
  private long nowMs;

  public ClusterModel(ModelParams p, int initialNodes) {
    this.p = p;
    this.ready = Math.max(p.minNodes(), Math.min(p.maxNodes(), initialNodes));
  }

  /** Nodes ordered and not draining: what an autoscaler compares its desired size with. */
  public int provisioned() {
    return ready + pendingCount;
  }

  public int ready() {
    return ready;
  }

  /** Nodes that cost money now: pending, serving and draining. */
  public int billed() {
    return ready + pendingCount + drainingCount;
  }

  public double nodeHours() {
    return nodeMs / 3_600_000.0;
  }

  /** Sets the provisioned size at {@code nowMs} (clamped to the model's bounds). */
  public void scaleTo(long atMs, int target) {
    int n = Math.max(p.minNodes(), Math.min(p.maxNodes(), target));
    int current = provisioned();
    if (n > current) {
      long moveMs = (long) (p.dataBytes() / n / p.moveBytesPerSec() * 1_000);
      pending.addLast(new Cohort(atMs + p.startupMs() + moveMs, n - current));
      pendingCount += n - current;
    } else if (n < current) {
      int remove = current - n;
      while (remove > 0 && !pending.isEmpty()) { // cancel the newest orders first
        Cohort c = pending.pollLast();
        int take = Math.min(remove, c.count);
        if (take < c.count) {
          pending.addLast(new Cohort(c.atMs, c.count - take));
        }
        pendingCount -= take;
        remove -= take;
      }
      if (remove > 0) {
        long moveMs = (long) (p.dataBytes() / Math.max(1, current) / p.moveBytesPerSec() * 1_000);
        draining.add(new Cohort(atMs + moveMs, remove));
        drainingCount += remove;
        ready -= remove;
      }
    }
  }

  /** Advances one second, ending at {@code endMs}, with {@code offeredOps} arriving; returns its metrics. */
  public Observation step(long endMs, double offeredOps) {
    long dtMs = 1_000;
    nowMs = endMs;
    nodeMs += (double) billed() * dtMs;
    // Cohorts are not in ready order (data per node differs with the size ordered); the list is short.
    if (!pending.isEmpty()) {
      int n = pending.size();
      for (int i = 0; i < n; i++) {
        Cohort c = pending.pollFirst();
        if (c.atMs <= endMs) {
          ready += c.count;
          pendingCount -= c.count;
        } else {
          pending.addLast(c);
        }
      }
    }
    for (int i = draining.size() - 1; i >= 0; i--) {
      if (draining.get(i).atMs <= endMs) {
        drainingCount -= draining.get(i).count;
        draining.remove(i);
      }
    }
    int serving = ready + drainingCount;
    double capacity = serving * p.capacityOpsPerNode();
    double work = backlog + offeredOps;
    double served = Math.min(work, capacity);
    double left = work - served;
    double maxBacklog = capacity * p.maxBacklogSec();
    double dropped = Math.max(0, left - maxBacklog);
    backlog = left - dropped;

    double cpu = capacity == 0 ? 1 : served / capacity;
    double backlogDelayMs = capacity == 0 ? 1e6 : backlog / capacity * 1_000;
    int c = p.threadsPerNode();
    double mu = p.capacityOpsPerNode() / c / 1_000.0; // per ms per thread
    double lambda = serving == 0 ? 0 : Math.min(offeredOps / serving, 0.999 * p.capacityOpsPerNode()) / 1_000.0;
    double rho = lambda / (c * mu);
    double erlangC = erlangC(c, rho);
    double gap = c * mu - lambda; // per ms
    double waitP99 = erlangC > 0.01 ? Math.log(100 * erlangC) / gap : 0;
    double p99 = p.baseLatencyMs() + backlogDelayMs + waitP99 + Math.log(100) / mu;
    double x = p.sloLatencyMs() - p.baseLatencyMs() - backlogDelayMs;
    double slowFraction = x <= 0 ? 1 : Math.min(1, erlangC * Math.exp(-gap * x) + Math.exp(-mu * x));
    long completed = Math.round(served);
    long slow = Math.round(served * slowFraction + dropped);
    return new Observation(endMs, offeredOps, cpu, p99, completed + Math.round(dropped),
        Math.min(slow, completed + Math.round(dropped)), backlog, ready);
  }

  /** Erlang C: probability an arrival waits in M/M/c at utilisation {@code rho} (0..1). */
  static double erlangC(int c, double rho) {
    if (rho <= 0) {
      return 0;
    }
    double a = c * rho;
    double term = 1;
    double sum = 1;
    for (int k = 1; k < c; k++) {
      term *= a / k;
      sum += term;
    }
    double last = term * a / c / (1 - rho);
    return last / (sum + last);
  }
}
