package dev.tide.lab.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The failover arithmetic on recorded timelines: gaps around kills, and their distribution. */
class FailoverTimelineTest {

  private static final long MS = 1_000_000L;

  /** Acknowledgement times in ms, as ns. */
  private static long[] acks(long... ms) {
    return Arrays.stream(ms).map(m -> m * MS).toArray();
  }

  @Test
  void gapRunsFromTheLastAckBeforeTheKillToTheFirstAckAfterIt() {
    long[] t = acks(0, 10, 20, 30, 700, 710, 720);
    FailoverTimeline.Gap g = FailoverTimeline.gap(t, t.length, 35 * MS);
    assertThat(g.lastAckBeforeNs()).isEqualTo(30 * MS);
    assertThat(g.firstAckAfterNs()).isEqualTo(700 * MS);
    assertThat(g.gapMs()).isCloseTo(670, within(1e-9));
    assertThat(g.resumeAfterKillMs()).isCloseTo(665, within(1e-9));
    assertThat(g.resumed()).isTrue();
  }

  @Test
  void anAckAtTheKillInstantBelongsBeforeIt() {
    long[] t = acks(0, 10, 20, 900);
    FailoverTimeline.Gap g = FailoverTimeline.gap(t, t.length, 20 * MS);
    assertThat(g.lastAckBeforeNs()).isEqualTo(20 * MS);
    assertThat(g.gapMs()).isCloseTo(880, within(1e-9));
  }

  @Test
  void severalKillsOnOneTimelineEachFindTheirOwnNeighbours() {
    long[] t = acks(0, 5, 10, 400, 405, 410, 2_000, 2_005, 2_500);
    assertThat(FailoverTimeline.gap(t, t.length, 12 * MS).gapMs()).isCloseTo(390, within(1e-9));
    assertThat(FailoverTimeline.gap(t, t.length, 1_000 * MS).gapMs()).isCloseTo(1_590, within(1e-9));
    assertThat(FailoverTimeline.gap(t, t.length, 2_100 * MS).gapMs()).isCloseTo(495, within(1e-9));
  }

  @Test
  void onlyTheFirstCountEntriesAreRead() {
    long[] t = new long[16];
    System.arraycopy(acks(0, 10, 20), 0, t, 0, 3); // the rest are zeros, as in the writer's preallocated array
    FailoverTimeline.Gap g = FailoverTimeline.gap(t, 3, 15 * MS);
    assertThat(g.lastAckBeforeNs()).isEqualTo(10 * MS);
    assertThat(g.firstAckAfterNs()).isEqualTo(20 * MS);
  }

  @Test
  void writesThatNeverResumeHaveNoGap() {
    long[] t = acks(0, 10, 20);
    FailoverTimeline.Gap g = FailoverTimeline.gap(t, t.length, 25 * MS);
    assertThat(g.resumed()).isFalse();
    assertThat(g.gapMs()).isNaN();
    assertThat(g.resumeAfterKillMs()).isNaN();
  }

  @Test
  void aKillBeforeAnyAckHasNoGapEither() {
    long[] t = acks(100, 110);
    FailoverTimeline.Gap g = FailoverTimeline.gap(t, t.length, 50 * MS);
    assertThat(g.lastAckBeforeNs()).isEqualTo(FailoverTimeline.NONE);
    assertThat(g.gapMs()).isNaN();
    assertThat(g.resumeAfterKillMs()).isCloseTo(50, within(1e-9));
  }

  @Test
  void repliesTheVictimSentBeforeItDiedDoNotCountAsResumed() {
    // node 0 is killed at 25 ms; its in-flight replies arrive at 26 and 27 ms; node 1 answers from 600 ms
    long[] t = acks(0, 10, 20, 26, 27, 600, 610);
    byte[] by = {0, 0, 0, 0, 0, 1, 1};
    FailoverTimeline.Gap g = FailoverTimeline.gap(t, by, t.length, 25 * MS, 0);
    assertThat(g.lastAckBeforeNs()).isEqualTo(27 * MS);
    assertThat(g.firstAckAfterNs()).isEqualTo(600 * MS);
    assertThat(g.gapMs()).isCloseTo(573, within(1e-9));
    assertThat(g.resumeAfterKillMs()).isCloseTo(575, within(1e-9));
    // the plain variant would have called the victim's late reply a resumption
    assertThat(FailoverTimeline.gap(t, t.length, 25 * MS).gapMs()).isCloseTo(6, within(1e-9));
  }

