package dev.tide.lab.check;

import org.junit.jupiter.api.Test;

import static dev.tide.lab.check.H.append;
import static dev.tide.lab.check.H.r;
import static org.assertj.core.api.Assertions.assertThat;

class ListAppendCheckerTest {

  static CheckResult check(H h) {
    return ListAppendChecker.check(h.build(), Budget.unlimited());
  }

  static java.util.List<String> kinds(CheckResult r) {
    return r.anomalies().stream().map(Anomaly::kind).toList();
  }

  @Test
  void appendsSeenInOrderByLaterReadsAreValid() {
    H h = new H().txn(0, 0, 1, append("x", 1)).txn(1, 0, 2, append("x", 2)).txn(2, 3, 4, r("x", 1L, 2L))
        .txn(0, 5, 6, append("x", 3)).txn(1, 5, 9, r("x", 1L, 2L)).txn(2, 10, 11, r("x", 1L, 2L, 3L));
    CheckResult r = check(h);
    assertThat(kinds(r)).isEmpty();
    assertThat(r.verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void acknowledgedAppendMissingFromALaterReadIsALostWriteByValue() {
    H h = new H().txn(0, 0, 1, append("x", 1)).txn(0, 2, 3, append("x", 2)).txn(1, 4, 5, r("x", 1L, 2L))
        .txn(1, 6, 7, r("x", 1L));
    CheckResult r = check(h);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    Anomaly lost = r.anomalies().stream().filter(Anomaly::isLostWrite).findFirst().orElseThrow();
    assertThat(lost.lostValue()).isEqualTo(2L);
    assertThat(lost.key()).isEqualTo("x");
    // the append, the last read that had it, the read that lost it
    assertThat(lost.around()).extracting(Op::id).containsExactly(1L, 2L, 3L);
  }

  @Test
  void acknowledgedAppendNeverSeenByTheFinalReadIsLost() {
    H h = new H().txn(0, 0, 1, append("x", 1)).txn(1, 0, 2, append("x", 2)).txn(2, 10, 11, r("x", 2L));
    CheckResult r = check(h);
    assertThat(r.anomalies()).anyMatch(a -> a.isLostWrite() && a.lostValue().equals(1L));
  }

  @Test
  void unknownAppendNeverSeenIsNotLost() {
    H h = new H().txn(0, 0, 1, append("x", 1)).txn(1, 0, -1, append("x", 2)).txn(2, 10, 11, r("x", 1L));
    assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void unknownAppendSeenOnceMustStayVisible() {
    H h = new H().txn(1, 0, -1, append("x", 2)).txn(2, 10, 11, r("x", 2L)).txn(2, 12, 13, r("x"));
    CheckResult r = check(h);
    assertThat(r.anomalies()).anyMatch(a -> a.isLostWrite() && a.lostValue().equals(2L));
  }

  @Test
  void duplicatesPhantomsAndAbortedReadsAreReported() {
    H h = new H().txn(0, 0, 1, append("x", 1)).txnWith(1, 0, 1, Outcome.FAIL, append("x", 2))
        .txn(2, 3, 4, r("x", 1L, 1L)).txn(2, 5, 6, r("y", 9L)).txn(3, 5, 6, r("x", 1L, 1L, 2L));
    CheckResult r = check(h);
    assertThat(kinds(r)).contains("duplicate", "phantom", "aborted-read");
  }

  @Test
  void readsThatAreNotPrefixesOfOneOrderAreReported() {
    H h = new H().txn(0, 0, 1, append("x", 1)).txn(1, 0, 1, append("x", 2)).txn(2, 3, 4, r("x", 1L, 2L))
        .txn(3, 3, 4, r("x", 2L, 1L));
    assertThat(kinds(check(h))).contains("incompatible-order");
  }

  @Test
  void elementOrderedBeforeOneAcknowledgedEarlierIsAReordering() {
    // 1 acknowledged at t=1; 2 sent at t=2; yet the list says [2, 1]
    H h = new H().txn(0, 0, 1, append("x", 1)).txn(1, 2, 3, append("x", 2)).txn(2, 4, 5, r("x", 2L, 1L));
    assertThat(kinds(check(h))).contains("realtime-order");
  }

  @Test
  void writeSkewIsG2() {
    // T1 appends to x and reads y empty; T2 appends to y and reads x empty; both commit.
    H h = new H().txn(0, 0, 10, append("x", 1), r("y")).txn(1, 0, 10, append("y", 1), r("x"))
        .txn(2, 20, 21, r("x", 1L), r("y", 1L));
    CheckResult r = check(h);
    assertThat(kinds(r)).contains("G2");
  }

  @Test
  void circularInformationFlowIsG1c() {
    H h = new H().txn(0, 0, 10, append("x", 1), r("y", 1L)).txn(1, 0, 10, append("y", 1), r("x", 1L));
    assertThat(kinds(check(h))).contains("G1c");
  }

  @Test
  void writeCycleIsG0() {
    H h = new H().txn(0, 0, 10, append("x", 1), append("y", 2)).txn(1, 0, 10, append("x", 3), append("y", 4))
        .txn(2, 20, 21, r("x", 1L, 3L), r("y", 4L, 2L));
    assertThat(kinds(check(h))).contains("G0");
  }

  @Test
  void staleReadOfSingleCommandsIsARealtimeCycle() {
    // The append was acknowledged before the read began, yet the read does not see it (a later one does).
    H h = new H().txn(0, 0, 1, append("x", 1)).txn(1, 2, 3, r("x")).txn(1, 4, 5, r("x", 1L));
    CheckResult r = check(h);
    assertThat(kinds(r)).contains("G-single-realtime", "lost-write");
  }

  @Test
  void concurrentReadMissingAnAppendIsFine() {
    H h = new H().txn(0, 0, 5, append("x", 1)).txn(1, 2, 3, r("x")).txn(1, 6, 7, r("x", 1L));
    assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
  }
}
