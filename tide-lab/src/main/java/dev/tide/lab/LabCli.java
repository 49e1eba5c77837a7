package dev.tide.lab;

import dev.tide.lab.harness.BenchPlan;
import dev.tide.lab.harness.Benchmark;
import dev.tide.lab.run.Progress;
import dev.tide.lab.safety.TargetGuard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./tide bench run} and {@code ./tide bench compare}: the lab's command line. Both write
 * {@code results/<timestamp>-<name>/} and print the summary table; {@code compare} runs the
 * same workload against several targets in turn and adds ratios to a baseline. The cluster
 * benchmarks ({@code cluster}, {@code failover}) are in {@link ClusterCli}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "tide lab 0.1.0",
    description = "Tide's load generator: open-loop load, side-by-side reports.",
    subcommands = {LabCli.Run.class, LabCli.Compare.class, ClusterCli.Cluster.class, ClusterCli.Failover.class,
        CommandLine.HelpCommand.class})
public final class LabCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** One target. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run a workload against one target (started by the harness, or an address on loopback).")
  static final class Run implements Callable<Integer> {
    @Option(names = "--target", paramLabel = "TARGET",
        description = "tide (default), tide-inprocess, tide-cluster, redis, redis-cluster, etcd, HOST:PORT, cluster:HOST:PORT.")
    String target = "tide";

    @Mixin
    LoadOptions options;

    @Override
    public Integer call() throws Exception {
      BenchPlan plan = options.plan("run-" + target.replaceAll("[^A-Za-z0-9-]", "_"), List.of(target), null,
          command("run"));
      return execute(plan);
    }
  }

  /** Several targets, one after the other, same workload. */
  @Command(name = "compare", mixinStandardHelpOptions = true,
      description = "Run the same workload against several targets in turn and print a table with ratios to a baseline.")
  static final class Compare implements Callable<Integer> {
    @Option(names = "--targets", paramLabel = "T1,T2", split = ",", required = true,
        description = "Targets in order: tide, tide-inprocess, tide-cluster, redis, redis-cluster, etcd, HOST:PORT, cluster:HOST:PORT.")
    List<String> targets;

    @Option(names = "--baseline", paramLabel = "TARGET", description = "Target the ratios are taken against "
        + "(default: redis when it is a target, else the first).")
    String baseline;

    @Mixin
    LoadOptions options;

    @Override
    public Integer call() throws Exception {
      String base = baseline != null ? baseline : targets.contains("redis") ? "redis" : targets.get(0);
      BenchPlan plan = options.plan("compare-" + String.join("-", targets).replaceAll("[^A-Za-z0-9-]", "_"), targets,
          base, command("compare"));
      return execute(plan);
    }
  }

  private static String[] currentArgs = new String[0];

  static String command(String sub) {
    StringBuilder sb = new StringBuilder("./tide bench");
    for (String a : currentArgs) {
      sb.append(' ').append(a.matches("[A-Za-z0-9_.,:/=@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }

  static int execute(BenchPlan plan) throws InterruptedException {
    Benchmark bench = new Benchmark(plan, System.err, Progress.printing(System.err, isTerminal()));
    Path dir = bench.runAndReport();
    try {
      System.out.print(Files.readString(dir.resolve("summary.txt")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    System.out.println();
    System.out.println("report: " + dir.resolve("report.html"));
    boolean anyFailed = false;
    try {
      anyFailed = Files.readString(dir.resolve("result.json")).contains("\"failure\"");
    } catch (java.io.IOException e) {
      anyFailed = true;
    }
    return anyFailed ? 1 : 0;
  }

  /**
   * Whether stderr is a terminal (progress is then rewritten in place). From JDK 22 on,
   * System.console() exists even when output is redirected and Console.isTerminal() tells;
   * the code is compiled for 21, so that method is looked up by name.
   */
  static boolean isTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only for a terminal
    }
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new LabCli());
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("tide bench: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
          + " --help')");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof TargetGuard.TargetRefusedException) {
        cmd.getErr().println("tide bench: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cli;
  }

  public static void main(String[] args) {
    currentArgs = Arrays.copyOf(args, args.length);
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
