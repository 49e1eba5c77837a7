package dev.tide.lab.targets;

import dev.tide.lab.driver.Driver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.run.LoadRunner;
import dev.tide.lab.run.Progress;
import dev.tide.lab.run.RunConfig;
import dev.tide.lab.run.RunResult;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.schedule.RateProfile;
import dev.tide.lab.workload.KeyChooser;
import dev.tide.lab.workload.ValueSizer;
import dev.tide.lab.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real 3-member etcd cluster (Debian etcd-server) driven through jetcd: puts and gets succeed. */
class EtcdTargetTest {

  @Test
  void threeMemberEtcdServesGetsAndPutsThroughGrpc() throws Exception {
    assumeTrue(Processes.findBinary("etcd") != null, "etcd not installed (./tide test installs etcd-server)");
    WorkloadSpec w = new WorkloadSpec(WorkloadSpec.Type.GET_SET, 0.5, 100, KeyChooser.parse("uniform", 100),
        ValueSizer.parse("50"), 1, 7);
    try (EtcdTarget etcd = EtcdTarget.start(); ClientIo io = new ClientIo(1);
         Driver d = etcd.connect(io, TargetGuard.LOOPBACK_ONLY, 2, TimeUnit.SECONDS.toNanos(10))) {
      RunResult r = new LoadRunner(d, w, RunConfig.openLoop(new RateProfile.Constant(200), TimeUnit.SECONDS.toNanos(2),
          400), "etcd", Progress.NONE).run();
      assertThat(r.errorCounts()).isEmpty();
      assertThat(r.ok()).isEqualTo(400);
      assertThat(r.driverKind()).isEqualTo("etcd");
    }
  }
}
