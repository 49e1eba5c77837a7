package dev.tide.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench cluster} and {@code bench failover} options: defaults, --quick, and bad values
 * refused with exit code 2 before anything starts. Only --dry-run is executed here: the
 * benchmarks themselves are not run by tests.
 */
class ClusterCliTest {

  private static LabCliTest.Outcome run(String... args) {
    return LabCliTest.run(args);
  }

  @Test
  void defaultsAreTheDocumentedLoad() {
    LabCliTest.Outcome o = run("cluster", "--dry-run");
    assertThat(o.code()).isZero();
    assertThat(o.out()).contains("targets: tide-cluster, redis-cluster, etcd")
        .contains("64 clients (connections per node, one request outstanding each)")
        .contains("10000 keys, 100-byte values; warm-up 10 s or more, until throughput is stable; each phase 20 s")
        .doesNotContain("failover:");
  }

  @Test
  void quickShortensPhasesAndKillsButExplicitValuesWin() {
    assertThat(run("cluster", "--quick", "--dry-run").out()).contains("warm-up 3 s or more, until throughput is stable; each phase 5 s");
    assertThat(run("cluster", "--quick", "--seconds", "8", "--dry-run").out()).contains("warm-up 3 s or more, until throughput is stable; each phase 8 s");
    assertThat(run("cluster", "--quick", "--failover", "--dry-run").out()).contains("failover: 5 kill -9");
    assertThat(run("cluster", "--failover", "--kills", "30", "--dry-run").out()).contains("failover: 30 kill -9");
    assertThat(run("failover", "--dry-run").out()).contains("failover: 20 kill -9");
    assertThat(run("failover", "--quick", "--dry-run").out()).contains("failover: 5 kill -9");
  }

  @Test
  void targetsCanBeASubsetInAnyOrder() {
    LabCliTest.Outcome o = run("cluster", "--targets", "etcd,tide-cluster", "--dry-run");
    assertThat(o.code()).isZero();
    assertThat(o.out()).contains("targets: etcd, tide-cluster");
  }

  @Test
  void badValuesExitWithCodeTwoNamingTheOption(@TempDir Path results) throws Exception {
    String r = results.toString();
    LabCliTest.Outcome seconds = run("cluster", "--seconds", "0", "--results", r);
    assertThat(seconds.code()).isEqualTo(2);
    assertThat(seconds.err()).contains("--seconds");
    LabCliTest.Outcome target = run("cluster", "--targets", "tide-cluster,mongo", "--results", r);
    assertThat(target.code()).isEqualTo(2);
    assertThat(target.err()).contains("unknown target 'mongo'");
    assertThat(run("cluster", "--targets", "etcd,etcd", "--results", r).err()).contains("twice");
    assertThat(run("cluster", "--clients", "0", "--results", r).err()).contains("--clients");
    assertThat(run("cluster", "--kills", "3", "--results", r).err()).contains("--kills needs --failover");
    assertThat(run("cluster", "--failover", "--kills", "0", "--results", r).err()).contains("--kills");
    assertThat(run("failover", "--kills", "0", "--results", r).code()).isEqualTo(2);
    assertThat(run("failover", "--write-timeout-ms", "1", "--results", r).err()).contains("--write-timeout-ms");
    try (var files = Files.list(results)) {
      assertThat(files).isEmpty(); // nothing ran
    }
  }
}