  @Test
  void onlyTheVictimAnsweringAfterTheKillIsNoResumption() {
    long[] t = acks(0, 10, 30);
    byte[] by = {2, 2, 2};
    FailoverTimeline.Gap g = FailoverTimeline.gap(t, by, t.length, 25 * MS, 2);
    assertThat(g.resumed()).isFalse();
    assertThat(g.gapMs()).isNaN();
  }

  @Test
  void writesAlreadyOnAnotherNodeResumeAtOnce() {
    // the writer was talking to node 1 when node 0 (leader of something else) died
    long[] t = acks(0, 10, 20, 30);
    byte[] by = {1, 1, 1, 1};
    FailoverTimeline.Gap g = FailoverTimeline.gap(t, by, t.length, 25 * MS, 0);
    assertThat(g.gapMs()).isCloseTo(10, within(1e-9));
  }

  @Test
  void refusesATimelineOutOfOrder() {
    long[] t = acks(0, 20, 10);
    assertThatThrownBy(() -> FailoverTimeline.gap(t, t.length, 5 * MS)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of order");
  }

  @Test
  void distributionUsesNearestRankPercentiles() {
    // the seven by-hand samples of docs/cluster.md (phase 1)
    List<Double> gaps = List.of(581.0, 1083.0, 1122.0, 545.0, 408.0, 1712.0, 1027.0);
    FailoverTimeline.Distribution d = FailoverTimeline.distribution(gaps);
    assertThat(d.samples()).isEqualTo(7);
    assertThat(d.minMs()).isEqualTo(408);
    assertThat(d.p50Ms()).isEqualTo(1027); // rank ceil(0.5 * 7) = 4 of 408, 545, 581, 1027, 1083, 1122, 1712
    assertThat(d.p90Ms()).isEqualTo(1712); // rank ceil(0.9 * 7) = 7
    assertThat(d.maxMs()).isEqualTo(1712);
    assertThat(d.withinTarget()).isEqualTo(3);
  }

  @Test
  void twentySamplesGiveTheEighteenthAsP90() {
    List<Double> gaps = new ArrayList<>();
    for (int i = 20; i >= 1; i--) {
      gaps.add(i * 100.0); // 2000, 1900, ... 100: order must not matter
    }
    FailoverTimeline.Distribution d = FailoverTimeline.distribution(gaps);
    assertThat(d.p50Ms()).isEqualTo(1_000);
    assertThat(d.p90Ms()).isEqualTo(1_800);
    assertThat(d.withinTarget()).isEqualTo(10); // 100 .. 1000 inclusive
  }

  @Test
  void aKillWithoutResumeCountsAsTheWorstSample() {
    List<Double> gaps = new ArrayList<>(List.of(300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0, 950.0, 990.0));
    gaps.add(Double.NaN);
    FailoverTimeline.Distribution d = FailoverTimeline.distribution(gaps);
    assertThat(d.minMs()).isEqualTo(300);
    assertThat(d.p50Ms()).isEqualTo(700);
    assertThat(d.p90Ms()).isEqualTo(990);
    assertThat(d.maxMs()).isNaN(); // the unresumed kill is the maximum: unknown, not hidden
    assertThat(d.withinTarget()).isEqualTo(9);
  }

  @Test
  void emptyDistribution() {
    FailoverTimeline.Distribution d = FailoverTimeline.distribution(List.of());
    assertThat(d.samples()).isZero();
    assertThat(d.p50Ms()).isNaN();
  }
}
