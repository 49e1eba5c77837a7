package dev.tide.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ./tide launcher script, run as a user would. */
class LauncherTest {

  private static Path launcher() {
    Path p = Path.of("..", "tide").toAbsolutePath().normalize();
    assertThat(p).exists();
    return p;
  }

  @Test
  void withoutASuitableJdkItExitsNonZeroWithOneLineSayingWhatToInstall() throws Exception {
    Path empty = Files.createTempDirectory("no-jdks");
    try {
      ProcessBuilder pb = new ProcessBuilder("bash", launcher().toString(), "--help").redirectErrorStream(true);
      pb.environment().remove("JAVA_HOME");
      pb.environment().put("TIDE_JDK_SEARCH", empty.toString());
      Process p = pb.start();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      assertThat(p.exitValue()).isNotZero();
      assertThat(out.lines()).hasSize(1);
      assertThat(out).contains("JDK 21").contains("install");
    } finally {
      Files.deleteIfExists(empty);
    }
  }

  @Test
  void benchHelpListsTheLabCommands() throws Exception {
    Process p = new ProcessBuilder("bash", launcher().toString(), "bench", "--help").redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).isZero();
    assertThat(out).contains("run [--target T]").contains("compare --targets tide,redis").contains("vs-redis")
        .contains("jmh");
  }

  @Test
  void labWithoutArgumentsPrintsChaosAndCheck() throws Exception {
    Process p = new ProcessBuilder("bash", launcher().toString(), "lab").redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).isZero();
    assertThat(out).contains("./tide lab chaos [--runs 1] [--seed S] [--minutes 1]").contains("./tide lab check FILE");
  }

  @Test
  void simWithoutArgumentsPrintsItsUsage() throws Exception {
    Process p = new ProcessBuilder("bash", launcher().toString(), "sim").redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).isZero();
    assertThat(out).contains("--trace diurnal|spike|ramp|flash-crowd|noisy|FILE.csv")
        .contains("--policies tide,hpa,keda,knative,aws");
  }
}
