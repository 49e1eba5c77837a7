package dev.tide.lab.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CounterCheckerTest {

  static CheckResult check(H h) {
    return CounterChecker.check(h.build(), Budget.unlimited());
  }

  @Test
  void incrementsWithinBoundsAreValid() {
    H h = new H().incr(0, "c", 2, 2L, 0, 1).incr(1, "c", 3, 5L, 2, 6).counterRead(2, "c", 2L, 3, 4)
        .incr(0, "c", 1, null, 7, -1).counterRead(2, "c", 6L, 10, 11).counterRead(2, "c", 6L, 12, 13);
    CheckResult r = check(h);
    assertThat(r.anomalies()).isEmpty();
    assertThat(r.verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void finalValueBelowTheAcknowledgedSumIsLostByTheDeficit() {
    H h = new H().incr(0, "c", 2, 2L, 0, 1).incr(1, "c", 3, 5L, 2, 3).counterRead(2, "c", 2L, 10, 11);
    CheckResult r = check(h);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    Anomaly a = r.anomalies().stream().filter(Anomaly::isLostWrite).findFirst().orElseThrow();
    assertThat(a.kind()).isEqualTo("counter-below-acknowledged");
    assertThat(a.lostValue()).isEqualTo(3L);
  }

  @Test
  void incrementAppliedTwiceExceedsWhatWasSent() {
    // a client retried an INCRBY whose first attempt had in fact been applied
    H h = new H().incr(0, "c", 5, 5L, 0, 1).counterRead(2, "c", 10L, 2, 3);
    assertThat(check(h).anomalies()).extracting(Anomaly::kind).contains("counter-above-attempted");
  }

  @Test
  void twoIncrementsReturningTheSameValueIsADuplicate() {
    H h = new H().incr(0, "c", 1, 1L, 0, 5).incr(1, "c", 1, 1L, 0, 5);
    assertThat(check(h).anomalies()).extracting(Anomaly::kind).contains("duplicate-increment");
  }

  @Test
  void valueGoingBackIsReported() {
    H h = new H().incr(0, "c", 1, null, 0, -1).incr(1, "c", 1, null, 0, -1).counterRead(2, "c", 2L, 1, 2)
        .counterRead(2, "c", 1L, 3, 4);
    assertThat(check(h).anomalies()).extracting(Anomaly::kind).contains("counter-went-back");
  }

  @Test
  void unknownIncrementsWidenTheUpperBoundOnly() {
    H h = new H().incr(0, "c", 4, null, 0, -1).counterRead(1, "c", 4L, 1, 2).counterRead(1, "c", 4L, 3, 4);
    assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
    H before = new H().counterRead(1, "c", 4L, 0, 1).incr(0, "c", 4, null, 2, -1);
    assertThat(check(before).verdict()).isEqualTo(Verdict.INVALID);
  }
}
