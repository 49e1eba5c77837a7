package dev.tide.lab.targets;

import dev.tide.lab.driver.ClusterDriver;
import dev.tide.lab.driver.Driver;
import dev.tide.lab.harness.BenchPlan;
import dev.tide.lab.harness.Benchmark;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The harness against real servers: Debian's redis-server for every data-type workload, a
 * 3-master Redis Cluster made with redis-cli --cluster create (slot-aware routing means no
 * redirects), Tide in-process in closed loop, and the request-count bound.
 */
class RealTargetsTest {

  static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

  static WorkloadSpec workload(WorkloadSpec.Type type) {
    return new WorkloadSpec(type, 0.7, 200, KeyChooser.parse("zipf:0.9", 200), ValueSizer.parse("uniform:8-64"), 8, 3);
  }

  static BenchPlan plan(WorkloadSpec w, RunConfig run, int subscribers) {
    return new BenchPlan("t", List.of("redis"), null, w, run, 2, 1, 0, true, subscribers, 3,
        TargetGuard.LOOPBACK_ONLY, Path.of("."), Path.of("unused"), "test");
  }

  @ParameterizedTest
  @EnumSource(value = WorkloadSpec.Type.class, names = {"HASH", "LIST", "ZSET"})
  void everyDataTypeWorkloadRunsCleanAgainstRedis(WorkloadSpec.Type type) throws Exception {
    assumeTrue(Processes.findBinary("redis-server") != null, "redis-server not installed");
    WorkloadSpec w = workload(type);
    RunConfig run = RunConfig.openLoop(new RateProfile.Constant(500), TimeUnit.SECONDS.toNanos(1), 1_000_000);
    try (RedisTarget redis = RedisTarget.start(); ClientIo io = new ClientIo(1)) {
      RunResult r = new Benchmark(plan(w, run, 0), new PrintStream(new ByteArrayOutputStream()), Progress.NONE)
          .measure(redis, io, "redis");
      assertThat(r.errorCounts()).as("errors of " + type).isEmpty();
      assertThat(r.ok()).isEqualTo(500);
    }
  }

  @Test
  void pubSubFanOutDeliversEveryMessageToEverySubscriber() throws Exception {
    assumeTrue(Processes.findBinary("redis-server") != null, "redis-server not installed");
    WorkloadSpec w = workload(WorkloadSpec.Type.PUBSUB);
    RunConfig run = RunConfig.openLoop(new RateProfile.Constant(300), TimeUnit.SECONDS.toNanos(1), 1_000_000);
    try (RedisTarget redis = RedisTarget.start(); ClientIo io = new ClientIo(1)) {
      RunResult r = new Benchmark(plan(w, run, 3), new PrintStream(new ByteArrayOutputStream()), Progress.NONE)
          .measure(redis, io, "redis");
      assertThat(r.errors()).isZero();
      assertThat(r.ok()).isEqualTo(300);
      // every PUBLISH reached all 3 subscribers (the run waits for replies; deliveries come first)
      assertThat(r.delivered()).isEqualTo(3 * 300);
      assertThat(r.delivery().getTotalCount()).isEqualTo(3 * 300);
    }
  }

  @Test
  void redisClusterIsRoutedBySlotWithoutRedirects() throws Exception {
    assumeTrue(Processes.findBinary("redis-server") != null && Processes.findBinary("redis-cli") != null,
        "redis-server/redis-cli not installed");
    WorkloadSpec w = workload(WorkloadSpec.Type.GET_SET);
    try (RedisClusterTarget cluster = RedisClusterTarget.start(3); ClientIo io = new ClientIo(1);
         Driver d = cluster.connect(io, TargetGuard.LOOPBACK_ONLY, 2, TIMEOUT_NS)) {
      assertThat(d).isInstanceOf(ClusterDriver.class);
      assertThat(((ClusterDriver) d).nodeCount()).isEqualTo(3);
      RunResult r = new LoadRunner(d, w, RunConfig.openLoop(new RateProfile.Constant(1_000),
          TimeUnit.SECONDS.toNanos(1), 1_000_000), "redis-cluster", Progress.NONE).run();
      assertThat(r.errorCounts()).isEmpty();
      assertThat(r.retries()).isZero();
      assertThat(r.ok()).isEqualTo(1_000);
      assertThat(cluster.description()).contains("3 masters");
    }
  }

  @Test
  void closedLoopStopsAtTheRequestCountBeforeTheDuration() throws Exception {
    WorkloadSpec w = workload(WorkloadSpec.Type.GET_SET);
    try (TideTarget tide = TideTarget.startInProcess(); ClientIo io = new ClientIo(1);
         Driver d = tide.connect(io, TargetGuard.LOOPBACK_ONLY, 4, TIMEOUT_NS)) {
      long started = System.nanoTime();
      RunResult r = new LoadRunner(d, w, RunConfig.closedLoop(8, TimeUnit.SECONDS.toNanos(60), 20_000), "tide",
          Progress.NONE).run();
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(50);
      assertThat(r.issued()).isEqualTo(20_000);
      assertThat(r.ok()).isEqualTo(20_000);
      assertThat(r.errors()).isZero();
    }
  }

  @Test
  void openLoopStopsAtTheDurationWhenTheCountIsLarger() throws Exception {
    WorkloadSpec w = workload(WorkloadSpec.Type.GET_SET);
    try (TideTarget tide = TideTarget.startInProcess(); ClientIo io = new ClientIo(1);
         Driver d = tide.connect(io, TargetGuard.LOOPBACK_ONLY, 2, TIMEOUT_NS)) {
      RunResult r = new LoadRunner(d, w, RunConfig.openLoop(new RateProfile.Constant(1_000),
          TimeUnit.SECONDS.toNanos(1), 1_000_000_000L), "tide", Progress.NONE).run();
      assertThat(r.issued()).isEqualTo(1_000);
      assertThat(r.ok()).isEqualTo(1_000);
    }
  }
}
