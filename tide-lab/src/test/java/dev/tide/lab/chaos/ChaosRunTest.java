package dev.tide.lab.chaos;

import dev.tide.lab.chaos.cluster.NetworkNamespaces;
import dev.tide.lab.chaos.cluster.NodeCommand;
import dev.tide.lab.chaos.cluster.Sh;
import dev.tide.lab.chaos.nemesis.FaultKind;
import dev.tide.lab.chaos.nemesis.Schedule;
import dev.tide.lab.check.CheckResult;
import dev.tide.lab.check.HistoryChecker;
import dev.tide.lab.check.HistoryFile;
import dev.tide.lab.check.Verdict;
import dev.tide.lab.report.ChaosReport;
import dev.tide.lab.report.MachineInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos run of {@code ./tide test}: a 3-node Tide cluster of real processes, a fixed seed,
 * one minute of faults limited to what a 2-core CI machine does reliably — kill -9 of leaders and
 * of random nodes, SIGSTOP/SIGCONT, clean restarts, and, when the test runs as root, partitions,
 * an isolated leader, a bridge and packet loss between network namespaces. Then heal, recover,
 * read everything, check: zero anomalies, zero lost acknowledged writes. A failure prints the
 * checker's report, and the history stays in the test's directory.
 */
class ChaosRunTest {

  static final long SEED = 20_261_123L;

  @Test
  void aShortChaosRunFindsNoAnomalyAndLosesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
    List<FaultKind> faults = new ArrayList<>(List.of(FaultKind.KILL_LEADER, FaultKind.KILL_RANDOM, FaultKind.PAUSE,
        FaultKind.RESTART));
    boolean netns = NetworkNamespaces.unavailableReason() == null;
    if (netns) {
      faults.addAll(List.of(FaultKind.PARTITION, FaultKind.ISOLATE_LEADER, FaultKind.BRIDGE, FaultKind.LOSS));
    }
    ChaosRun.Options o = new ChaosRun.Options(3, 4, 3, null, faults, Schedule.Timing.standard(), 60_000,
        ChaosRun.Options.ALL_WORKLOADS, 2, 0, 10, 2_000, netns, false,
        NodeCommand.fromClassPath(System.getProperty("java.class.path")), 120_000, 120_000);
    List<String> log = new ArrayList<>();
    ChaosRun.Result r = ChaosRun.run(o, 0, SEED, dir, line -> {
      log.add(line);
      System.out.println("chaos: " + line);
    });
    String report = ChaosReport.text(new ChaosReport.Context("ChaosRunTest", MachineInfo.read(), "test", 0),
        List.of(r)) + "\n" + HistoryChecker.describe(r.checks());

    assertThat(r.failure()).as(report).isNull();
    assertThat(r.faults()).as("faults injected").isNotEmpty();
    assertThat(r.recoveryMs()).as("recovered after healing").isNotNegative();
    assertThat(r.anomalies()).as(report).isZero();
    assertThat(r.lostWrites()).as(report).isZero();
    assertThat(r.verdict()).as(report).isEqualTo(Verdict.VALID);
    for (CheckResult c : r.checks().values()) {
      if (c.verdict() != Verdict.SKIPPED) {
        assertThat(c.ok()).as(c.workload() + " ran").isGreaterThan(100);
      }
    }
    // The history on disk is what was checked.
    assertThat(HistoryFile.read(r.historyFile())).hasSize((int) r.ops());
    // Nothing left behind: no namespace of this process, no data directory.
    assertThat(Sh.run("ip", "netns", "list").output()).doesNotContain("-" + ProcessHandle.current().pid() + "-");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("data-"));
    }
  }
}
