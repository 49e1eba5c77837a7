package dev.tide.lab.run;

import dev.tide.lab.driver.RespDriver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.schedule.RateProfile;
import dev.tide.lab.testing.FakeRespServer;
import dev.tide.lab.workload.KeyChooser;
import dev.tide.lab.workload.ValueSizer;
import dev.tide.lab.workload.WorkloadSpec;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The coordinated-omission test. A server stops answering for 1 s in the middle of a run. An
 * open-loop generator keeps scheduling requests during the stall, and each of them is charged
 * from its intended start: the one scheduled at the start of the stall waits ~1 s, the one at
 * its end ~0 s, so their median is ~0.5 s, the maximum ~1 s. A generator with coordinated
 * omission would schedule (almost) none in the stall and report one slow request.
 */
class CoordinatedOmissionTest {

  static final double RATE = 1_000;
  static final long STALL_MS = 1_000;

  record Sample(long intendedNs, long completedNs) {
  }

  @Test
  void requestsScheduledDuringAOneSecondStallShowUpToOneSecondOfLatency() throws Exception {
    WorkloadSpec w = new WorkloadSpec(WorkloadSpec.Type.GET_SET, 0.5, 100, KeyChooser.parse("uniform", 100),
        ValueSizer.parse("16"), 1, 5);
    List<Sample> samples = new ArrayList<>();
    long[] stall = new long[2];
    try (FakeRespServer server = FakeRespServer.ok(); ClientIo io = new ClientIo(1);
         RespDriver driver = new RespDriver(io, TargetGuard.LOOPBACK_ONLY, "127.0.0.1", server.port(), 2,
             TimeUnit.SECONDS.toNanos(10))) {
      LoadRunner runner = new LoadRunner(driver, w, RunConfig.openLoop(new RateProfile.Constant(RATE),
          TimeUnit.SECONDS.toNanos(3), 1_000_000), "stall", Progress.NONE)
          .listener((intended, done, err) -> {
            synchronized (samples) {
              samples.add(new Sample(intended, done));
              // One second into the run (by intended time), the server stalls for one second.
              if (stall[0] == 0 && samples.size() == 1) {
                stall[0] = intended + TimeUnit.SECONDS.toNanos(1);
                stall[1] = stall[0] + TimeUnit.MILLISECONDS.toNanos(STALL_MS);
                server.stallBetween(stall[0], stall[1]);
              }
            }
          });
      RunResult r = runner.run();

      assertThat(r.errors()).isZero();
      assertThat(r.maxMs()).isGreaterThanOrEqualTo(900);
      Histogram inStall = new Histogram(3);
      long scheduledInStall = 0;
      for (Sample s : samples) {
        if (s.intendedNs >= stall[0] && s.intendedNs < stall[1]) {
          scheduledInStall++;
          inStall.recordValue(s.completedNs - s.intendedNs);
          // Nothing is answered before the stall ends, and latency counts from the intended start.
          assertThat(s.completedNs).isGreaterThanOrEqualTo(stall[1]);
        }
      }
      // The schedule did not pause with the server: ~1,000 requests were due during the stall.
      assertThat((double) scheduledInStall).isCloseTo(RATE * STALL_MS / 1000, within(RATE * STALL_MS / 1000 * 0.05));
      // Their latencies spread from ~1 s down to ~0: median ~0.5 s.
      assertThat(inStall.getValueAtPercentile(50) / 1e6).isGreaterThanOrEqualTo(400);
      assertThat(inStall.getMaxValue() / 1e6).isGreaterThanOrEqualTo(900);
      // A third of the run was stalled, so the run's p99 is in the stall too.
      assertThat(r.percentileMs(99)).isGreaterThanOrEqualTo(800);
    }
  }
}
