package dev.tide.lab.run;

import dev.tide.lab.driver.RespDriver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.schedule.RateProfile;
import dev.tide.lab.testing.FakeRespServer;
import dev.tide.lab.workload.KeyChooser;
import dev.tide.lab.workload.ValueSizer;
import dev.tide.lab.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A target that never answers: the run still stops by itself, within its duration plus two
 * request timeouts and a second, and every request it was scheduled to send is an error
 * (timed out, or never sent because the in-flight limit held the schedule back).
 */
class UnresponsiveTargetTest {

  @Test
  void aRunAgainstASilentServerEndsInBoundedTimeAndCountsEveryRequestAsAnError() throws Exception {
    WorkloadSpec w = new WorkloadSpec(WorkloadSpec.Type.GET_SET, 0.5, 10, KeyChooser.parse("uniform", 10),
        ValueSizer.parse("8"), 1, 1);
    long timeoutNs = TimeUnit.SECONDS.toNanos(1);
    RunConfig config = new RunConfig(true, new RateProfile.Constant(500), TimeUnit.SECONDS.toNanos(1), 1_000_000, 1,
        50, timeoutNs);
    try (FakeRespServer server = FakeRespServer.ok(); ClientIo io = new ClientIo(1);
         RespDriver driver = new RespDriver(io, TargetGuard.LOOPBACK_ONLY, "127.0.0.1", server.port(), 1, timeoutNs)) {
      server.stallBetween(0, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
      long started = System.nanoTime();
      RunResult r = new LoadRunner(driver, w, config, "silent", Progress.NONE).run();
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(tookMs).isLessThan(1_000 + 2 * 1_000 + 1_000 + 2_000); // + 2 s of slack for a slow machine
      assertThat(r.ok()).isZero();
      assertThat(r.scheduled()).isEqualTo(500);
      assertThat(r.errors()).isEqualTo(500);
      assertThat(r.errorCounts().keySet()).anyMatch(e -> e.startsWith("timeout: no reply"));
    }
  }
}
