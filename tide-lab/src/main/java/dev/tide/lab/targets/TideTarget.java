package dev.tide.lab.targets;

import dev.tide.lab.driver.Driver;
import dev.tide.lab.driver.RespDriver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Tide node. As a process (the default when the CLI jar is built: its own JVM, as a user
 * runs it, so the load generator and the server do not share a heap or GC) or in-process (for
 * tests and when only the classes are there).
 */
public final class TideTarget implements Target {

  private final Process process;
  private final TideServer inProcess;
  private final Path dir;
  private final int port;
  private final String description;

  private TideTarget(Process process, TideServer inProcess, Path dir, int port, String description) {
    this.process = process;
    this.inProcess = inProcess;
    this.dir = dir;
    this.port = port;
    this.description = description;
  }

  /** The CLI jar under {@code root}, or null when it is not built. */
  static Path cliJar(Path root) {
    Path jar = root.resolve("tide-cli/target/tide-cli-0.1.0-SNAPSHOT.jar");
    return Files.isRegularFile(jar) && Files.isDirectory(root.resolve("tide-cli/target/lib")) ? jar : null;
  }

  public static TideTarget startProcess(Path root) {
    Path jar = cliJar(root);
    if (jar == null) {
      throw new IllegalStateException("tide-cli is not built under " + root + " (run ./tide once, or use tide-inprocess)");
    }
    Path dir = Processes.tempDir("lab-tide");
    int port = Processes.freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseZGC",
        "-Xss512k", "-XX:+ExitOnOutOfMemoryError"));
    if (Runtime.version().feature() < 23) {
      cmd.add("-XX:+ZGenerational");
    }
    cmd.addAll(List.of("-cp", jar + ":" + root.resolve("tide-cli/target/lib") + "/*", "dev.tide.cli.TideCli",
        "server", "--bind", "127.0.0.1", "--port", Integer.toString(port)));
    Process p = Processes.start(cmd, dir, "tide.log");
    try {
      Processes.awaitPort(p, port, "tide", dir.resolve("tide.log"));
    } catch (RuntimeException e) {
      Processes.stop(p);
      Processes.deleteTree(dir);
      throw e;
    }
    return new TideTarget(p, null, dir, port, "Tide 0.1.0 single node (process, JDK " + Runtime.version().feature()
        + ", ZGC), pid " + p.pid());
  }

  public static TideTarget startInProcess() {
    ServerConfig config = new ServerConfig();
    config.port = 0;
    config.bind = "127.0.0.1";
    config.conclude();
    TideServer server = new TideServer(config);
    try {
      server.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
      throw new IllegalStateException(e);
    }
    return new TideTarget(null, server, null, server.port(), "Tide 0.1.0 single node (in the lab's JVM)");
  }

  @Override
  public String name() {
    return "tide";
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Driver connect(ClientIo io, TargetGuard guard, int lanes, long timeoutNs) {
    return new RespDriver(io, guard, "127.0.0.1", port, lanes, timeoutNs);
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public List<Long> pids() {
    return process == null ? List.of() : List.of(process.pid());
  }

  @Override
  public void close() {
    if (inProcess != null) {
      inProcess.close();
    }
    Processes.stop(process);
    Processes.deleteTree(dir);
  }
}
