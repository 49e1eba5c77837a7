package dev.tide.lab;

import dev.tide.lab.cluster.ClusterBench;
import dev.tide.lab.cluster.ClusterBenchPlan;
import dev.tide.lab.cluster.FailoverBench;
import dev.tide.lab.report.ClusterReportWriter;
import dev.tide.lab.report.MachineInfo;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.targets.TideClusterTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code ./tide bench cluster} and {@code ./tide bench failover}: the cluster benchmarks of issue 4. */
final class ClusterCli {

  private ClusterCli() {
  }

  /** Tide cluster vs Redis Cluster vs etcd, in one run. */
  @Command(name = "cluster", mixinStandardHelpOptions = true,
      description = {"SET/GET peak and SET latency at half of the peak for a 3-node RF 3 Tide cluster, a 3-master "
          + "Redis Cluster and a 3-member etcd, one after the other in the same run, with ratios and the issue's goals.",
          "Every target gets the same client load: --clients connections, one request outstanding each."})
  static final class Cluster implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "S", description = "Length of each measured phase (default "
        + ClusterBenchPlan.DEFAULT_SECONDS + ", --quick " + ClusterBenchPlan.QUICK_SECONDS + ").")
    Integer seconds;

    @Option(names = "--warmup", paramLabel = "S", description = "Unmeasured warm-up per target (default "
        + ClusterBenchPlan.DEFAULT_WARMUP_SECONDS + ", --quick " + ClusterBenchPlan.QUICK_WARMUP_SECONDS + ").")
    Integer warmup;

    @Option(names = "--quick", description = "Short phases (a smoke run; figures are rough).")
    boolean quick;

    @Option(names = "--targets", paramLabel = "T1,T2", split = ",",
        description = "Subset and order of tide-cluster, redis-cluster, etcd (default: all three).")
    List<String> targets = new ArrayList<>(ClusterBenchPlan.ALL_TARGETS);

    @Option(names = "--clients", paramLabel = "N", description = "Connections per node, one request outstanding each "
        + "(default ${DEFAULT-VALUE}).")
    int clients = ClusterBenchPlan.DEFAULT_CLIENTS;

    @Option(names = "--keys", paramLabel = "N", description = "Key space (default ${DEFAULT-VALUE}).")
    long keys = 10_000;

    @Option(names = "--value-size", paramLabel = "BYTES", description = "Value size (default ${DEFAULT-VALUE}).")
    int valueSize = 100;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the Tide cluster (default ${DEFAULT-VALUE}).")
    int partitions = TideClusterTarget.DEFAULT_PARTITIONS;

    @Option(names = "--failover", description = "Also run the failover benchmark (see 'bench failover') at the end.")
    boolean failover;

    @Option(names = "--kills", paramLabel = "N", description = "With --failover: leader kills (default "
        + ClusterBenchPlan.DEFAULT_KILLS + ", --quick " + ClusterBenchPlan.QUICK_KILLS + ").")
    Integer kills;

    @Option(names = "--write-timeout-ms", paramLabel = "MS", description = "With --failover: the writer's timeout per "
        + "attempt (default ${DEFAULT-VALUE}).")
    int writeTimeoutMs = ClusterBenchPlan.DEFAULT_WRITE_TIMEOUT_MS;

    @Option(names = "--profile", description = "One more SET phase on Tide with stack sampling of every node (jcmd Thread.print; not in the "
        + "figures); busy threads and methods in the report.")
    boolean profile;

    @Option(names = "--dry-run", description = "Print the plan and its estimated length; start nothing.")
    boolean dryRun;

    @Option(names = "--results", paramLabel = "DIR", description = "Where result directories go (default: results/).")
    Path results;

    ClusterBenchPlan plan() {
      int s = seconds != null ? seconds : quick ? ClusterBenchPlan.QUICK_SECONDS : ClusterBenchPlan.DEFAULT_SECONDS;
      int w = warmup != null ? warmup
          : quick ? ClusterBenchPlan.QUICK_WARMUP_SECONDS : ClusterBenchPlan.DEFAULT_WARMUP_SECONDS;
      int k = kills != null ? kills : quick ? ClusterBenchPlan.QUICK_KILLS : ClusterBenchPlan.DEFAULT_KILLS;
      if (kills != null && !failover) {
        throw new IllegalArgumentException("--kills needs --failover");
      }
      Path root = LoadOptions.root();
      return new ClusterBenchPlan(targets.stream().map(String::strip).toList(), TimeUnit.SECONDS.toNanos(s),
          TimeUnit.SECONDS.toNanos(w), clients, keys, valueSize, ClusterBenchPlan.TIMEOUT_NS, ClusterBenchPlan.NODES,
          partitions, failover, k, writeTimeoutMs, profile, 1, TargetGuard.LOOPBACK_ONLY, root,
          results != null ? results : root.resolve("results"), LabCli.command("cluster"));
    }

    @Override
    public Integer call() throws Exception {
      ClusterBenchPlan plan = plan();
      if (dryRun) {
        spec.commandLine().getOut().print(plan.describe());
        spec.commandLine().getOut().flush();
        return 0;
      }
      Path dir = ClusterBench.createDirectory(plan.resultsDir(), "cluster", System.currentTimeMillis());
      ClusterBench.Outcome outcome = new ClusterBench(plan, System.err, LabCli.isTerminal()).run(dir);
      ClusterReportWriter.write(outcome);
      System.out.print(Files.readString(dir.resolve("summary.txt")));
      System.out.println();
      System.out.println("report: " + dir.resolve("report.html"));
      boolean failed = outcome.targets().stream().anyMatch(t -> t.figures().failure() != null)
          || outcome.failover() != null && (outcome.failover().failure() != null || outcome.failover().missing() != 0);
      return failed ? 1 : 0;
    }
  }

  /** Leader kills under a continuous writer. */
  @Command(name = "failover", mixinStandardHelpOptions = true,
      description = {"kill -9 of the leader of one partition of a 3-node RF 3 Tide cluster, repeated, while one client "
          + "writes to that partition continuously; the write gap of every kill, its distribution, and a check that "
          + "every acknowledged write is still there."})
  static final class Failover implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--kills", paramLabel = "N", description = "Leader kills (default " + ClusterBenchPlan.DEFAULT_KILLS
        + ", --quick " + ClusterBenchPlan.QUICK_KILLS + ").")
    Integer kills;

    @Option(names = "--quick", description = "Fewer kills.")
    boolean quick;

    @Option(names = "--write-timeout-ms", paramLabel = "MS", description = "The writer's connect/reply timeout per "
        + "attempt (default ${DEFAULT-VALUE}).")
    int writeTimeoutMs = ClusterBenchPlan.DEFAULT_WRITE_TIMEOUT_MS;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the cluster (default ${DEFAULT-VALUE}).")
    int partitions = TideClusterTarget.DEFAULT_PARTITIONS;

    @Option(names = "--dry-run", description = "Print the plan; start nothing.")
    boolean dryRun;

    @Option(names = "--results", paramLabel = "DIR", description = "Where result directories go (default: results/).")
    Path results;

    FailoverBench.Plan plan() {
      int k = kills != null ? kills : quick ? ClusterBenchPlan.QUICK_KILLS : ClusterBenchPlan.DEFAULT_KILLS;
      return new FailoverBench.Plan(k, writeTimeoutMs, ClusterBenchPlan.NODES, partitions, LoadOptions.root(),
          TargetGuard.LOOPBACK_ONLY);
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
      FailoverBench.Plan plan = plan();
      if (dryRun) {
        spec.commandLine().getOut().printf("failover: %d kill -9 of a partition leader, %d nodes, %d partitions, RF 3, "
            + "writer timeout %d ms%n", plan.kills(), plan.nodes(), plan.partitions(), plan.writeTimeoutMs());
        spec.commandLine().getOut().flush();
        return 0;
      }
      MachineInfo machine = MachineInfo.read();
      long started = System.currentTimeMillis();
      FailoverBench.Result r = new FailoverBench(plan, System.err::println).run();
      Path resultsDir = results != null ? results : LoadOptions.root().resolve("results");
      Path dir = ClusterBench.createDirectory(resultsDir, "failover", started);
      ClusterReportWriter.writeFailover(dir, LabCli.command("failover"), machine, MachineInfo.read().loadAverage(),
          System.currentTimeMillis(), r);
      System.out.print(Files.readString(dir.resolve("summary.txt")));
      System.out.println();
      System.out.println("report: " + dir.resolve("report.html"));
      return r.failure() != null || r.missing() != 0 ? 1 : 0;
    }
  }
}
