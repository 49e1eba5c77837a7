package dev.tide.lab.chaos.workload;

import dev.tide.lab.chaos.client.Replies;
import dev.tide.lab.chaos.client.Reply;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.check.Op;
import dev.tide.lab.check.Outcome;
import dev.tide.lab.check.RegisterChecker;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Registers: GET, SET of unique values, and compare-and-set as WATCH k, GET k, MULTI, SET k new,
 * EXEC (the GET is recorded as a read; the cas is recorded from MULTI to EXEC, when the WATCH
 * guarantees the value is still the one read). Each register index moves to a fresh key every
 * {@link #OPS_PER_KEY} operations, as Jepsen's independent keys do, so each key's history stays
 * small enough for the exponential-in-the-worst-case linearizability search.
 */
public final class RegisterWorkload implements Workload {

  /** Operations per key before the register moves to a new key (Jepsen uses ~100-200 per key). */
  public static final int OPS_PER_KEY = 150;

  private final String prefix;
  private final int registers;
  private final AtomicLongArray counts;
  private final Set<String> used = ConcurrentHashMap.newKeySet();
  private volatile boolean cas;
  private volatile String casSkipped;

  public RegisterWorkload(String prefix, int registers) {
    this.prefix = prefix;
    this.registers = registers;
    this.counts = new AtomicLongArray(registers);
  }

  @Override
  public String name() {
    return RegisterChecker.WORKLOAD;
  }

  /** Why compare-and-set is off (the server refused WATCH/MULTI), or null. */
  public String casSkipped() {
    return casSkipped;
  }

  @Override
  public String setup(Session s) {
    String refused = Resp.transactionsRefused(s, Resp.b(prefix + ":probe"));
    cas = refused == null;
    casSkipped = refused == null ? null : "compare-and-set skipped: the server refused " + refused;
    return null;
  }

  private String key(int i) {
    long n = counts.getAndIncrement(i);
    String k = "{" + prefix + ":reg" + i + ":" + (n / OPS_PER_KEY) + "}";
    used.add(k);
    return k;
  }

  @Override
  public boolean step(Session s, Recorder r, int process, SplittableRandom rnd) {
    String key = key(rnd.nextInt(registers));
    byte[] k = Resp.b(key);
    int dice = rnd.nextInt(10);
    if (dice < 4) {
      read(s, r, process, key);
      return false;
    }
    if (dice < 8 || !cas) {
      long v = r.uniqueValue();
      Recorder.Pending p = r.invoke(process, name(), "write", key, v);
      Session.Routed routed = s.execute(k, Session.argv("SET", k, v));
      return p.complete(Replies.writeOutcome(routed.reply()), null, routed.errorText()).outcome() == Outcome.UNKNOWN;
    }
    return compareAndSet(s, r, process, key, k);
  }

  private Op read(Session s, Recorder r, int process, String key) {
    byte[] k = Resp.b(key);
    Recorder.Pending p = r.invoke(process, name(), "read", key, null);
    Reply reply = s.execute(k, Session.argv("GET", k)).reply();
    return p.complete(Replies.readOutcome(reply), reply instanceof Reply.Value v ? Resp.number(v.value()) : null,
        Replies.errorText(reply));
  }

  private boolean compareAndSet(Session s, Recorder r, int process, String key, byte[] k) {
    Session.Routed watch = s.execute(k, Session.argv("WATCH", k));
    if (!(watch.reply() instanceof Reply.Value)) {
      return false; // nothing started: WATCH has no effect on data
    }
    String node = watch.address();
    Recorder.Pending get = r.invoke(process, name(), "read", key, null);
    Reply got = s.call(node, Session.argv("GET", k));
    Op read = get.complete(Replies.readOutcome(got), got instanceof Reply.Value v ? Resp.number(v.value()) : null,
        Replies.errorText(got));
    if (!read.ok() || read.result() == null) {
      s.call(node, Session.argv("UNWATCH"));
      return false;
    }
    long old = read.resultLong();
    long neu = r.uniqueValue();
    Recorder.Pending p = r.invoke(process, name(), "cas", key, List.of(old, neu));
    List<Reply> replies = s.pipeline(node, List.of(Session.argv("MULTI"), Session.argv("SET", k, neu),
        Session.argv("EXEC")));
    Reply exec = replies.get(2);
    Outcome o = replies.get(0) instanceof Reply.Err ? Outcome.FAIL : Resp.execOutcome(exec);
    String err = exec instanceof Reply.Value v && v.value() == null ? "EXEC aborted: the key changed after WATCH"
        : Replies.errorText(exec);
    return p.complete(o, null, err).outcome() == Outcome.UNKNOWN;
  }

  @Override
  public void finalReads(Session s, Recorder r, int process, long deadlineNs) {
    for (String key : new java.util.TreeSet<>(used)) {
      byte[] k = Resp.b(key);
      Recorder.Pending p = r.invoke(process, name(), "read", key, null);
      Reply reply = Resp.readUntilOk(s, k, Session.argv("GET", k), deadlineNs).reply();
      p.complete(Replies.readOutcome(reply), reply instanceof Reply.Value v ? Resp.number(v.value()) : null,
          Replies.errorText(reply));
    }
  }
}
