package dev.tide.lab.chaos;

import dev.tide.lab.chaos.client.Router;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.chaos.workload.BankWorkload;
import dev.tide.lab.chaos.workload.CounterWorkload;
import dev.tide.lab.chaos.workload.ListAppendWorkload;
import dev.tide.lab.chaos.workload.Recorder;
import dev.tide.lab.chaos.workload.RegisterWorkload;
import dev.tide.lab.chaos.workload.Workload;
import dev.tide.lab.chaos.workload.WorkloadRunner;
import dev.tide.lab.check.Budget;
import dev.tide.lab.check.CheckResult;
import dev.tide.lab.check.HistoryChecker;
import dev.tide.lab.check.HistoryFile;
import dev.tide.lab.check.Op;
import dev.tide.lab.check.Verdict;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.targets.Processes;
import dev.tide.lab.targets.RedisTarget;
import dev.tide.lab.targets.Target;
import dev.tide.lab.targets.TideTarget;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The four workloads against servers without faults — Debian's redis-server (the reference) and
 * Tide single-node in the test's JVM: every check passes, every workload ran, transactions
 * (register compare-and-set, multi-key list transactions, bank transfers) were used, and the
 * history file holds what the checkers judged.
 */
class WorkloadsOnSingleServersTest {

  static List<Workload> workloads(String prefix) {
    return List.of(new RegisterWorkload(prefix, 3), new ListAppendWorkload(prefix), new CounterWorkload(prefix, 2),
        new BankWorkload(prefix));
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "tide"})
  void everyWorkloadRunsAndChecksCleanWithoutFaults(String server, @TempDir Path dir) throws Exception {
    if (server.equals("redis")) {
      assumeTrue(Processes.findBinary("redis-server") != null, "redis-server not installed");
    }
    try (Target target = server.equals("redis") ? RedisTarget.start() : TideTarget.startInProcess();
         ClientIo io = new ClientIo(1)) {
      Router router = Router.single("127.0.0.1:" + target.port());
      Path file = dir.resolve("history.jsonl");
      List<Op> history;
      try (Recorder rec = new Recorder(System::nanoTime, HistoryFile.create(file))) {
        WorkloadRunner runner = new WorkloadRunner(workloads("t"),
            () -> new Session(io, TargetGuard.LOOPBACK_ONLY, router, TimeUnit.SECONDS.toNanos(5)), rec,
            new WorkloadRunner.Config(2, 0, 2, 7));
        assertThat(runner.setup()).isEmpty();
        runner.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> rec.history().size() >= 1_500);
        runner.stop();
        runner.finalReads();
        assertThat(runner.clientErrors()).as(runner.firstClientError()).isZero();
        history = rec.history();
      }
      assertThat(HistoryFile.read(file)).isEqualTo(history);
      Map<String, CheckResult> results = HistoryChecker.check(history, Budget.ofMillis(60_000));
      assertThat(HistoryChecker.verdict(results)).as(HistoryChecker.describe(results)).isEqualTo(Verdict.VALID);
      for (CheckResult r : results.values()) {
        assertThat(r.verdict()).as(r.workload()).isEqualTo(Verdict.VALID);
        assertThat(r.ok()).as(r.workload()).isGreaterThan(50);
      }
      assertThat(history).anyMatch(o -> o.f().equals("cas") && o.ok());
      assertThat(history).anyMatch(o -> o.f().equals("transfer") && o.ok());
      assertThat(history).anyMatch(o -> o.f().equals("txn") && o.ok() && o.resultList().size() > 1);
    }
  }
}
