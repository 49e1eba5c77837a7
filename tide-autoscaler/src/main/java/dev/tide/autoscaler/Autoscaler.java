package dev.tide.autoscaler;

import dev.tide.autoscaler.config.AutoscalerConfig;
import dev.tide.autoscaler.decision.Action;
import dev.tide.autoscaler.decision.Decision;
import dev.tide.autoscaler.decision.DecisionLog;
import dev.tide.autoscaler.guard.GuardNote;
import dev.tide.autoscaler.guard.Guards;
import dev.tide.autoscaler.policy.Composition;
import dev.tide.autoscaler.policy.Policy;
import dev.tide.autoscaler.policy.Predictive;
import dev.tide.autoscaler.policy.Scheduled;
import dev.tide.autoscaler.policy.SloBurnRate;
import dev.tide.autoscaler.policy.StepScaling;
import dev.tide.autoscaler.policy.TargetTracking;
import dev.tide.autoscaler.policy.Vote;
import dev.tide.autoscaler.signals.Signals;
import dev.tide.autoscaler.signals.SmoothedSignals;

import java.util.ArrayList;
import java.util.List;

/**
 * One autoscaler: the evaluation step shared by the live loop and the simulator.
 *
 * <p>{@link #evaluate} takes the signals read at {@code signals.nowMs()} and the provisioned node
 * count, smooths the signals (stable and panic views), asks every policy for a vote on the stable
 * view (step scaling: on the panic view, since holding a breach is its filter), composes the votes, runs target tracking again on the panic view for the panic guard,
 * applies the guards, logs the {@link Decision} and returns it. The caller acts on
 * {@code decision.target()}; the autoscaler assumes the action is taken (the guards' cooldowns
 * start now). Not thread-safe: one loop owns it.
 */
public final class Autoscaler {

  private final AutoscalerConfig config;
  private final SmoothedSignals smoothing;
  private final List<Policy> policies = new ArrayList<>();
  private final TargetTracking panicPolicy;
  private final Guards guards;
  private final DecisionLog log;

  public Autoscaler(AutoscalerConfig config, DecisionLog log) {
    this.config = config;
    this.log = log;
    this.smoothing = new SmoothedSignals(config.stableWindowMs(), config.panicWindowMs());
    this.guards = new Guards(config.guards());
    TargetTracking tt = null;
    if (config.targetTracking() != null) {
      var s = config.targetTracking();
      tt = new TargetTracking("targetTracking", s.metric(), s.target(), s.tolerance());
      policies.add(tt);
      // Panic uses the same formula without a tolerance band: it only matters far from the target.
      panicPolicy = new TargetTracking("panic", s.metric(), s.target(), 0);
    } else {
      panicPolicy = null;
    }
    if (config.stepScaling() != null) {
      var s = config.stepScaling();
      policies.add(new StepScaling("stepScaling", s.metric(), s.sustainMs(), s.steps()));
    }
    if (!config.schedule().isEmpty()) {
      policies.add(new Scheduled("scheduled", config.schedule()));
    }
    if (config.predictive() != null) {
      var p = config.predictive();
      policies.add(new Predictive("predictive", p.bucketMs(), p.seasonBuckets(), p.leadTimeMs(), p.alpha(), p.beta(),
          p.gamma(), p.targetOpsPerNode(), p.maxError()));
    }
    if (config.sloBurnRate() != null) {
      var s = config.sloBurnRate();
      policies.add(new SloBurnRate("sloBurnRate", s.objective(), s.periodMs(), s.bucketMs(),
          new SloBurnRate.Window(s.fastLongMs(), s.fastShortMs(), s.fastFactor(), s.fastStepPercent()),
          new SloBurnRate.Window(s.slowLongMs(), s.slowShortMs(), s.slowFactor(), s.slowStepPercent()),
          s.stepIntervalMs()));
    }
  }

  public AutoscalerConfig config() {
    return config;
  }

  public Guards guards() {
    return guards;
  }

  /**
   * Evaluates once.
   *
   * @param signals  signals read now ({@code signals.nowMs()} is the time of this evaluation)
   * @return the decision (already logged)
   */
  public Decision evaluate(Signals signals) {
    return evaluate(signals, null);
  }

  /**
   * Evaluates once, with the action held back when {@code hold} is given (the live loop: the actuator
   * is still carrying out the previous action, or a manual scale is being honoured). The policies and
   * guards run as usual, so their windows stay fed, and the decision shows what they wanted and a
   * {@code hold} guard note with the reason.
   *
   * @param hold  why no action may be taken now, or null
   */
  public Decision evaluate(Signals signals, String hold) {
    long now = signals.nowMs();
    int current = signals.nodes();
    SmoothedSignals.View view = smoothing.update(signals);
    List<Vote> votes = new ArrayList<>(policies.size());
    for (Policy p : policies) {
      // Step scaling has its own filter (a breach must be held), so it reads the short panic view: on
      // the 60 s view a past latency storm would still look like one minutes after it ended.
      votes.add(p.evaluate(p instanceof StepScaling ? view.panic() : view.stable(), current));
    }
    Composition.Result composed = Composition.compose(votes, current);
    int panicDesired = -1;
    if (panicPolicy != null) {
      Vote pv = panicPolicy.evaluate(view.panic(), current);
      panicDesired = pv.abstains() ? -1 : pv.desired();
    }
    List<GuardNote> notes = new ArrayList<>(2);
    int target = guards.apply(now, current, signals.warmNodes(), composed.desired(), panicDesired, notes);
    if (hold != null && target != current) {
      notes.add(new GuardNote("hold", target, current, hold));
      target = current;
    }
    Action action = Action.of(current, target);
    if (action != Action.NONE) {
      guards.recordAction(now, current, target);
    }
    Decision d = new Decision(now, signals, view.stable(), votes, composed.desired(), composed.decidedBy(), notes,
        guards.inPanic(now), current, target, action);
    log.append(d);
    return d;
  }

  /**
   * Someone else changed the cluster's size (a manual {@code ./tide scale}, {@code kubectl scale}):
   * take {@code size} as the new baseline instead of fighting it. The guards forget the
   * recommendations made for the old size, start their cooldowns as after an action, and leave panic
   * mode (see {@link Guards#adopt}); the caller holds actions for its manual-hold time.
   */
  public void adoptExternalSize(long nowMs, int size) {
    guards.adopt(nowMs, size);
  }
}
