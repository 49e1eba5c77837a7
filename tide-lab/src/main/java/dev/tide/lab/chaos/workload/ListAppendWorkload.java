package dev.tide.lab.chaos.workload;

import dev.tide.lab.chaos.client.Replies;
import dev.tide.lab.chaos.client.Reply;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.check.ListAppendChecker;
import dev.tide.lab.check.Outcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * List-append, as Jepsen's Redis tests run it: RPUSH of unique values and LRANGE 0 -1. When the
 * server runs MULTI/EXEC, an operation is a transaction of 1-3 micro-operations over the keys of
 * one generation, which share a hash tag (one slot, so a cluster can run them together); else
 * each operation is one command. A generation of {@link #KEYS} keys is replaced by a new one
 * every {@link #TXNS_PER_GENERATION} operations, keeping lists (and LRANGE replies) short.
 */
public final class ListAppendWorkload implements Workload {

  /** Keys per generation: few, so transactions collide. */
  public static final int KEYS = 3;
  /** Operations per generation: lists stay under ~100 elements. */
  public static final int TXNS_PER_GENERATION = 150;
  /** Most micro-operations per transaction. */
  public static final int MAX_MOPS = 3;

  private final String prefix;
  private final AtomicLong txns = new AtomicLong();
  private final Set<String> used = ConcurrentHashMap.newKeySet();
  private volatile boolean transactional;
  private volatile String note;

  public ListAppendWorkload(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public String name() {
    return ListAppendChecker.WORKLOAD;
  }

  /** Why transactions are off, or null. */
  public String note() {
    return note;
  }

  @Override
  public String setup(Session s) {
    String refused = Resp.transactionsRefused(s, Resp.b("{" + prefix + ":la0}k0"));
    transactional = refused == null;
    note = refused == null ? null : "single commands only (no transactions): the server refused " + refused;
    return null;
  }

  @Override
  public boolean step(Session s, Recorder r, int process, SplittableRandom rnd) {
    long gen = txns.getAndIncrement() / TXNS_PER_GENERATION;
    String tag = "{" + prefix + ":la" + gen + "}";
    int n = transactional ? rnd.nextInt(1, MAX_MOPS + 1) : 1;
    List<Object> mops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = tag + "k" + rnd.nextInt(KEYS);
      used.add(key);
      if (rnd.nextInt(10) < 6) {
        mops.add(List.of("append", key, r.uniqueValue()));
      } else {
        mops.add(Arrays.asList("r", key, null));
      }
    }
    Recorder.Pending p = r.invoke(process, name(), "txn", null, mops);
    List<byte[][]> commands = new ArrayList<>();
    for (Object o : mops) {
      List<?> m = (List<?>) o;
      byte[] k = Resp.b((String) m.get(1));
      commands.add(m.get(0).equals("append") ? Session.argv("RPUSH", k, m.get(2)) : Session.argv("LRANGE", k, 0, -1));
    }
    byte[] route = Resp.b((String) ((List<?>) mops.get(0)).get(1));
    boolean hasAppend = mops.stream().anyMatch(m -> ((List<?>) m).get(0).equals("append"));
    Outcome outcome;
    List<?> results = null;
    String error;
    if (!transactional) {
      Session.Routed routed = s.execute(route, commands.get(0));
      Reply reply = routed.reply();
      outcome = hasAppend ? Replies.writeOutcome(reply) : Replies.readOutcome(reply);
      error = routed.errorText();
      if (reply instanceof Reply.Value v) {
        results = List.of(v.value());
      }
    } else {
      Reply exec = transaction(s, route, commands);
      outcome = Resp.execOutcome(exec);
      if (!hasAppend && outcome == Outcome.UNKNOWN) {
        outcome = Outcome.FAIL; // reads only: no effect either way
      }
      error = exec instanceof Reply.Value v && v.value() == null ? "EXEC returned nil" : Replies.errorText(exec);
      if (outcome == Outcome.OK) {
        results = (List<?>) ((Reply.Value) exec).value();
      }
    }
    List<Object> completed = null;
    if (outcome == Outcome.OK) {
      completed = new ArrayList<>();
      for (int i = 0; i < mops.size(); i++) {
        List<?> m = (List<?>) mops.get(i);
        if (m.get(0).equals("r")) {
          completed.add(Arrays.asList("r", m.get(1), Resp.numbers(results.get(i))));
        } else {
          completed.add(m);
        }
      }
    }
    return p.complete(outcome, completed, error).outcome() == Outcome.UNKNOWN;
  }

  /** MULTI, the commands, EXEC on the key's node; a transaction refused before EXEC ran is retried on the right node. */
  private static Reply transaction(Session s, byte[] route, List<byte[][]> commands) {
    List<byte[][]> all = new ArrayList<>();
    all.add(Session.argv("MULTI"));
    all.addAll(commands);
    all.add(Session.argv("EXEC"));
    Reply exec = null;
    for (int attempt = 0; attempt < Session.MAX_ATTEMPTS; attempt++) {
      String node = s.router().addressFor(route);
      List<Reply> replies = s.pipeline(node, all);
      exec = replies.get(replies.size() - 1);
      Reply moved = replies.stream().filter(x -> x instanceof Reply.Err e && e.code().equals("MOVED")).findFirst()
          .orElse(null);
      if (moved == null || Resp.execOutcome(exec) != Outcome.FAIL) {
        return exec;
      }
      String[] parts = ((Reply.Err) moved).text().split(" ");
      if (parts.length == 3) {
        s.router().moved(Integer.parseInt(parts[1]), parts[2]);
      }
    }
    return exec;
  }

  @Override
  public void finalReads(Session s, Recorder r, int process, long deadlineNs) {
    for (String key : new java.util.TreeSet<>(used)) {
      byte[] k = Resp.b(key);
      List<Object> mops = List.of(Arrays.asList("r", key, null));
      Recorder.Pending p = r.invoke(process, name(), "txn", null, mops);
      Reply reply = Resp.readUntilOk(s, k, Session.argv("LRANGE", k, 0, -1), deadlineNs).reply();
      Object result = reply instanceof Reply.Value v ? List.of(Arrays.asList("r", key, Resp.numbers(v.value()))) : null;
      p.complete(Replies.readOutcome(reply), result, Replies.errorText(reply));
    }
  }
}
