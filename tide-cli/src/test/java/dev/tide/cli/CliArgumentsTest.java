package dev.tide.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad command-line input exits with code 2 and one line naming the option; help lists options. */
class CliArgumentsTest {

  private record Result(int code, String out, String err) {
  }

  private static Result run(String... args) {
    CommandLine cli = TideCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void nonNumericPortIsRejectedNamingTheOption() {
    Result r = run("server", "--port", "abc");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--port").contains("abc");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void outOfRangePortIsRejected() {
    Result r = run("server", "--port", "70000");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--port must be between 0 and 65535");
  }

  @Test
  void unknownPolicyListsTheValidOnes() {
    Result r = run("server", "--maxmemory-policy", "sometimes");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("maxmemory-policy").contains("allkeys-lru").contains("sometimes");
  }

  @Test
  void badMemorySizeIsRejected() {
    Result r = run("server", "--maxmemory", "lots");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--maxmemory").contains("lots");
  }

  @Test
  void unknownOptionIsRejected() {
    Result r = run("server", "--no-such-option");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--no-such-option");
  }

  @Test
  void missingConfigFileIsRejected() {
    Result r = run("server", "--config", "/nonexistent/tide.conf");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--config").contains("/nonexistent/tide.conf");
  }

  @Test
  void unknownDurabilityModeIsRejectedNamingTheValidOnes() {
    Result r = run("server", "--node-id", "n1", "--data-dir", System.getProperty("java.io.tmpdir") + "/tide-cli-test",
        "--port", "7101", "--bus-port", "17101", "--bootstrap", "127.0.0.1:7101@17101", "--durability", "sometimes");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--durability must be fsync or replicated, got 'sometimes'");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void serverHelpListsEveryOption() {
    Result r = run("server", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--port", "--bind", "--maxmemory", "--maxmemory-policy", "--requirepass",
        "--metrics-port", "--config", "--capacity-ops", "--durability");
  }

  @Test
  void negativeCapacityIsRejectedNamingTheSetting() {
    Result r = run("server", "--capacity-ops", "-5");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("capacity-ops").contains("-5");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void topLevelHelpListsCommands() {
    Result r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("server", "up", "status");
  }

  @Test
  void upRefusesMoreReplicasThanNodesBeforeStartingAnything() {
    Result r = run("up", "--nodes", "2", "--replicas", "3", "--data-dir", "/nonexistent/tide-up");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--replicas 3 is more than --nodes 2");
  }

  @Test
  void upRefusesABadHeapSize() {
    Result r = run("up", "--node-heap", "lots", "--data-dir", "/nonexistent/tide-up");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--node-heap must be a Java heap size like 512m or 2g, got 'lots'");
  }

  @Test
  void upHelpListsItsOptions() {
    Result r = run("up", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--nodes", "--partitions", "--replicas", "--base-port", "--fresh", "--data-dir",
        "--metrics-base-port", "--node-heap");
  }

  @Test
  void statusWithoutALocalClusterSaysHowToStartOne() {
    Result r = run("status", "--data-dir", "/nonexistent/tide-status");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no local cluster in /nonexistent/tide-status (start one with ./tide up");
  }
}
