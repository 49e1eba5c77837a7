package dev.tide.lab.check;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RegisterCheckerTest {

  static CheckResult check(H h) {
    return RegisterChecker.check(h.build(), Budget.unlimited());
  }

  @Test
  void sequentialWritesAndReadsAreLinearizable() {
    H h = new H().read(0, "k", null, 0, 1).write(0, "k", 1, 2, 3).read(1, "k", 1L, 4, 5).write(1, "k", 2, 6, 7)
        .read(0, "k", 2L, 8, 9);
    assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void readConcurrentWithWriteMaySeeOldOrNew() {
    H h = new H().write(0, "k", 1, 0, 1).write(0, "k", 2, 2, 10).read(1, "k", 1L, 3, 4).read(2, "k", 2L, 5, 6)
        .read(1, "k", 2L, 11, 12);
    assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void readGoingBackToTheOldValueIsRejected() {
    // 2 was read (so the write took effect), then a later read sees 1 again while the write of 2 is still open.
    H h = new H().write(0, "k", 1, 0, 1).write(0, "k", 2, 2, 20).read(1, "k", 2L, 3, 4).read(2, "k", 1L, 5, 6);
    CheckResult r = check(h);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.anomalies()).extracting(Anomaly::kind).contains("nonlinearizable");
  }

  @Test
  void staleReadAfterAcknowledgedWriteIsALostWriteReportedByValue() {
    H h = new H().write(0, "k", 1, 0, 1).write(0, "k", 2, 2, 3).read(1, "k", 1L, 4, 5);
    CheckResult r = check(h);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.lostWriteCount()).isEqualTo(1);
    Anomaly lost = r.anomalies().stream().filter(Anomaly::isLostWrite).findFirst().orElseThrow();
    assertThat(lost.lostValue()).isEqualTo(2L);
    // the operations around it: the write of what was read, the lost write, the stale read
    assertThat(lost.around()).extracting(Op::id).containsExactly(0L, 1L, 2L);
  }

  @Test
  void readOfNothingAfterAcknowledgedWriteIsALostWrite() {
    H h = new H().write(0, "k", 7, 0, 1).read(1, "k", null, 2, 3);
    CheckResult r = check(h);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.anomalies()).anyMatch(a -> a.isLostWrite() && a.lostValue().equals(7L));
  }

  @Test
  void twoReadersSeeingConcurrentWritesInOppositeOrdersAreRejected() {
    // w1 and w2 are concurrent; afterwards one reader sees 1, then 2, then a third sees 1 again.
    H h = new H().write(0, "k", 1, 0, 10).write(1, "k", 2, 0, 10).read(2, "k", 1L, 11, 12).read(3, "k", 2L, 13, 14)
        .read(4, "k", 1L, 15, 16);
    assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
  }

  @Test
  void unknownWriteMayTakeEffectLaterAndExplainARead() {
    H h = new H().write(0, "k", 1, 0, 1).write(1, "k", 5, 2, -1).read(2, "k", 1L, 3, 4).read(2, "k", 5L, 50, 51);
    assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void unknownWriteMayNeverTakeEffect() {
    H h = new H().write(0, "k", 1, 0, 1).write(1, "k", 5, 2, -1).read(2, "k", 1L, 30, 31).read(2, "k", 1L, 50, 51);
    assertThat(check(h).verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void unknownWriteCannotExplainAReadThatEndedBeforeItWasSent() {
    H h = new H().read(0, "k", 5L, 0, 1).write(1, "k", 5, 2, -1);
    assertThat(check(h).verdict()).isEqualTo(Verdict.INVALID);
  }

  @Test
  void compareAndSetIsCheckedAgainstTheState() {
    H ok = new H().write(0, "k", 1, 0, 1).cas(0, "k", 1, 2, 2, 3).read(1, "k", 2L, 4, 5)
        .casFailed(1, "k", 1, 9, 6, 7).read(0, "k", 2L, 8, 9);
    assertThat(check(ok).verdict()).isEqualTo(Verdict.VALID);
    H bad = new H().write(0, "k", 1, 0, 1).cas(0, "k", 1, 2, 2, 3).cas(1, "k", 1, 3, 4, 5);
    assertThat(check(bad).verdict()).isEqualTo(Verdict.INVALID);
  }

  @Test
  void keysAreCheckedIndependently() {
    H h = new H().write(0, "a", 1, 0, 1).write(0, "b", 2, 2, 3).read(1, "a", 1L, 4, 5).read(1, "b", 2L, 4, 5)
        .write(0, "c", 3, 0, 1).read(1, "c", null, 2, 3);
    CheckResult r = check(h);
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.anomalies()).allMatch(a -> a.key().equals("c"));
  }

  @Test
  void aSpentBudgetGivesUnknownNeverValid() {
    H h = new H().write(0, "k", 1, 0, 1).read(1, "k", 1L, 2, 3);
    AtomicLong clock = new AtomicLong();
    Budget budget = Budget.of(clock::get, 10);
    clock.set(11);
    CheckResult r = RegisterChecker.check(h.build(), budget);
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.notes()).anyMatch(n -> n.contains("not checked"));
  }

  @Test
  void budgetRunningOutDuringTheSearchGivesUnknown() {
    // 14 concurrent writes and then a read of a value nobody wrote: the search must try every
    // subset of writes before it can say no, far more than one clock check's worth of steps.
    H h = new H();
    for (int i = 0; i < 14; i++) {
      h.write(i, "k", i + 1, 0, 100);
    }
    h.read(20, "k", 999L, 200, 201);
    AtomicLong clock = new AtomicLong();
    Budget budget = Budget.of(() -> clock.addAndGet(1), 500); // spent at the first look after the start
    CheckResult r = RegisterChecker.check(h.build(), budget);
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    // with time, the same history is found invalid
    assertThat(RegisterChecker.check(h.build(), Budget.unlimited()).verdict()).isEqualTo(Verdict.INVALID);
  }

  /** A register whose operations take effect at a random point inside their interval: linearizable by construction. */
  static List<Op> simulate(long seed, int clients, int opsPerClient, boolean loseOneAcknowledgedWrite) {
    SplittableRandom rnd = new SplittableRandom(seed);
    record Planned(int process, String f, long v, long old, long invoke, long complete, long point, boolean unknown) {
    }
    List<Planned> planned = new ArrayList<>();
    long value = 1;
    for (int c = 0; c < clients; c++) {
      long t = rnd.nextLong(0, 5);
      for (int i = 0; i < opsPerClient; i++) {
        long dur = rnd.nextLong(1, 20);
        String f = switch (rnd.nextInt(3)) {
          case 0 -> "read";
          case 1 -> "write";
          default -> "cas";
        };
        boolean unknown = !f.equals("read") && rnd.nextInt(10) == 0;
        long point = t + rnd.nextLong(0, dur + 1);
        planned.add(new Planned(c, f, value++, rnd.nextLong(0, value), t, t + dur, point, unknown));
        t += dur + rnd.nextLong(1, 5);
        if (unknown) {
          break; // a client that lost a reply stops (as a crashed process)
        }
      }
    }
    List<Planned> byPoint = new ArrayList<>(planned);
    byPoint.sort(java.util.Comparator.comparingLong(Planned::point));
    long state = RegisterChecker.ABSENT;
    java.util.Map<Planned, Op> done = new java.util.HashMap<>();
    boolean lost = false;
    long id = 0;
    for (Planned p : byPoint) {
      Op op;
      long ms = 1_000_000L;
      switch (p.f) {
        case "read" -> op = new Op(id++, p.process, "register", "read", "k", null,
            state == RegisterChecker.ABSENT ? null : state, p.invoke * ms, p.complete * ms, Outcome.OK, null);
        case "write" -> {
          boolean dropIt = loseOneAcknowledgedWrite && !lost && !p.unknown && state != RegisterChecker.ABSENT;
          if (dropIt) {
            lost = true; // acknowledged, but the store forgets it
          } else {
            state = p.v;
          }
          op = new Op(id++, p.process, "register", "write", "k", p.v, null, p.invoke * ms, p.complete * ms,
              p.unknown ? Outcome.UNKNOWN : Outcome.OK, null);
        }
        default -> {
          boolean applies = state == p.old;
          if (applies) {
            state = p.v;
          }
          Outcome o = p.unknown ? Outcome.UNKNOWN : applies ? Outcome.OK : Outcome.FAIL;
          op = new Op(id++, p.process, "register", "cas", "k", List.of(p.old, p.v), null, p.invoke * ms,
              p.complete * ms, o, null);
        }
      }
      done.put(p, op);
    }
    List<Op> out = new ArrayList<>(done.values());
    out.sort(java.util.Comparator.comparingLong(Op::invokeNs));
    return out;
  }

  @Test
  void simulatedLinearizableRegistersAreAccepted() {
    for (long seed = 1; seed <= 200; seed++) {
      List<Op> h = simulate(seed, 5, 30, false);
      assertThat(RegisterChecker.check(h, Budget.ofMillis(10_000)).verdict()).as("seed " + seed)
          .isEqualTo(Verdict.VALID);
    }
  }

  @Test
  void simulatedStoreThatDropsOneAcknowledgedWriteIsCaughtWhenAReadCouldTell() {
    int caught = 0;
    for (long seed = 1; seed <= 200; seed++) {
      List<Op> h = simulate(seed, 5, 30, true);
      CheckResult r = RegisterChecker.check(h, Budget.ofMillis(10_000));
      assertThat(r.verdict()).as("seed " + seed).isNotEqualTo(Verdict.UNKNOWN);
      assertThat(r.verdict() == Verdict.INVALID).as("seed " + seed).isEqualTo(BruteForce.linearizable(h) == false);
      if (r.verdict() == Verdict.INVALID) {
        caught++;
      }
    }
    // Not every dropped write is observable (another write may overwrite it before anyone reads),
    // but some are: a checker that finds none is broken.
    assertThat(caught).isPositive();
  }

  @Test
  void agreesWithBruteForceOnRandomSmallHistories() {
    SplittableRandom rnd = new SplittableRandom(42);
    int invalid = 0;
    int valid = 0;
    for (int round = 0; round < 3_000; round++) {
      List<Op> h = randomSmallHistory(rnd);
      boolean expected = BruteForce.linearizable(h);
      Verdict v = RegisterChecker.check(h, Budget.unlimited()).verdict();
      assertThat(v).as("round %d: %s", round, h).isEqualTo(expected ? Verdict.VALID : Verdict.INVALID);
      if (expected) {
        valid++;
      } else {
        invalid++;
      }
    }
    // both answers occur often: the comparison tests something
    assertThat(valid).isGreaterThan(300);
    assertThat(invalid).isGreaterThan(300);
  }

  /** 3 processes, 1-3 operations each, values from a tiny domain (so they repeat), some unknown or failed. */
  static List<Op> randomSmallHistory(SplittableRandom rnd) {
    List<Op> ops = new ArrayList<>();
    long id = 0;
    for (int p = 0; p < 3; p++) {
      long t = rnd.nextLong(0, 4);
      int n = rnd.nextInt(1, 4);
      for (int i = 0; i < n; i++) {
        long end = t + rnd.nextLong(1, 6);
        String f = switch (rnd.nextInt(3)) {
          case 0 -> "read";
          case 1 -> "write";
          default -> "cas";
        };
        int o = rnd.nextInt(10);
        Outcome outcome = o < 7 ? Outcome.OK : o < 9 ? Outcome.UNKNOWN : Outcome.FAIL;
        Long readValue = rnd.nextInt(4) == 0 ? null : (long) rnd.nextInt(1, 4);
        Object value = switch (f) {
          case "read" -> null;
          case "write" -> (Object) (long) rnd.nextInt(1, 4);
          default -> List.of((long) rnd.nextInt(1, 4), (long) rnd.nextInt(1, 4));
        };
        ops.add(new Op(id++, p, "register", f, "k", value, f.equals("read") ? readValue : null, t, end, outcome, null));
        if (outcome == Outcome.UNKNOWN) {
          break;
        }
        t = end + rnd.nextLong(0, 3);
      }
    }
    return ops;
  }

  /**
   * The definition, searched exhaustively: some order of all ok operations plus any subset of the
   * unknown writes and cas (failed operations and unknown reads did nothing observable), that
   * respects real time (an op that completed before another began comes first; unknown ones never
   * complete) and that the register model accepts.
   */
  static final class BruteForce {
    static boolean linearizable(List<Op> all) {
      List<Op> ops = all.stream().filter(o -> o.outcome() == Outcome.OK
          || (o.outcome() == Outcome.UNKNOWN && !o.f().equals("read"))).toList();
      return search(ops, new boolean[ops.size()], RegisterChecker.ABSENT);
    }

    private static boolean search(List<Op> ops, boolean[] used, long state) {
      boolean definiteLeft = false;
      for (int i = 0; i < ops.size(); i++) {
        if (!used[i] && ops.get(i).ok()) {
          definiteLeft = true;
        }
      }
      if (!definiteLeft) {
        return true; // the unknown ones left never happened
      }
      for (int i = 0; i < ops.size(); i++) {
        if (used[i]) {
          continue;
        }
        Op x = ops.get(i);
        boolean minimal = true;
        for (int j = 0; j < ops.size(); j++) {
          if (!used[j] && j != i && ops.get(j).ok() && ops.get(j).completeNs() < x.invokeNs()) {
            minimal = false;
          }
        }
        if (!minimal) {
          continue;
        }
        long next = RegisterChecker.step(x, state);
        if (next == RegisterChecker.ILLEGAL) {
          continue;
        }
        used[i] = true;
        boolean ok = search(ops, used, next);
        used[i] = false;
        if (ok) {
          return true;
        }
      }
      return false;
    }
  }
}
