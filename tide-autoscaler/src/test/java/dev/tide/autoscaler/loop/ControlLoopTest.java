package dev.tide.autoscaler.loop;

import dev.tide.autoscaler.Autoscaler;
import dev.tide.autoscaler.actuator.Actuator;
import dev.tide.autoscaler.actuator.ActuatorException;
import dev.tide.autoscaler.config.AutoscalerConfig;
import dev.tide.autoscaler.config.ConfigLoader;
import dev.tide.autoscaler.decision.Action;
import dev.tide.autoscaler.decision.Decision;
import dev.tide.autoscaler.decision.DecisionLog;
import dev.tide.autoscaler.decision.LoopEvent;
import dev.tide.autoscaler.scrape.ScrapeTarget;
import dev.tide.autoscaler.signals.MetricSource;
import dev.tide.autoscaler.signals.NodeSample;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The loop's logic with a fake actuator, a fake metric source and a fake clock (time passed to step). */
class ControlLoopTest {

  static final String CONFIG = """
      evaluationInterval: 1s
      signals:
        warmUp: 0s
      nodes:
        min: 1
        max: 10
      policies:
        targetTracking:
          metric: opsPerNode
          target: 100
          tolerance: 0.1
      guards:
        scaleInStabilization: 10s
        scaleInCooldown: 5s
        panic:
          enabled: false
      """;
  static final long MANUAL_HOLD_MS = 30_000;
  static final long T0 = 1_700_000_000_000L;

  /** A platform whose size the test controls. */
  static final class FakeActuator implements Actuator {
    int size;
    boolean busy;
    String failure;
    boolean refuse;
    boolean applyAtOnce = true;
    final List<Integer> requests = new ArrayList<>();

    FakeActuator(int size) {
      this.size = size;
    }

    @Override
    public int currentSize() {
      return size;
    }

    @Override
    public void scaleTo(int nodes, String reason) {
      if (refuse) {
        throw new ActuatorException("refused for the test");
      }
      requests.add(nodes);
      if (applyAtOnce) {
        size = nodes;
      }
    }

    @Override
    public boolean inProgress() {
      return busy;
    }

    @Override
    public String takeFailure() {
      String f = failure;
      failure = null;
      return f;
    }

    @Override
    public List<ScrapeTarget> nodes() {
      List<ScrapeTarget> out = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        out.add(new ScrapeTarget("n" + i, URI.create("http://n" + i + ":9121/metrics")));
      }
      return out;
    }

