package dev.tide.lab;

import dev.tide.lab.check.HistoryFile;
import dev.tide.lab.check.Op;
import dev.tide.lab.check.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./tide lab}: bad options exit 2 naming the problem before anything starts; {@code check} judges a file. */
class ChaosCliTest {

  static int run(StringWriter err, String... args) {
    CommandLine cli = ChaosCli.commandLine();
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void badOptionsExitTwoNamingTheProblem() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "chaos", "--runs", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--runs");
    err = new StringWriter();
    assertThat(run(err, "chaos", "--faults", "kill-everything")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown fault 'kill-everything'");
    err = new StringWriter();
    assertThat(run(err, "chaos", "--minutes", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--minutes");
  }

  @Test
  void checkJudgesARecordedHistory(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.jsonl");
    HistoryFile.write(good, List.of(new Op(0, 0, "register", "write", "k", 1L, null, 0, 10, Outcome.OK, null),
        new Op(1, 1, "register", "read", "k", null, 1L, 20, 30, Outcome.OK, null)));
    Path bad = dir.resolve("bad.jsonl");
    HistoryFile.write(bad, List.of(new Op(0, 0, "register", "write", "k", 1L, null, 0, 10, Outcome.OK, null),
        new Op(1, 1, "register", "read", "k", null, null, 20, 30, Outcome.OK, null)));
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    try {
      assertThat(run(new StringWriter(), "check", good.toString())).isZero();
      assertThat(out.toString()).contains("verdict: valid");
      out.reset();
      assertThat(run(new StringWriter(), "check", bad.toString())).isEqualTo(1);
      assertThat(out.toString()).contains("verdict: invalid").contains("lost-write");
    } finally {
      System.setOut(old);
    }
    Path broken = dir.resolve("broken.jsonl");
    Files.writeString(broken, "{not json\n");
    StringWriter err = new StringWriter();
    assertThat(run(err, "check", broken.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("broken.jsonl:1");
  }
}
