package dev.tide.lab.chaos.workload;

import dev.tide.lab.chaos.client.Replies;
import dev.tide.lab.chaos.client.Reply;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.check.BankChecker;
import dev.tide.lab.check.Outcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bank: {@link #ACCOUNTS} accounts under one hash tag (one slot), {@link #INITIAL_BALANCE} each.
 * A transfer is WATCH from to, MGET from to, and — when the balance covers it — MULTI, DECRBY
 * from, INCRBY to, EXEC (nil when another transfer touched the accounts meanwhile). A read is one
 * MGET of all accounts. Needs WATCH and MULTI: skipped, with the server's refusal, without them.
 */
public final class BankWorkload implements Workload {

  public static final int ACCOUNTS = 5;
  public static final long INITIAL_BALANCE = 100;
  /** Largest amount moved at once. */
  static final int MAX_AMOUNT = 20;

  private final String tag;

  public BankWorkload(String prefix) {
    this.tag = "{" + prefix + ":bank}";
  }

  @Override
  public String name() {
    return BankChecker.WORKLOAD;
  }

  private String account(int i) {
    return tag + "a" + i;
  }

  @Override
  public String setup(Session s) {
    byte[] first = Resp.b(account(0));
    String refused = Resp.transactionsRefused(s, first);
    if (refused != null) {
      return "bank skipped: transfers need WATCH/MULTI/EXEC and the server refused " + refused;
    }
    Object[] mset = new Object[1 + 2 * ACCOUNTS];
    mset[0] = "MSET";
    for (int i = 0; i < ACCOUNTS; i++) {
      mset[1 + 2 * i] = account(i);
      mset[2 + 2 * i] = INITIAL_BALANCE;
    }
    for (int attempt = 0; attempt < Resp.FINAL_READ_ATTEMPTS; attempt++) {
      Reply r = s.execute(first, Session.argv(mset)).reply();
      if (r instanceof Reply.Value) {
        return null; // MSET is idempotent: a retry after a lost reply is safe
      }
    }
    return "bank skipped: could not set the initial balances";
  }

  @Override
  public boolean step(Session s, Recorder r, int process, SplittableRandom rnd) {
    if (rnd.nextInt(10) < 3) {
      read(s, r, process, 0);
      return false;
    }
    int from = rnd.nextInt(ACCOUNTS);
    int to = (from + rnd.nextInt(1, ACCOUNTS)) % ACCOUNTS;
    long amount = rnd.nextInt(1, MAX_AMOUNT + 1);
    byte[] a = Resp.b(account(from));
    byte[] b = Resp.b(account(to));
    Session.Routed watch = s.execute(a, Session.argv("WATCH", a, b));
    if (!(watch.reply() instanceof Reply.Value)) {
      return false;
    }
    String node = watch.address();
    Reply got = s.call(node, Session.argv("MGET", a, b));
    if (!(got instanceof Reply.Value v) || !(v.value() instanceof List<?> l) || Resp.number(l.get(0)) == null
        || Resp.number(l.get(0)) < amount) {
      s.call(node, Session.argv("UNWATCH"));
      return false; // not enough money (or no reply): no transfer attempted
    }
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("from", account(from));
    value.put("to", account(to));
    value.put("amount", amount);
    Recorder.Pending p = r.invoke(process, name(), "transfer", tag, value);
    List<Reply> replies = s.pipeline(node, List.of(Session.argv("MULTI"), Session.argv("DECRBY", a, amount),
        Session.argv("INCRBY", b, amount), Session.argv("EXEC")));
    Reply exec = replies.get(3);
    Outcome o = replies.get(0) instanceof Reply.Err ? Outcome.FAIL : Resp.execOutcome(exec);
    String err = exec instanceof Reply.Value ev && ev.value() == null ? "EXEC aborted: an account changed after WATCH"
        : Replies.errorText(exec);
    return p.complete(o, null, err).outcome() == Outcome.UNKNOWN;
  }

  /** One MGET of every account; with a deadline (non-zero), retried until it succeeds or the deadline passes. */
  Reply readAll(Session s, long deadlineNs) {
    Object[] mget = new Object[1 + ACCOUNTS];
    mget[0] = "MGET";
    for (int i = 0; i < ACCOUNTS; i++) {
      mget[1 + i] = account(i);
    }
    byte[] first = Resp.b(account(0));
    return (deadlineNs != 0 ? Resp.readUntilOk(s, first, Session.argv(mget), deadlineNs)
        : s.execute(first, Session.argv(mget))).reply();
  }

  private void read(Session s, Recorder r, int process, long deadlineNs) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("total", ACCOUNTS * INITIAL_BALANCE);
    value.put("accounts", (long) ACCOUNTS);
    Recorder.Pending p = r.invoke(process, name(), "read", tag, value);
    Reply reply = readAll(s, deadlineNs);
    Map<String, Object> balances = null;
    if (reply instanceof Reply.Value v) {
      balances = new LinkedHashMap<>();
      List<?> l = (List<?>) v.value();
      for (int i = 0; i < ACCOUNTS; i++) {
        balances.put(account(i), Resp.number(l.get(i)));
      }
    }
    p.complete(Replies.readOutcome(reply), balances, Replies.errorText(reply));
  }

  @Override
  public void finalReads(Session s, Recorder r, int process, long deadlineNs) {
    read(s, r, process, deadlineNs);
  }
}
