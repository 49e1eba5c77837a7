package dev.tide.autoscaler;

import dev.tide.autoscaler.config.AutoscalerConfig;
import dev.tide.autoscaler.decision.Action;
import dev.tide.autoscaler.decision.Decision;
import dev.tide.autoscaler.decision.DecisionLog;
import dev.tide.autoscaler.signals.Signals;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole evaluation step with a fake clock. */
class AutoscalerTest {

  static final double CAPACITY = 10_000;

  static AutoscalerConfig config() {
    return AutoscalerConfig.defaults(CAPACITY, 2, 200, 10, 0);
  }

  @Test
  void noisyLoadAroundTheTargetDoesNotFlap() {
    Autoscaler a = new Autoscaler(config(), DecisionLog.NONE);
    SplittableRandom rnd = new SplittableRandom(42);
    int nodes = 20;
    int actions = 0;
    // 20 nodes at 70% of capacity is exactly the target; +-20% noise every second for 2 hours.
    for (long t = 0; t < 7_200_000; t += 1_000) {
      double ops = 20 * 0.7 * CAPACITY * (1 + 0.2 * rnd.nextGaussian());
      Decision d = a.evaluate(new Signals(t, nodes, nodes, Math.max(0, ops), 0.7, 3, 0, 10_000, 0));
      if (d.action() != Action.NONE) {
        actions++;
        nodes = d.target();
      }
    }
    assertThat(actions).isZero();
    assertThat(nodes).isEqualTo(20);
  }

  @Test
  void aTenfoldSpikeScalesOutWithinSecondsThroughPanicAndBackAfterStabilization() {
    Autoscaler a = new Autoscaler(config(), DecisionLog.NONE);
    int nodes = 10;
    long firstOut = -1;
    long t = 0;
    for (; t < 120_000; t += 1_000) {
      double ops = t < 60_000 ? 10 * 0.7 * CAPACITY : 100 * 0.7 * CAPACITY;
      Decision d = a.evaluate(new Signals(t, nodes, nodes, ops, 0.7, 3, 0, 10_000, 0));
      if (d.action() == Action.SCALE_OUT && firstOut < 0) {
        firstOut = t;
        assertThat(d.panic()).isTrue();
      }
      nodes = d.target(); // new nodes are warm at once in this test
    }
    assertThat(firstOut - 60_000).isBetween(0L, 5_000L);
    assertThat(nodes).isBetween(95, 110);
    // load back to 10%: stays up during panic and the 2 min scale-in window, then comes down
    int atTwoMinutes = -1;
    for (; t < 600_000; t += 1_000) {
      Decision d = a.evaluate(new Signals(t, nodes, nodes, 10 * 0.7 * CAPACITY, 0.1, 1, 0, 10_000, 0));
      nodes = d.target();
      if (t == 220_000) {
        atTwoMinutes = nodes;
      }
    }
    assertThat(atTwoMinutes).isGreaterThanOrEqualTo(95);
    assertThat(nodes).isBetween(10, 12);
  }

  @Test
  void everyEvaluationIsLoggedAsOneJsonLineWithInputsVotesGuardsAndAction() {
    StringWriter out = new StringWriter();
    Autoscaler a = new Autoscaler(config(), DecisionLog.jsonLines(out));
    a.evaluate(new Signals(1_000, 10, 10, 10 * 0.7 * CAPACITY, 0.7, 3, 0, 100, 0));
    a.evaluate(new Signals(2_000, 10, 10, 1_000 * 0.7 * CAPACITY, 0.7, 3, 0, 100, 0));
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("{\"timeMs\":1000,\"action\":\"NONE\"").contains("\"policies\":[")
        .contains("\"policy\":\"targetTracking\"").contains("\"policy\":\"sloBurnRate\"").endsWith("]}");
    assertThat(lines[1]).contains("\"action\":\"SCALE_OUT\"").contains("\"guard\":\"panic\"")
        .contains("\"guard\":\"maxStep\"").contains("\"inputs\":{\"nodes\":10");
  }
}
