package dev.tide.lab.chaos.workload;

import dev.tide.lab.chaos.client.Replies;
import dev.tide.lab.chaos.client.Reply;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.check.CounterChecker;
import dev.tide.lab.check.Outcome;

import java.util.SplittableRandom;

/** Counters: INCRBY of 1-5 (its reply is the new value) and GET, over a few keys in different slots. */
public final class CounterWorkload implements Workload {

  /** Largest delta: small, so sums stay readable in reports. */
  static final int MAX_DELTA = 5;

  private final String prefix;
  private final int counters;

  public CounterWorkload(String prefix, int counters) {
    this.prefix = prefix;
    this.counters = counters;
  }

  @Override
  public String name() {
    return CounterChecker.WORKLOAD;
  }

  @Override
  public String setup(Session s) {
    return null;
  }

  private String key(int i) {
    return "{" + prefix + ":ctr" + i + "}";
  }

  @Override
  public boolean step(Session s, Recorder r, int process, SplittableRandom rnd) {
    String key = key(rnd.nextInt(counters));
    byte[] k = Resp.b(key);
    if (rnd.nextInt(10) < 7) {
      long delta = rnd.nextInt(1, MAX_DELTA + 1);
      Recorder.Pending p = r.invoke(process, name(), "incr", key, delta);
      Session.Routed routed = s.execute(k, Session.argv("INCRBY", k, delta));
      Reply reply = routed.reply();
      Outcome o = Replies.writeOutcome(reply);
      return p.complete(o, reply instanceof Reply.Value v ? Resp.number(v.value()) : null, routed.errorText())
          .outcome() == Outcome.UNKNOWN;
    }
    Recorder.Pending p = r.invoke(process, name(), "read", key, null);
    Reply reply = s.execute(k, Session.argv("GET", k)).reply();
    p.complete(Replies.readOutcome(reply), reply instanceof Reply.Value v ? Resp.number(v.value()) : null,
        Replies.errorText(reply));
    return false;
  }

  @Override
  public void finalReads(Session s, Recorder r, int process, long deadlineNs) {
    for (int i = 0; i < counters; i++) {
      String key = key(i);
      byte[] k = Resp.b(key);
      Recorder.Pending p = r.invoke(process, name(), "read", key, null);
      Reply reply = Resp.readUntilOk(s, k, Session.argv("GET", k), deadlineNs).reply();
      p.complete(Replies.readOutcome(reply), reply instanceof Reply.Value v ? Resp.number(v.value()) : null,
          Replies.errorText(reply));
    }
  }
}
