package dev.tide.autoscaler.sim;

import dev.tide.autoscaler.config.AutoscalerConfig;
import dev.tide.autoscaler.config.ConfigException;
import dev.tide.autoscaler.config.ConfigLoader;
import dev.tide.autoscaler.decision.Action;
import dev.tide.autoscaler.decision.DecisionLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./tide sim}: runs Tide's autoscaler and the baselines on a trace and writes
 * {@code results/<timestamp>-sim-<trace>/} (report.html, summary.txt, summary.json,
 * decisions-tide.jsonl).
 */
@Command(name = "sim", mixinStandardHelpOptions = true, version = "tide sim 0.1.0",
    description = "Simulate autoscaling policies on a load trace and compare them.")
public final class SimCli implements Callable<Integer> {

  /** Every policy the simulator knows, in table order. */
  public static final List<String> POLICIES = List.of("tide", "hpa", "keda", "knative", "aws");
  /** Target utilisation every policy is given, so the comparison is of reaction, not of target. */
  static final double TARGET_UTILISATION = 0.7;

  @Option(names = "--trace", required = true, paramLabel = "TRACE",
      description = "diurnal, spike, ramp, flash-crowd, noisy, or a CSV file (second,opsPerSec).")
  String trace;

  @Option(names = "--hours", paramLabel = "H", description = "Simulated hours (default ${DEFAULT-VALUE}).")
  double hours = 24;

  @Option(names = "--max-nodes", paramLabel = "N", description = "Largest cluster (default ${DEFAULT-VALUE}).")
  int maxNodes = 1_000;

  @Option(names = "--policies", split = ",", paramLabel = "P1,P2",
      description = "Policies to compare: tide, hpa, keda, knative, aws (default: all).")
  List<String> policies = new ArrayList<>(POLICIES);

  @Option(names = "--seed", description = "Seed of the built-in traces (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--peak", paramLabel = "FRACTION",
      description = "Peak load of built-in traces as a fraction of the largest cluster's capacity (default ${DEFAULT-VALUE}).")
  double peakFraction = 0.5;

  @Option(names = "--config", paramLabel = "FILE", description = "tide-autoscaler.yaml for the tide policy "
      + "(default: the built-in default policy).")
  Path config;

  @Option(names = "--decision-log", paramLabel = "WHAT",
      description = "Tide decisions written to decisions-tide.jsonl: actions (default), all, none.")
  String decisionLog = "actions";

  @Option(names = "--results", paramLabel = "DIR", description = "Results directory (default: $ROOT/results).")
  Path results;

  static String[] args = new String[0];