    @Override
    public String describe() {
      return "fake";
    }
  }

  /** Every node the actuator lists reports an equal share of the offered load. */
  static final class FakeLoad implements MetricSource {
    final FakeActuator actuator;
    double totalOps;

    FakeLoad(FakeActuator actuator, double totalOps) {
      this.actuator = actuator;
      this.totalOps = totalOps;
    }

    @Override
    public List<NodeSample> read(long nowMs) {
      List<NodeSample> out = new ArrayList<>();
      for (ScrapeTarget t : actuator.nodes()) {
        out.add(new NodeSample(t.nodeId(), 0, totalOps / actuator.size, 0.5, 0, 1, 0, 1, 1_000, 0));
      }
      return out;
    }
  }

  static final class Recorder implements DecisionLog {
    final List<Decision> decisions = new ArrayList<>();
    final List<LoopEvent> events = new ArrayList<>();

    @Override
    public void append(Decision d) {
      decisions.add(d);
    }

    @Override
    public void appendEvent(LoopEvent e) {
      events.add(e);
    }

    List<String> kinds() {
      return events.stream().map(LoopEvent::kind).toList();
    }
  }

  private static ControlLoop loop(FakeActuator act, MetricSource src, Recorder log, boolean dryRun) {
    AutoscalerConfig config = ConfigLoader.parse(CONFIG, "test.yaml");
    return new ControlLoop(new Autoscaler(config, log), src, act, log, MANUAL_HOLD_MS, dryRun);
  }

  @Test
  void scaleOutIsAppliedThroughTheActuatorAndLogged() {
    FakeActuator act = new FakeActuator(2);
    Recorder log = new Recorder();
    ControlLoop loop = loop(act, new FakeLoad(act, 600), log, false);
    Decision d = loop.step(T0);
    assertThat(d.action()).isEqualTo(Action.SCALE_OUT);
    assertThat(act.requests).containsExactly(6); // ceil(2 x 300 / 100)
    assertThat(log.kinds()).containsExactly(LoopEvent.APPLIED);
    assertThat(log.events.get(0).detail()).startsWith("targetTracking:");
    // Next tick: 6 nodes at 100 ops each, nothing to do, no false "external" change.
    assertThat(loop.step(T0 + 1_000).action()).isEqualTo(Action.NONE);
    assertThat(log.kinds()).containsExactly(LoopEvent.APPLIED);
  }

  @Test
  void noNewActionWhileTheActuatorIsBusy() {
    FakeActuator act = new FakeActuator(2);
    act.busy = true;
    Recorder log = new Recorder();
    ControlLoop loop = loop(act, new FakeLoad(act, 600), log, false);
    for (int i = 0; i < 5; i++) {
      Decision d = loop.step(T0 + i * 1_000L);
      assertThat(d.action()).isEqualTo(Action.NONE);
      assertThat(d.guards()).anySatisfy(g -> assertThat(g.guard()).isEqualTo("hold"));
    }
    assertThat(act.requests).isEmpty();
    act.busy = false;
    assertThat(loop.step(T0 + 5_000).action()).isEqualTo(Action.SCALE_OUT);
  }

  @Test
  void aManualScaleIsAdoptedAndNotFoughtDuringTheHold() {
    FakeActuator act = new FakeActuator(2);
    FakeLoad load = new FakeLoad(act, 200); // exactly on target for 2 nodes
    Recorder log = new Recorder();
    ControlLoop loop = loop(act, load, log, false);
    long t = T0;
    for (; t < T0 + 20_000; t += 1_000) {
      assertThat(loop.step(t).action()).isEqualTo(Action.NONE);
    }
    act.size = 5; // someone ran ./tide scale 5 (or kubectl scale)
    long manualAt = t;
    for (; t < manualAt + MANUAL_HOLD_MS; t += 1_000) {
      Decision d = loop.step(t);
      assertThat(d.current()).isEqualTo(5);
      assertThat(d.target()).as("held at %d", t - manualAt).isEqualTo(5);
    }
    assertThat(act.requests).isEmpty();
    assertThat(log.kinds()).containsExactly(LoopEvent.EXTERNAL);
    assertThat(log.events.get(0).from()).isEqualTo(2);
    assertThat(log.events.get(0).to()).isEqualTo(5);
    assertThat(log.decisions.get(log.decisions.size() - 1).guards())
        .anySatisfy(g -> assertThat(g.reason()).contains("manual scale to 5"));
    // After the hold the policies may act again: 200 ops on 5 nodes is 40 per node, so scale in.
    for (; t < manualAt + MANUAL_HOLD_MS + 30_000 && act.requests.isEmpty(); t += 1_000) {
      loop.step(t);
    }
    assertThat(act.requests).isNotEmpty();
    assertThat(act.requests.get(0)).isLessThan(5);
  }

  @Test
  void aRefusedActionIsLoggedAndTheSizeIsNotMistakenForAManualChange() {
    FakeActuator act = new FakeActuator(2);
    act.refuse = true;
    Recorder log = new Recorder();
    ControlLoop loop = loop(act, new FakeLoad(act, 600), log, false);
    loop.step(T0);
    loop.step(T0 + 1_000);
    assertThat(log.kinds()).doesNotContain(LoopEvent.EXTERNAL).contains(LoopEvent.FAILED);
  }

  @Test
  void anActionThatFailsInTheBackgroundLeavesItsSizeAsTheBaseline() {
    FakeActuator act = new FakeActuator(4);
    act.applyAtOnce = false;
    FakeLoad load = new FakeLoad(act, 600);
    Recorder log = new Recorder();
    ControlLoop loop = loop(act, load, log, false);
    assertThat(loop.step(T0).action()).isEqualTo(Action.SCALE_OUT);
    act.busy = true;
    loop.step(T0 + 1_000);
    act.busy = false;
    act.failure = "drain of tide-3 failed: no room";
    loop.step(T0 + 2_000);
    assertThat(log.kinds()).containsSubsequence(LoopEvent.APPLIED, LoopEvent.FAILED)
        .doesNotContain(LoopEvent.EXTERNAL);
    assertThat(log.events.stream().filter(e -> e.kind().equals(LoopEvent.FAILED)).findFirst().orElseThrow().detail())
        .contains("no room");
  }

  @Test
  void aDryRunDecidesAndLogsButNeverCallsTheActuator() {
    FakeActuator act = new FakeActuator(2);
    Recorder log = new Recorder();
    ControlLoop loop = loop(act, new FakeLoad(act, 600), log, true);
    assertThat(loop.step(T0).action()).isEqualTo(Action.SCALE_OUT);
    assertThat(act.requests).isEmpty();
    assertThat(log.kinds()).containsExactly(LoopEvent.DRY_RUN);
    assertThat(log.events.get(0).to()).isEqualTo(6);
  }
}
