package dev.tide.lab.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BankCheckerTest {

  @Test
  void readsWithTheTotalAreValid() {
    H h = new H().bankRead(0, 30, H.balances(10, 10, 10), 0, 1).transfer(1, "a0", "a1", 5, 2, 3)
        .bankRead(0, 30, H.balances(5, 15, 10), 4, 5);
    assertThat(BankChecker.check(h.build(), Budget.unlimited()).verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void lostMoneyIsReportedWithTheTransfersAround() {
    H h = new H().transfer(1, "a0", "a1", 5, 0, 3).bankRead(0, 30, H.balances(5, 10, 10), 2, 4);
    CheckResult r = BankChecker.check(h.build(), Budget.unlimited());
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    Anomaly a = r.anomalies().get(0);
    assertThat(a.kind()).isEqualTo("bank-total");
    assertThat(a.lostValue()).isEqualTo(5L);
    assertThat(a.around()).extracting(Op::f).containsExactly("transfer", "read");
  }

  @Test
  void negativeBalanceAndMissingAccountAreReported() {
    java.util.Map<String, Object> missing = H.balances(10, 20);
    missing.put("a2", null);
    H h = new H().bankRead(0, 30, H.balances(-5, 25, 10), 0, 1).bankRead(0, 30, missing, 2, 3);
    assertThat(BankChecker.check(h.build(), Budget.unlimited()).anomalies()).extracting(Anomaly::kind)
        .contains("bank-negative", "bank-missing-account");
  }
}
