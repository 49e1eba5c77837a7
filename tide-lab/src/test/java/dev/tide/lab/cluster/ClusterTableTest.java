package dev.tide.lab.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster benchmark's tables: raw figures, Tide's ratios to each reference, and the goals' verdicts. */
class ClusterTableTest {

  static ClusterFigures figures(String target, double setOps, double getOps, double halfP99Ms, double cpuPerSet) {
    return new ClusterFigures(target, target + " description", null, setOps, 1.5, 4.0, getOps, 0.8, 2.0,
        setOps / 2, setOps / 2, 0.9, halfP99Ms, halfP99Ms * 2, 3, 7, cpuPerSet);
  }

  @Test
  void ratiosAreTideOverEachReference() {
    List<ClusterFigures> f = List.of(figures("tide-cluster", 24_000, 30_000, 4.0, 60),
        figures("redis-cluster", 60_000, 75_000, 1.0, 15), figures("etcd", 2_000, 1_500, 40.0, 300));
    List<List<String>> ratios = ClusterTable.ratios(f);
    assertThat(ratios).containsExactly(
        List.of("Tide / Redis Cluster", "0.40x", "0.40x", "4.00x", "4.00x"),
        List.of("Tide / etcd", "12.00x", "20.00x", "0.10x", "0.20x"));
  }

  @Test
  void goalsCompareWithTheIssuesBoundsInclusive() {
    List<ClusterFigures> f = List.of(figures("tide-cluster", 30_000, 30_000, 5.0, 60),
        figures("redis-cluster", 60_000, 75_000, 1.0, 15), figures("etcd", 3_000, 1_500, 40.0, 300));
    List<ClusterTable.Goal> goals = ClusterTable.goals(f);
    assertThat(goals).extracting(ClusterTable.Goal::met).containsExactly(true, true, true);
    assertThat(goals.get(0).measured()).isEqualTo("0.50x (30,000 vs 60,000 ops/s)");
    assertThat(goals.get(1).measured()).isEqualTo("10.00x (30,000 vs 3,000 ops/s)");
    assertThat(goals.get(2).measured()).isEqualTo("5.000 ms at 15,000 ops/s");
  }

  @Test
  void goalsMissedByALittleAreNotMet() {
    List<ClusterFigures> f = List.of(figures("tide-cluster", 29_999, 30_000, 5.01, 60),
        figures("redis-cluster", 60_000, 75_000, 1.0, 15), figures("etcd", 3_000, 1_500, 40.0, 300));
    assertThat(ClusterTable.goals(f)).extracting(ClusterTable.Goal::verdict)
        .containsExactly("NOT met", "NOT met", "NOT met");
  }

  @Test
  void aMissingReferenceLeavesItsGoalUnmeasured() {
    List<ClusterFigures> f = List.of(figures("tide-cluster", 30_000, 30_000, 2.0, 60),
        figures("redis-cluster", 40_000, 75_000, 1.0, 15));
    List<ClusterTable.Goal> goals = ClusterTable.goals(f);
    assertThat(goals).extracting(ClusterTable.Goal::verdict).containsExactly("met", "not measured", "met");
    assertThat(ClusterTable.ratios(f)).hasSize(1);
  }

  @Test
  void aFailedTargetIsShownWithItsReasonAndGetsNoRatio() {
    List<ClusterFigures> f = List.of(ClusterFigures.failed("tide-cluster", "not started", "port in use"),
        figures("redis-cluster", 40_000, 75_000, 1.0, 15));
    String text = ClusterTable.render(f);
    assertThat(text).contains("tide-cluster failed: port in use").contains("40,000");
    assertThat(ClusterTable.ratios(f)).isEmpty();
    assertThat(ClusterTable.goals(f)).extracting(ClusterTable.Goal::met).containsOnlyNulls();
  }

  @Test
  void rowsCarryTheRawFiguresOfEveryPhase() {
    List<List<String>> rows = ClusterTable.rows(List.of(figures("etcd", 6_800, 5_700, 24.0, 362.25)));
    assertThat(rows.get(0)).containsExactly("etcd", "6,800", "1.500", "4.000", "5,700", "0.800", "2.000",
        "3,400 of 3,400", "0.900", "24.0", "48.0", "3", "7", "362.3");
    assertThat(rows.get(0)).hasSameSizeAs(ClusterTable.HEADERS);
  }
}
