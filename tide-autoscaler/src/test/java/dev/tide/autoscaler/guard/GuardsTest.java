package dev.tide.autoscaler.guard;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each guard with a fake clock. */
class GuardsTest {

  static GuardSettings settings(long outStab, long inStab, long outCool, long inCool, int stepOut, double stepOutPct,
      boolean panic, double cost) {
    return new GuardSettings(2, 100, outStab, inStab, outCool, inCool, stepOut, stepOutPct, 1, 50, 0, panic, 2.0,
        60_000, cost);
  }

  static GuardSettings plain() {
    return settings(0, 0, 0, 0, 1_000, 1_000, false, 0);
  }

  static int apply(Guards g, long now, int current, int warm, int desired, int panicDesired, List<GuardNote> notes) {
    return g.apply(now, current, warm, desired, panicDesired, notes);
  }

  @Test
  void minAndMaxBoundEveryDecision() {
    Guards g = new Guards(plain());
    List<GuardNote> notes = new ArrayList<>();
    assertThat(apply(g, 0, 10, 10, 500, -1, notes)).isEqualTo(100);
    assertThat(notes).extracting(GuardNote::guard).containsExactly("maxNodes");
    assertThat(apply(g, 1_000, 10, 10, 0, -1, new ArrayList<>())).isEqualTo(5); // max step in 50%
    assertThat(apply(g, 2_000, 3, 3, 0, -1, new ArrayList<>())).isEqualTo(2);
  }

  @Test
  void scaleInStabilizationTakesTheLargestRecommendationOfTheWindow() {
    Guards g = new Guards(settings(0, 60_000, 0, 0, 1_000, 1_000, false, 0));
    assertThat(apply(g, 0, 10, 10, 10, -1, new ArrayList<>())).isEqualTo(10);
    assertThat(apply(g, 1_000, 10, 10, 6, -1, new ArrayList<>())).isEqualTo(10);
    assertThat(apply(g, 30_000, 10, 10, 7, -1, new ArrayList<>())).isEqualTo(10);
    // at 61 s the recommendation of 10 (t=0) has left the window: the largest left is 7
    List<GuardNote> notes = new ArrayList<>();
    assertThat(apply(g, 61_000, 10, 10, 6, -1, notes)).isEqualTo(7);
    assertThat(notes).extracting(GuardNote::guard).containsExactly("stabilization");
  }

  @Test
  void scaleOutStabilizationTakesTheSmallestRecommendationOfTheWindow() {
    Guards g = new Guards(settings(10_000, 0, 0, 0, 1_000, 1_000, false, 0));
    assertThat(apply(g, 0, 10, 10, 10, -1, new ArrayList<>())).isEqualTo(10);
    assertThat(apply(g, 5_000, 10, 10, 20, -1, new ArrayList<>())).isEqualTo(10);
    assertThat(apply(g, 11_000, 10, 10, 20, -1, new ArrayList<>())).isEqualTo(20);
  }

  @Test
  void cooldownsDelayActionsAfterAnAction() {
    Guards g = new Guards(settings(0, 0, 30_000, 60_000, 1_000, 1_000, false, 0));
    g.recordAction(0, 10, 20);
    assertThat(apply(g, 10_000, 20, 20, 30, -1, new ArrayList<>())).isEqualTo(20);
    assertThat(apply(g, 31_000, 20, 20, 30, -1, new ArrayList<>())).isEqualTo(30);
    g.recordAction(31_000, 20, 30);
    assertThat(apply(g, 60_000, 30, 30, 20, -1, new ArrayList<>())).isEqualTo(30);
    assertThat(apply(g, 92_000, 30, 30, 20, -1, new ArrayList<>())).isEqualTo(20);
  }

  @Test
  void maxStepBoundsOneDecision() {
    Guards g = new Guards(settings(0, 0, 0, 0, 4, 50, false, 0));
    assertThat(apply(g, 0, 10, 10, 40, -1, new ArrayList<>())).isEqualTo(15);
    assertThat(apply(g, 1_000, 2, 2, 40, -1, new ArrayList<>())).isEqualTo(6);
  }

  @Test
  void warmingNodesBlockScaleIn() {
    Guards g = new Guards(plain());
    List<GuardNote> notes = new ArrayList<>();
    assertThat(apply(g, 0, 10, 7, 5, -1, notes)).isEqualTo(10);
    assertThat(notes.get(0).guard()).isEqualTo("warmUp");
  }

  @Test
  void panicRaisesToThePanicWindowSizeAndBlocksScaleInUntilItExpires() {
    Guards g = new Guards(settings(0, 0, 0, 0, 1_000, 1_000, true, 0));
    List<GuardNote> notes = new ArrayList<>();
    assertThat(apply(g, 0, 10, 10, 12, 25, notes)).isEqualTo(25);
    assertThat(g.inPanic(0)).isTrue();
    assertThat(notes).extracting(GuardNote::guard).contains("panic");
    // load gone, but still in panic: no scale-in
    assertThat(apply(g, 30_000, 25, 25, 5, 5, new ArrayList<>())).isEqualTo(25);
    // 60 s after the last trigger panic ends and scale-in may proceed (50% max step)
    assertThat(g.inPanic(61_000)).isFalse();
    assertThat(apply(g, 61_000, 25, 25, 5, 5, new ArrayList<>())).isEqualTo(13);
    // below 2x warm there is no panic
    Guards calm = new Guards(settings(0, 0, 0, 0, 1_000, 1_000, true, 0));
    assertThat(apply(calm, 0, 10, 10, 12, 19, new ArrayList<>())).isEqualTo(12);
    assertThat(calm.inPanic(0)).isFalse();
  }

  @Test
  void costLimitCapsNodesToWhatTheRestOfTheDayCanPay() {
    // 480 node-hours a day; at midnight with nothing used, 480 / 24 h = 20 nodes affordable
    Guards g = new Guards(settings(0, 0, 0, 0, 1_000, 1_000, false, 480));
    List<GuardNote> notes = new ArrayList<>();
    assertThat(apply(g, 0, 10, 10, 50, -1, notes)).isEqualTo(20);
    assertThat(notes).extracting(GuardNote::guard).containsExactly("cost");
    // 12 hours at 30 nodes use 360 node-hours: 120 left for 12 hours is 10 nodes
    Guards g2 = new Guards(settings(0, 0, 0, 0, 1_000, 1_000, false, 480));
    apply(g2, 0, 30, 30, 30, -1, new ArrayList<>());
    assertThat(apply(g2, 12 * 3_600_000L, 30, 30, 30, -1, new ArrayList<>())).isEqualTo(10);
    assertThat(g2.usedNodeHoursToday()).isEqualTo(360.0);
  }
}
