package dev.tide.lab;

import dev.tide.lab.chaos.ChaosRun;
import dev.tide.lab.chaos.cluster.NodeCommand;
import dev.tide.lab.chaos.nemesis.FaultKind;
import dev.tide.lab.chaos.nemesis.Schedule;
import dev.tide.lab.check.Budget;
import dev.tide.lab.check.CheckResult;
import dev.tide.lab.check.HistoryChecker;
import dev.tide.lab.check.HistoryFile;
import dev.tide.lab.check.Op;
import dev.tide.lab.check.Verdict;
import dev.tide.lab.report.ChaosReport;
import dev.tide.lab.report.MachineInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./tide lab chaos} (fault injection against a local cluster, histories checked) and
 * {@code ./tide lab check FILE} (check a recorded history again). See docs/lab-chaos.md.
 */
@Command(name = "lab", mixinStandardHelpOptions = true, version = "tide lab 0.1.0",
    description = "Tide's lab: chaos runs with a linearizability checker.",
    subcommands = {ChaosCli.Chaos.class, ChaosCli.Check.class, CommandLine.HelpCommand.class})
public final class ChaosCli implements Runnable {

  /** Most runs in one invocation (a long run is documented at 100). */
  static final int MAX_RUNS = 1_000;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "chaos", mixinStandardHelpOptions = true,
      description = "Start a local Tide cluster, run workloads while a seeded nemesis injects faults, heal, check the "
          + "history for lost writes and anomalies; repeat --runs times. Report in results/<timestamp>-chaos/.")
  static final class Chaos implements Callable<Integer> {
    @Option(names = "--runs", paramLabel = "N", description = "Runs, each with a fresh cluster (default: 1).")
    int runs = 1;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of run 1; run i uses S + i - 1 (default: from the clock, printed).")
    Long seed;

    @Option(names = "--minutes", paramLabel = "M", description = "Length of each run's fault phase (default: 1; 0.5 allowed).")
    double minutes = 1;

    @Option(names = "--faults", paramLabel = "LIST", description = "Faults to draw from: all (default), process, network, "
        + "disk, scale, or ids: kill-leader, kill-random, kill-controller, pause, restart, partition, isolate-leader, "
        + "bridge, loss, delay, disk-full, disk-slow, drain (needs --nodes above --replicas).")
    String faults = "all";

    @Option(names = "--workloads", paramLabel = "LIST", split = ",",
        description = "register, list, counter, bank (default: all four).")
    List<String> workloads = ChaosRun.Options.ALL_WORKLOADS;

    @Option(names = "--nodes", paramLabel = "N", description = "Cluster nodes (default: 3).")
    int nodes = 3;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions (default: 4: few groups, little idle CPU).")
    int partitions = 4;

    @Option(names = "--replicas", paramLabel = "N", description = "Replicas per partition (default: 3).")
    int replicas = 3;

    @Option(names = "--clients", paramLabel = "N", description = "Clients per workload (default: 2).")
    int clients = 2;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Operation timeout; later the outcome is unknown (default: 2000).")
    long timeoutMs = 2_000;

    @Option(names = "--compose", paramLabel = "P", description = "Probability that two faults are injected together (default: 0.33).")
    double compose = 0.33;

    @Option(names = "--no-netns", description = "Run nodes on loopback even as root (network faults are then skipped).")
    boolean noNetns;

    @Option(names = "--check-budget-s", paramLabel = "S", description = "Time the checkers get per run (default: 120); "
        + "past it a check says unknown.")
    long checkBudgetS = 120;

    @Option(names = "--results", paramLabel = "DIR", description = "Where result directories go (default: results/).")
    Path results;

    @Override
    public Integer call() {
      if (runs < 1 || runs > MAX_RUNS) {
        throw new IllegalArgumentException("--runs must be 1.." + MAX_RUNS);
      }
      if (minutes <= 0 || minutes > 360) {
        throw new IllegalArgumentException("--minutes must be in (0, 360]");
      }
      List<FaultKind> kinds = FaultKind.parseList(faults);
      Path root = root();
      long firstSeed = seed != null ? seed : System.currentTimeMillis() % 1_000_000;
      Schedule.Timing std = Schedule.Timing.standard();
      ChaosRun.Options o = new ChaosRun.Options(nodes, partitions, replicas, null, kinds,
          new Schedule.Timing(std.quietMinMs(), std.quietMaxMs(), std.faultMinMs(), std.faultMaxMs(), compose),
          (long) (minutes * 60_000), workloads, clients, 0, 10, timeoutMs, !noNetns && ChaosRun.wantsNetns(kinds),
          ChaosRun.wantsLoopDisks(kinds), NodeCommand.fromCliJar(root), 120_000, checkBudgetS * 1000);
      Path dir = (results != null ? results : root.resolve("results")).resolve(DateTimeFormatter
          .ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()) + "-chaos");
      String settings = String.format(Locale.ROOT, "%d nodes, %d partitions, RF %d, faults %s, workloads %s, %d clients "
          + "per workload, %.1f min per run, op timeout %d ms, seed %d..%d%s", nodes, partitions, replicas,
          String.join(",", kinds.stream().map(FaultKind::id).toList()), String.join(",", workloads), clients, minutes,
          timeoutMs, firstSeed, firstSeed + runs - 1, o.netns() ? ", nodes in network namespaces" : ", nodes on loopback");
      ChaosReport.Context ctx = new ChaosReport.Context(command(), MachineInfo.read(), settings,
          System.currentTimeMillis());
      System.err.println("chaos: " + settings);
      System.err.println("chaos: results in " + dir);
      List<ChaosRun.Result> done = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        int run = i;
        long s = firstSeed + i;
        System.err.printf(Locale.ROOT, "chaos: run %d/%d, seed %d%n", i + 1, runs, s);
        ChaosRun.Result r = ChaosRun.run(o, i, s, dir.resolve("run-" + (i + 1)),
            line -> System.err.printf(Locale.ROOT, "[run %d/%d] %s%n", run + 1, runs, line));
        done.add(r);
        System.err.println("chaos: " + String.join("  ", ChaosReport.row(r)));
        ChaosReport.write(dir, ctx, done); // after every run, so an interrupted series still has its report
      }
      System.out.print(ChaosReport.text(ctx, done));
      System.out.println();
      System.out.println("report: " + dir.resolve("report.html"));
      return done.stream().allMatch(r -> r.verdict() == Verdict.VALID) ? 0 : 1;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Check a recorded history (JSON lines, as a chaos run writes them) and print what was found.")
  static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "history.jsonl")
    Path file;

    @Option(names = "--budget-s", paramLabel = "S", description = "Time the checkers get (default: 300).")
    long budgetS = 300;

    @Override
    public Integer call() {
      List<Op> history = HistoryFile.read(file);
      Map<String, CheckResult> results = HistoryChecker.check(history, Budget.ofMillis(budgetS * 1000));
      System.out.print(HistoryChecker.describe(results));
      Verdict v = HistoryChecker.verdict(results);
      System.out.println("verdict: " + v.name().toLowerCase(Locale.ROOT));
      return v == Verdict.VALID || v == Verdict.SKIPPED ? 0 : 1;
    }
  }

  static Path root() {
    String r = System.getenv("ROOT");
    return Path.of(r != null && !r.isBlank() ? r : ".").toAbsolutePath().normalize();
  }

  private static String[] currentArgs = new String[0];

  static String command() {
    StringBuilder sb = new StringBuilder("./tide lab");
    for (String a : currentArgs) {
      sb.append(' ').append(a.matches("[A-Za-z0-9_.,:/=@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ChaosCli());
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("tide lab: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
          + " --help')");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) {
        cmd.getErr().println("tide lab: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cli;
  }

  public static void main(String[] args) {
    currentArgs = Arrays.copyOf(args, args.length);
    System.exit(commandLine().execute(args));
  }
}
