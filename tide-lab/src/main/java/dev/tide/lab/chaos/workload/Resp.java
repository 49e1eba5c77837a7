package dev.tide.lab.chaos.workload;

import dev.tide.lab.chaos.client.Replies;
import dev.tide.lab.chaos.client.Reply;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.check.Outcome;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the workloads: reply parsing, transaction support, bounded final reads. */
final class Resp {

  /** Attempts of a final read (after healing) before it is recorded as failed. */
  static final int FINAL_READ_ATTEMPTS = 20;
  /** Pause between final read attempts: with 20 attempts, ~10 s for a cluster to settle. */
  static final long FINAL_READ_PAUSE_MS = 500;

  private Resp() {
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A bulk reply holding a decimal number, or null for a null reply (also a null element of an array, as MGET gives). */
  static Long number(Object v) {
    if (v == null || v == dev.tide.lab.resp.RespReplyDecoder.NULL) {
      return null;
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof byte[] bytes) {
      return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
    }
    throw new IllegalStateException("expected a number, got " + v);
  }

  /** An array of bulk numbers (LRANGE), as longs. */
  static List<Long> numbers(Object v) {
    List<Long> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      out.add(number(o));
    }
    return out;
  }

  /**
   * Whether the server runs MULTI/EXEC and WATCH for {@code key}: null if yes, else the error it
   * gave (Tide's cluster mode refuses them until transactions land there).
   */
  static String transactionsRefused(Session s, byte[] key) {
    Session.Routed w = s.execute(key, Session.argv("WATCH", key));
    if (!(w.reply() instanceof Reply.Value)) {
      return "WATCH: " + Replies.errorText(w.reply());
    }
    List<Reply> r = s.pipeline(w.address(), List.of(Session.argv("MULTI"), Session.argv("DISCARD"),
        Session.argv("UNWATCH")));
    if (!(r.get(0) instanceof Reply.Value)) {
      return "MULTI: " + Replies.errorText(r.get(0));
    }
    return null;
  }

  /**
   * The outcome of an EXEC reply: an array ran (OK); a null reply means WATCH aborted it (FAIL);
   * an error is classified; a lost reply is unknown if it may have been sent.
   */
  static Outcome execOutcome(Reply exec) {
    if (exec instanceof Reply.Value v) {
      return v.value() instanceof List<?> ? Outcome.OK : Outcome.FAIL;
    }
    return Replies.writeOutcome(exec);
  }

  /** A read retried until it succeeds (bounded in attempts and by the deadline), for the final reads after healing. */
  static Session.Routed readUntilOk(Session s, byte[] key, byte[][] argv, long deadlineNs) {
    Session.Routed r = new Session.Routed(null, new Reply.Lost("final reads out of time", false));
    for (int i = 0; i < FINAL_READ_ATTEMPTS && System.nanoTime() - deadlineNs < 0; i++) {
      r = s.execute(key, argv);
      if (r.reply() instanceof Reply.Value) {
        return r;
      }
      try {
        Thread.sleep(FINAL_READ_PAUSE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r;
      }
    }
    return r;
  }
}
