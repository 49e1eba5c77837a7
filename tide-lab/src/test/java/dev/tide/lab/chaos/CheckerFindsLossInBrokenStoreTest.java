package dev.tide.lab.chaos;

import dev.tide.lab.chaos.client.Router;
import dev.tide.lab.chaos.client.Session;
import dev.tide.lab.chaos.workload.Recorder;
import dev.tide.lab.chaos.workload.WorkloadRunner;
import dev.tide.lab.check.Anomaly;
import dev.tide.lab.check.Budget;
import dev.tide.lab.check.CheckResult;
import dev.tide.lab.check.HistoryChecker;
import dev.tide.lab.check.Op;
import dev.tide.lab.check.Verdict;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.targets.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The checkers on a store that loses acknowledged writes for real: a single-node, in-memory
 * Tide process (no persistence, by design) killed with SIGKILL in the middle of the workloads
 * and started again on the same port, empty. Every acknowledged write from before the kill is
 * gone, and the checkers must say so — by value, for registers, lists, counters and the bank.
 *
 * <p>Why this broken store rather than a test-only "acknowledge before commit" switch in the
 * cluster: it needs no code in the product that exists only to be wrong, it runs the same binary
 * and the same kill -9 as the chaos runs, and its loss is certain (so the test cannot pass by
 * luck), while the cluster's own paths are exercised by the chaos runs themselves.
 */
class CheckerFindsLossInBrokenStoreTest {

  @Test
  void killingAnInMemoryNodeLosesAcknowledgedWritesAndEveryCheckerSaysWhich(@TempDir Path dir) throws Exception {
    int port = Processes.freePort();
    List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.tide.cli.TideCli", "server",
        "--port", Integer.toString(port));
    Process node = start(cmd, dir, port);
    try (ClientIo io = new ClientIo(1); Recorder rec = new Recorder(System::nanoTime, null)) {
      Router router = Router.single("127.0.0.1:" + port);
      WorkloadRunner runner = new WorkloadRunner(WorkloadsOnSingleServersTest.workloads("b"),
          () -> new Session(io, TargetGuard.LOOPBACK_ONLY, router, TimeUnit.SECONDS.toNanos(2)), rec,
          new WorkloadRunner.Config(2, 0, 3, 3));
      assertThat(runner.setup()).isEmpty();
      runner.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> rec.history().size() >= 800);
      node.destroyForcibly(); // SIGKILL: everything in memory is gone
      node.waitFor(30, TimeUnit.SECONDS);
      // Clients stop while the node is down (their operations fail or stay unknown), so that the
      // first thing the empty node answers is a final read: a write after the restart could
      // otherwise overwrite a lost register value before anyone read it, and hide the loss.
      runner.stop();
      node = start(cmd, dir, port);
      runner.finalReads();
      List<Op> history = rec.history();
      Map<String, CheckResult> results = HistoryChecker.check(history, Budget.ofMillis(60_000));
      String report = HistoryChecker.describe(results);
      assertThat(HistoryChecker.verdict(results)).as(report).isEqualTo(Verdict.INVALID);
      for (String w : List.of("register", "list", "counter")) {
        CheckResult r = results.get(w);
        assertThat(r.verdict()).as(w + "\n" + report).isEqualTo(Verdict.INVALID);
        assertThat(r.lostWriteCount()).as(w + " lost writes\n" + report).isPositive();
        Anomaly lost = r.anomalies().stream().filter(Anomaly::isLostWrite).findFirst().orElseThrow();
        assertThat(lost.around()).as("operations around a lost write").isNotEmpty();
      }
      // The bank's accounts vanished with the node: reads afterwards miss them or sum wrong.
      assertThat(results.get("bank").verdict()).as(report).isEqualTo(Verdict.INVALID);
    } finally {
      node.destroyForcibly();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process start(List<String> cmd, Path dir, int port) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile())).start();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      assertThat(p.isAlive()).as("node exited").isTrue();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    });
    return p;
  }
}
