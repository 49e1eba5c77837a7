package dev.tide.lab.report;

import dev.tide.lab.chaos.ChaosRun;
import dev.tide.lab.chaos.Timeline;
import dev.tide.lab.chaos.nemesis.Fault;
import dev.tide.lab.chaos.nemesis.FaultKind;
import dev.tide.lab.check.Budget;
import dev.tide.lab.check.CheckResult;
import dev.tide.lab.check.HistoryChecker;
import dev.tide.lab.check.Op;
import dev.tide.lab.check.Outcome;
import dev.tide.lab.check.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The chaos report from a synthetic run: table, timeline with fault windows, anomalies with their operations. */
class ChaosReportTest {

  static ChaosRun.Result result() {
    List<Op> history = new ArrayList<>();
    long s = 1_000_000_000L;
    history.add(new Op(0, 0, "register", "write", "k", 1L, null, 0, s / 2, Outcome.OK, null));
    history.add(new Op(1, 0, "register", "write", "k", 2L, null, s, 2 * s, Outcome.OK, null));
    history.add(new Op(2, 1, "register", "read", "k", null, 1L, 3 * s, 3 * s + 1000, Outcome.OK, null));
    history.add(new Op(3, 2, "register", "write", "k", 3L, null, 3 * s, 3 * s, Outcome.UNKNOWN, "no reply"));
    Map<String, CheckResult> checks = HistoryChecker.check(history, Budget.unlimited());
    List<Fault> faults = List.of(new Fault(FaultKind.KILL_LEADER, "kill -9 node 1 (a leader)", s, 2 * s),
        new Fault(FaultKind.PARTITION, "partition [0] | [1, 2]", 2 * s, 3 * s));
    return new ChaosRun.Result(0, 42, faults, Map.of(FaultKind.DELAY, "no netem here"), Map.of(), List.of("a note"),
        checks, HistoryChecker.verdict(checks), 321, 5_000, Timeline.of(history), Path.of("history.jsonl"), 3, 0, 1,
        null);
  }

  @Test
  void textAndHtmlShowTheRunTheFaultsAndTheLostWrite() {
    ChaosRun.Result r = result();
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    ChaosReport.Context ctx = new ChaosReport.Context("./tide lab chaos --seed 42", MachineInfo.read(), "3 nodes", 0);
    String text = ChaosReport.text(ctx, List.of(r));
    assertThat(text).contains("lost writes").contains("invalid").contains("fault delay: no netem here")
        .contains("lost-write");
    String html = ChaosReport.html(ctx, List.of(r));
    assertThat(html).contains("<svg").contains("kill-leader").contains("partition [0] | [1, 2]")
        .contains("lost value 2").contains("#1 p0 write k 2");
    // two fault windows shaded on each of the two timeline charts
    assertThat(html.split("fill-opacity=\"0.18\"", -1).length - 1).isEqualTo(4);
  }

  @Test
  void timelineCountsOutcomesPerSecond() {
    Timeline t = result().timeline();
    assertThat(t.seconds()).hasSize(4);
    assertThat(t.seconds().get(0).ok()).isEqualTo(1);
    assertThat(t.seconds().get(2).ok()).isEqualTo(1); // completed at 2 s
    assertThat(t.seconds().get(3).unknown()).isEqualTo(1);
    assertThat(t.seconds().get(1).ok()).isZero();
    assertThat(t.seconds().get(1).p99Ms()).isNaN();
  }
}
