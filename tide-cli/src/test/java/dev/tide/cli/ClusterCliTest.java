package dev.tide.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Cluster-mode operator mistakes on the command line exit with code 2 and a message saying what to fix. */
class ClusterCliTest {

  @TempDir
  Path dir;

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
  void bootstrapAndJoinTogetherAreRefused() {
    Result r = run("server", "--port", "7101", "--node-id", "n1", "--data-dir", dir.toString(), "--bus-port", "17101",
        "--bootstrap", "127.0.0.1:7101@17101", "--join", "127.0.0.1:17102");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--bootstrap and --join cannot be used together").contains("give only one");
  }

  @Test
  void aJoinAddressThatIsNotHostAndPortIsRefused() {
    Result r = run("server", "--port", "7101", "--node-id", "n1", "--data-dir", dir.toString(), "--bus-port", "17101",
        "--join", "somewhere");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("bad --join address 'somewhere'").contains("HOST:BUS");
  }

  @Test
  void clusterModeWithoutDataDirSaysWhatIsMissing() {
    Result r = run("server", "--port", "7101", "--node-id", "n1", "--join", "127.0.0.1:17102");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--data-dir").contains("--bus-port");
  }

  @Test
  void aClientPortInUseIsRefusedNamingThePortAndTheOption() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = busy.getLocalPort();
      Result r = run("server", "--port", Integer.toString(port));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("port " + port + " on 127.0.0.1 (--port) is already in use")
          .contains("choose another --port");
    }
  }
}
