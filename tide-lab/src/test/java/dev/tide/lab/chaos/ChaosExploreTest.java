package dev.tide.lab.chaos;

import dev.tide.lab.chaos.cluster.NodeCommand;
import dev.tide.lab.chaos.nemesis.FaultKind;
import dev.tide.lab.chaos.nemesis.Schedule;
import dev.tide.lab.check.HistoryChecker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Manual exploration: mvn ... -Dtest=ChaosExploreTest -Dchaos.explore=process */
@EnabledIfSystemProperty(named = "chaos.explore", matches = ".+")
class ChaosExploreTest {

  @Test
  void explore() throws Exception {
    String faults = System.getProperty("chaos.explore");
    long seconds = Long.parseLong(System.getProperty("chaos.seconds", "30"));
    Path dir = Files.createTempDirectory("chaos-explore");
    List<FaultKind> kinds = FaultKind.parseList(faults);
    ChaosRun.Options o = new ChaosRun.Options(3, 4, 3, null, kinds, Schedule.Timing.standard(), seconds * 1000,
        ChaosRun.Options.ALL_WORKLOADS, 2, 0, 10, 2_000, ChaosRun.wantsNetns(kinds), ChaosRun.wantsLoopDisks(kinds),
        NodeCommand.fromClassPath(System.getProperty("java.class.path")), 60_000, 60_000);
    ChaosRun.Result r = ChaosRun.run(o, 0, Long.parseLong(System.getProperty("chaos.seed", "1")), dir,
        s -> System.out.println("chaos: " + s));
    System.out.println("verdict " + r.verdict() + " ops " + r.ops() + " ok " + r.ok() + " fail " + r.fail() + " unknown "
        + r.unknown() + " recovery " + r.recoveryMs() + " failure " + r.failure());
    System.out.println(HistoryChecker.describe(r.checks()));
    System.out.println("dir " + dir);
  }
}
