package dev.tide.lab.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Bank transfers between accounts of one hash slot: a transfer moves an amount from one account
 * to another in one transaction (refused when the balance would go negative); a read takes every
 * balance at once. Every acknowledged read must show all accounts, the initial total, and no
 * negative balance. A wrong total is reported with the transfers that ran around that read.
 */
public final class BankChecker {

  public static final String WORKLOAD = "bank";
  /** Transfers listed around a wrong read. */
  static final int MAX_AROUND = 10;

  private BankChecker() {
  }

  public static CheckResult check(List<Op> history, Budget budget) {
    List<Op> ops = history.stream().filter(o -> WORKLOAD.equals(o.workload())).toList();
    if (ops.isEmpty()) {
      return CheckResult.skipped(WORKLOAD, "no bank operations in the history");
    }
    CheckResult.Builder out = new CheckResult.Builder(WORKLOAD, ops);
    List<Op> transfers = ops.stream().filter(o -> o.f().equals("transfer") && o.outcome() != Outcome.FAIL)
        .sorted(Comparator.comparingLong(Op::invokeNs)).toList();
    for (Op op : ops) {
      if (!op.ok() || !op.f().equals("read")) {
        continue;
      }
      Map<String, Object> v = op.valueMap();
      long total = (Long) v.get("total");
      long accounts = (Long) v.get("accounts");
      Map<String, Object> balances = op.resultMap();
      long sum = 0;
      for (Map.Entry<String, Object> b : balances.entrySet()) {
        if (b.getValue() == null) {
          out.add("bank-missing-account", op.key(), "account " + b.getKey() + " is missing from a read", null,
              List.of(op));
          continue;
        }
        long bal = (Long) b.getValue();
        sum += bal;
        if (bal < 0) {
          out.add("bank-negative", op.key(), "account " + b.getKey() + " has a negative balance " + bal
              + " (transfers never overdraw)", null, List.of(op));
        }
      }
      if (balances.size() != accounts) {
        out.add("bank-missing-account", op.key(), "read returned " + balances.size() + " accounts, expected "
            + accounts, null, List.of(op));
      }
      if (sum != total) {
        List<Op> around = new ArrayList<>();
        around.add(op);
        for (Op t : transfers) {
          if (t.invokeNs() <= op.completeNs() && around.size() < MAX_AROUND) {
            long end = t.ok() ? t.completeNs() : Long.MAX_VALUE;
            if (end >= op.invokeNs() - 1_000_000_000L) { // concurrent, or completed within a second before
              around.add(t);
            }
          }
        }
        out.add("bank-total", op.key(), "balances sum to " + sum + ", expected " + total + " ("
            + (sum < total ? (total - sum) + " lost" : (sum - total) + " created") + ")",
            sum < total ? (Object) (total - sum) : null, around);
      }
    }
    if (budget.spent()) {
      out.incomplete("bank: time budget spent");
    }
    return out.build();
  }
}
