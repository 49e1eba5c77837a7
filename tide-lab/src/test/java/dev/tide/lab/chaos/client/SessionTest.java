package dev.tide.lab.chaos.client;

import dev.tide.lab.check.Outcome;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.testing.FakeRespServer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos client's retry rule against fake cluster nodes: replies that prove a command did
 * nothing are followed or retried; a reply that leaves its outcome open is never retried (a
 * retry could apply a write twice) and makes the outcome unknown.
 */
class SessionTest {

  static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
  static final int SLOT_OF_K = dev.tide.engine.slots.Slots.slot("k".getBytes(java.nio.charset.StandardCharsets.UTF_8));

  @Test
  void movedIsFollowedToTheNamedNode() throws Exception {
    AtomicInteger onB = new AtomicInteger();
    try (FakeRespServer b = new FakeRespServer((argv, c) -> {
      onB.incrementAndGet();
      return ":1\r\n";
    });
         FakeRespServer a = new FakeRespServer((argv, c) -> "-MOVED " + SLOT_OF_K + " 127.0.0.1:" + b.port() + "\r\n");
         ClientIo io = new ClientIo(1);
         Session s = new Session(io, TargetGuard.LOOPBACK_ONLY, Router.cluster(List.of("127.0.0.1:" + a.port())),
             TIMEOUT_NS)) {
      Session.Routed r = s.execute(Session.bytes("k"), Session.argv("RPUSH", "k", 1));
      assertThat(r.reply()).isEqualTo(new Reply.Value(1L));
      assertThat(r.address()).isEqualTo("127.0.0.1:" + b.port());
      assertThat(onB.get()).isEqualTo(1);
      assertThat(r.errorText()).contains("MOVED " + SLOT_OF_K);
      // the slot is remembered: the next command goes straight to b
      s.execute(Session.bytes("k"), Session.argv("RPUSH", "k", 2));
      assertThat(a.commands()).isEqualTo(1);
      assertThat(onB.get()).isEqualTo(2);
    }
  }

  @Test
  void tryAgainSentBeforeProposalIsRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FakeRespServer a = new FakeRespServer((argv, c) -> calls.incrementAndGet() < 3
        ? "-TRYAGAIN No leader for this slot yet; retry\r\n" : ":7\r\n");
         ClientIo io = new ClientIo(1);
         Session s = new Session(io, TargetGuard.LOOPBACK_ONLY, Router.single("127.0.0.1:" + a.port()), TIMEOUT_NS)) {
      Session.Routed r = s.execute(Session.bytes("k"), Session.argv("INCRBY", "k", 7));
      assertThat(r.reply()).isEqualTo(new Reply.Value(7L));
      assertThat(calls.get()).isEqualTo(3);
      assertThat(Replies.writeOutcome(r.reply())).isEqualTo(Outcome.OK);
    }
  }

  @Test
  void notCommittedIsNeverRetriedAndLeavesTheOutcomeUnknown() throws Exception {
    try (FakeRespServer a = new FakeRespServer((argv, c) ->
        "-TRYAGAIN The write was not committed (partition leadership changed); retry\r\n");
         ClientIo io = new ClientIo(1);
         Session s = new Session(io, TargetGuard.LOOPBACK_ONLY, Router.single("127.0.0.1:" + a.port()), TIMEOUT_NS)) {
      Session.Routed r = s.execute(Session.bytes("k"), Session.argv("INCRBY", "k", 7));
      assertThat(a.commands()).isEqualTo(1);
      assertThat(Replies.writeOutcome(r.reply())).isEqualTo(Outcome.UNKNOWN);
      assertThat(Replies.readOutcome(r.reply())).isEqualTo(Outcome.FAIL);
    }
  }

  @Test
  void aServerThatNeverAnswersGivesAnUnknownOutcomeAfterTheTimeout() throws Exception {
    try (FakeRespServer a = new FakeRespServer((argv, c) -> ""); // never answers
         ClientIo io = new ClientIo(1);
         Session s = new Session(io, TargetGuard.LOOPBACK_ONLY, Router.single("127.0.0.1:" + a.port()),
             TimeUnit.MILLISECONDS.toNanos(300))) {
      Reply r = s.execute(Session.bytes("k"), Session.argv("SET", "k", 1)).reply();
      assertThat(r).isInstanceOf(Reply.Lost.class);
      assertThat(((Reply.Lost) r).sent()).isTrue();
      assertThat(Replies.writeOutcome(r)).isEqualTo(Outcome.UNKNOWN);
      assertThat(a.commands()).isEqualTo(1);
    }
  }

  @Test
  void aNodeThatCannotBeReachedIsAFailureNotAnUnknown() throws Exception {
    int closedPort;
    try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
      closedPort = ss.getLocalPort();
    }
    try (ClientIo io = new ClientIo(1);
         Session s = new Session(io, TargetGuard.LOOPBACK_ONLY, Router.single("127.0.0.1:" + closedPort), TIMEOUT_NS)) {
      Reply r = s.execute(Session.bytes("k"), Session.argv("SET", "k", 1)).reply();
      assertThat(r).isInstanceOf(Reply.Lost.class);
      assertThat(((Reply.Lost) r).sent()).isFalse();
      assertThat(Replies.writeOutcome(r)).isEqualTo(Outcome.FAIL);
    }
  }

  @Test
  void errorsAreClassifiedConservatively() {
    assertThat(Replies.definitelyNotApplied(new Reply.Err("MOVED 1 127.0.0.1:1"))).isTrue();
    assertThat(Replies.definitelyNotApplied(new Reply.Err("WRONGTYPE Operation against a key holding the wrong kind of value"))).isTrue();
    assertThat(Replies.definitelyNotApplied(new Reply.Err("ERR MULTI is not supported in Tide cluster mode yet"))).isTrue();
    assertThat(Replies.definitelyNotApplied(new Reply.Err("TRYAGAIN Too many writes waiting for this partition; retry"))).isTrue();
    assertThat(Replies.definitelyNotApplied(new Reply.Err("TRYAGAIN Multiple keys request during rehashing of slot"))).isFalse();
    assertThat(Replies.definitelyNotApplied(new Reply.Err("ERR raft: something unexpected"))).isFalse();
    assertThat(Replies.definitelyNotApplied(new Reply.Err("OOM command not allowed"))).isFalse();
  }
}
