package dev.tide.lab.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JFR recording ({@code settings=default}: method samples every 20 ms; {@code profile}'s 10 ms
 * sampling of ~250 threads in each of three JVMs on two cores stalled the cluster) on server
 * JVMs by PID, started and stopped with {@code jcmd} from this JDK, summarised with
 * {@code jfr view hot-methods}. The {@code .jfr} files stay in the result directory for JDK Mission
 * Control or {@code jfr print}.
 */
final class Jfr {

  /** Time each jcmd/jfr call may take. */
  static final long TOOL_TIMEOUT_MS = 60_000;
  static final String RECORDING = "tide-lab";

  private final List<Long> pids;
  private final Path dir;
  private final PrintStream log;

  private Jfr(List<Long> pids, Path dir, PrintStream log) {
    this.pids = pids;
    this.dir = dir;
    this.log = log;
  }

  /** Starts a recording on each JVM; failures are logged, not thrown (profiling is an extra). */
  static Jfr start(List<Long> pids, Path dir, PrintStream log) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      log.println("cluster: cannot create " + dir + ": " + e.getMessage());
    }
    List<Long> started = new ArrayList<>();
    for (long pid : pids) {
      String out = tool(List.of(jdkTool("jcmd"), Long.toString(pid), "JFR.start", "name=" + RECORDING,
          "settings=default", "filename=" + file(dir, pid)));
      if (out.contains("Started recording")) {
        started.add(pid);
      } else {
        log.println("cluster: JFR did not start on pid " + pid + ": " + out.strip());
      }
    }
    return new Jfr(started, dir, log);
  }

  private static Path file(Path dir, long pid) {
    return dir.resolve("node-" + pid + ".jfr");
  }

  /** Stops the recordings (writing the files) and returns the hot methods of each JVM. */
  String stopAndSummarise() {
    StringBuilder sb = new StringBuilder();
    for (long pid : pids) {
      tool(List.of(jdkTool("jcmd"), Long.toString(pid), "JFR.stop", "name=" + RECORDING));
      Path f = file(dir, pid);
      String view = tool(List.of(jdkTool("jfr"), "view", "--width", "160", "hot-methods", f.toString()));
      sb.append("== pid ").append(pid).append(" (").append(f.getFileName()).append(") ==\n").append(view.strip())
          .append("\n\n");
    }
    try {
      Files.writeString(dir.resolve("hot-methods.txt"), sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.println("cluster: cannot write the profile summary: " + e.getMessage());
    }
    return sb.toString();
  }

  private static String jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  /** Runs a JDK tool, returns its output (or the reason it failed). */
  private static String tool(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TOOL_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return cmd.get(0) + " timed out";
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "cannot run " + cmd.get(0) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
