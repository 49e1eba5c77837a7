package dev.tide.lab.chaos.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start a Tide node process: the same JVM flags as the launcher gives {@code tide
 * server}, and a class path — the built CLI jar (what a user runs) or, in tests, the test class
 * path, which holds tide-cli and tide-cluster.
 */
public final class NodeCommand {

  private final String classPath;
  private final List<String> jvmFlags;

  private NodeCommand(String classPath, List<String> jvmFlags) {
    this.classPath = classPath;
    this.jvmFlags = List.copyOf(jvmFlags);
  }

  /**
   * Heap per node: 3 nodes and the harness share a small machine; the chaos data set is a few MB.
   * G1 with a small young generation (the launcher's lean mode) keeps each JVM's footprint low, and C1 only
   * (TieredStopAtLevel=1) keeps the JIT from taking the cores the faults and clients need.
   */
  static final List<String> FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "-Xss512k",
      "-XX:+ExitOnOutOfMemoryError", "-XX:+UseG1GC", "-Xms64m", "-Xmx384m", "-XX:MaxNewSize=32m",
      "-XX:TieredStopAtLevel=1");

  /** From the CLI jar built under {@code root} (tide-cli/target); fails with what to run when it is missing. */
  public static NodeCommand fromCliJar(Path root) {
    Path jar = root.resolve("tide-cli/target/tide-cli-0.1.0-SNAPSHOT.jar");
    Path lib = root.resolve("tide-cli/target/lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new IllegalStateException("tide-cli is not built under " + root + " (run ./tide once to build it)");
    }
    return new NodeCommand(jar + ":" + lib + "/*", FLAGS);
  }

  /** From a class path that holds dev.tide.cli.TideCli (the test class path). */
  public static NodeCommand fromClassPath(String classPath) {
    return new NodeCommand(classPath, FLAGS);
  }

  /** The full command for {@code tide <args>}. */
  public List<String> command(List<String> tideArgs) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add("dev.tide.cli.TideCli");
    cmd.addAll(tideArgs);
    return cmd;
  }
}
