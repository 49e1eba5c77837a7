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
import static org.assertj.core.api.Assertions.within;

/**
 * The open-loop scheduler offers the rate it was asked for, within 2%: requests issued on time
 * over the run, requests issued per second in the middle of the run (by the time each was
 * actually handed to its connection), replies received. The target is a trivial in-process
 * server that is never the bottleneck, and the rate is modest (2,000/s) so that a loaded 2-core
 * machine keeps it: what is checked is the schedule. (Arrival times at the server were tried
 * too; on a machine with a load average of 14 the server's own threads lag by up to a second,
 * which measures the machine, not the scheduler.)
 */
class SchedulerRateTest {

  static final double RATE = 2_000;
  static final long DURATION_SEC = 5;
  /** The window counted at the server: seconds 1 to 4 of the run, away from its edges. */
  static final double WINDOW_FROM_SEC = 1;
  static final double WINDOW_TO_SEC = 4;

  @Test
  void openLoopKeepsTheRequestedRateWithinTwoPercent() throws Exception {
    WorkloadSpec w = new WorkloadSpec(WorkloadSpec.Type.GET_SET, 0.9, 1_000, KeyChooser.parse("uniform", 1_000),
        ValueSizer.parse("32"), 1, 3);
    try (FakeRespServer server = FakeRespServer.ok(); ClientIo io = new ClientIo(1);
         RespDriver driver = new RespDriver(io, TargetGuard.LOOPBACK_ONLY, "127.0.0.1", server.port(), 4,
             TimeUnit.SECONDS.toNanos(10))) {
      RunResult r = new LoadRunner(driver, w, RunConfig.openLoop(new RateProfile.Constant(RATE),
          TimeUnit.SECONDS.toNanos(DURATION_SEC), 1_000_000), "rate", Progress.NONE)
          .run();

      long expected = (long) (RATE * DURATION_SEC);
      assertThat(r.scheduled()).isEqualTo(expected);
      assertThat(r.errors()).isZero();
      // The generator issued its schedule on time and every request was answered.
      assertThat((double) r.issuedOnTime()).isCloseTo(expected, within(expected * 0.02));
      assertThat((double) r.ok()).isCloseTo(expected, within(expected * 0.02));
      assertThat(r.throughputOpsPerSec()).isCloseTo(RATE, within(RATE * 0.02));

      // Seconds 1..3 by the moment each request was actually handed to the connection: the
      // schedule was kept there too, not only on average (catch-up bursts would show here).
      long issuedInWindow = 0;
      for (IntervalStats s : r.intervals()) {
        if (s.second() >= WINDOW_FROM_SEC && s.second() < WINDOW_TO_SEC) {
          issuedInWindow += s.issued();
        }
      }
      double windowExpected = RATE * (WINDOW_TO_SEC - WINDOW_FROM_SEC);
      assertThat((double) issuedInWindow).isCloseTo(windowExpected, within(windowExpected * 0.02));
      // And every request issued reached the server.
      assertThat(server.commands()).isEqualTo(r.issued());
    }
  }
}