  public static void main(String[] argv) {
    args = argv.clone();
    int code = new CommandLine(new SimCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(argv);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    if (!(hours > 0) || hours * 3_600 > Trace.MAX_SECONDS) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--hours must be > 0 and at most "
          + Trace.MAX_SECONDS / 3_600);
    }
    if (maxNodes < 2 || maxNodes > 100_000) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--max-nodes must be 2..100000");
    }
    for (String p : policies) {
      if (!POLICIES.contains(p)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "unknown policy '" + p + "' (one of "
            + String.join(", ", POLICIES) + ")");
      }
    }
    if (!List.of("actions", "all", "none").contains(decisionLog)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--decision-log must be actions, all or none");
    }
    ModelParams params = ModelParams.defaults(maxNodes);
    int seconds = (int) Math.round(hours * 3_600);
    Trace t;
    try {
      t = Trace.BUILT_IN.contains(trace)
          ? Trace.builtIn(trace, seconds, peakFraction * maxNodes * params.capacityOpsPerNode(), seed)
          : Trace.csv(Path.of(trace), seconds);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("tide sim: " + e.getMessage());
      return 2;
    }
    AutoscalerConfig tideConfig;
    try {
      tideConfig = config != null ? ConfigLoader.load(config) : defaultConfig(params);
    } catch (ConfigException e) {
      System.err.println("tide sim: " + e.getMessage());
      return 2;
    }

    Path root = results != null ? results : root().resolve("results");
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
    Path dir = root.resolve(stamp + "-sim-" + t.name().replaceAll("[^A-Za-z0-9._-]", "_"));
    for (int i = 2; Files.exists(dir) && i < 1_000; i++) {
      dir = root.resolve(stamp + "-sim-" + t.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + i);
    }
    Files.createDirectories(dir);
    String command = "./tide sim " + String.join(" ", args);
    long startNs = System.nanoTime();
    List<SimResult> out;
    try (Writer w = decisionLog.equals("none") ? Writer.nullWriter()
        : new BufferedWriter(Files.newBufferedWriter(dir.resolve("decisions-tide.jsonl"), StandardCharsets.UTF_8))) {
      DecisionLog jsonLines = DecisionLog.jsonLines(w);
      DecisionLog log = decisionLog.equals("all") ? jsonLines
          : decisionLog.equals("actions") ? d -> {
            if (d.action() != Action.NONE) {
              jsonLines.append(d);
            }
          } : DecisionLog.NONE;
      List<Controller> controllers = new ArrayList<>();
      for (String p : policies) {
        controllers.add(controller(p, tideConfig, params, log));
      }
      Simulator sim = new Simulator(params, initialNodes(t, params));
      out = sim.run(t, controllers);
    }
    double elapsedSec = (System.nanoTime() - startNs) / 1e9;
    String runtime = String.format(Locale.ROOT, "Simulated %.1f h at 1 s steps for %d policies (max %d nodes) in %.2f s"
        + " on %d CPUs.", seconds / 3_600.0, policies.size(), maxNodes, elapsedSec,
        Runtime.getRuntime().availableProcessors());
    String table = SimReport.table(out);
    Files.writeString(dir.resolve("summary.txt"), command + "\n\n" + table + "\n" + runtime + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.md"), SimReport.markdown(out), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.json"), SimReport.json(command, t.name(), params, out),
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.html"), SimReport.html(command, t.name(), params, out, runtime),
        StandardCharsets.UTF_8);
    System.out.println("trace " + t.name() + ", " + SimReport.describe(params));
    System.out.print(table);
    System.out.println(runtime);
    System.out.println("report: " + dir.resolve("report.html"));
    return 0;
  }

  /** The default Tide policy for the simulated nodes (see {@link AutoscalerConfig#defaults}). */
  public static AutoscalerConfig defaultConfig(ModelParams p) {
    return AutoscalerConfig.defaults(p.capacityOpsPerNode(), p.minNodes(), p.maxNodes(), p.sloLatencyMs(), 0);
  }

  /** Enough nodes for the trace's first minute at the target utilisation. */
  static int initialNodes(Trace t, ModelParams p) {
    double first = 0;
    int n = Math.min(60, t.seconds());
    for (int i = 0; i < n; i++) {
      first += t.at(i) / n;
    }
    int nodes = (int) Math.ceil(first / (TARGET_UTILISATION * p.capacityOpsPerNode()));
    return Math.max(p.minNodes(), Math.min(p.maxNodes(), nodes));
  }

  public static Controller controller(String name, AutoscalerConfig tideConfig, ModelParams p, DecisionLog log) {
    double targetOps = TARGET_UTILISATION * p.capacityOpsPerNode();
    return switch (name) {
      case "tide" -> new TideController(tideConfig, log);
      case "hpa" -> HpaController.hpa(TARGET_UTILISATION);
      case "keda" -> HpaController.keda(targetOps);
      case "knative" -> new KnativeController(targetOps);
      case "aws" -> new AwsTargetTrackingController(TARGET_UTILISATION);
      default -> throw new IllegalArgumentException("unknown policy " + name);
    };
  }

  static Path root() {
    String r = System.getenv("ROOT");
    return r != null && !r.isBlank() ? Path.of(r) : Path.of("");
  }
}
