package dev.tide.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench command line: refuses non-loopback targets and bad options with exit code 2 and one clear line. */
class LabCliTest {

  record Outcome(int code, String out, String err) {
  }

  static Outcome run(String... args) {
    CommandLine cli = LabCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void refusesATargetOutsideLoopbackBeforeSendingAnything(@TempDir Path tmp) throws Exception {
    Outcome o = run("run", "--target", "10.1.2.3:6379", "--duration", "1s", "--results", tmp.toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("refusing target 10.1.2.3:6379");
    try (var files = Files.list(tmp)) {
      assertThat(files).isEmpty(); // no report: nothing ran
    }
  }

  @Test
  void badOptionsExitWithCodeTwoNamingTheOption() {
    assertThat(run("run", "--duration", "2h").err()).contains("--duration");
    assertThat(run("run", "--duration", "2h").code()).isEqualTo(2);
    assertThat(run("run", "--key-dist", "gauss").err()).contains("unknown key distribution");
    assertThat(run("run", "--closed-loop", "--rate", "100").err()).contains("--closed-loop");
    assertThat(run("compare", "--targets", "tide,redis", "--baseline", "etcd").err()).contains("--baseline");
    assertThat(run("run", "--no-such-option").code()).isEqualTo(2);
  }

  @Test
  void helpListsTheMainOptions() {
    Outcome o = run("compare", "--help");
    assertThat(o.code()).isZero();
    assertThat(o.out()).contains("--targets").contains("--baseline").contains("--rate").contains("--profile")
        .contains("--closed-loop").contains("--duration").contains("--requests").contains("--allow-address");
  }
}
