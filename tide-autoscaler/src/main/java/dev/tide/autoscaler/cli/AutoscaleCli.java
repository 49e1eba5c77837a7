package dev.tide.autoscaler.cli;

import dev.tide.autoscaler.Autoscaler;
import dev.tide.autoscaler.actuator.Actuator;
import dev.tide.autoscaler.actuator.KubernetesActuator;
import dev.tide.autoscaler.actuator.RespDrainHook;
import dev.tide.autoscaler.actuator.StaticActuator;
import dev.tide.autoscaler.config.AutoscalerConfig;
import dev.tide.autoscaler.config.ConfigException;
import dev.tide.autoscaler.config.ConfigLoader;
import dev.tide.autoscaler.decision.Decision;
import dev.tide.autoscaler.decision.DecisionLog;
import dev.tide.autoscaler.decision.DecisionTable;
import dev.tide.autoscaler.decision.LoopEvent;
import dev.tide.autoscaler.loop.ControlLoop;
import dev.tide.autoscaler.scrape.ScrapeTarget;
import dev.tide.autoscaler.scrape.Scraper;
import dev.tide.autoscaler.signals.LiveSignals;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./tide autoscale}: {@code log} prints a decision log as a table; {@code run} runs the live
 * loop against running nodes ({@code --nodes}, with {@code --dry-run}) or a Kubernetes StatefulSet
 * ({@code --kubernetes}). Bad input exits with code 2 and one line naming the problem.
 */
@Command(name = "autoscale", mixinStandardHelpOptions = true, version = "tide autoscale 0.1.0",
    description = "Tide's autoscaler: run the live loop, read its decisions.",
    subcommands = {AutoscaleCli.LogCommand.class, AutoscaleCli.RunCommand.class})
public final class AutoscaleCli implements Runnable {

  /** Where the live loop writes decisions unless told otherwise (and where {@code log} reads them). */
  public static final Path DEFAULT_LOG = Path.of(".tide", "autoscaler-decisions.jsonl");

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A problem with the user's input: printed as one line, exit code 2. */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AutoscaleCli());
    cli.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("tide autoscale: " + ex.getMessage());
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parse) -> {
      if (ex instanceof UsageError || ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
        cmd.getErr().println("tide autoscale: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** {@code ./tide autoscale log [FILE] [--last N]}. */
  @Command(name = "log", mixinStandardHelpOptions = true,
      description = "Print a decision log (JSON lines) as a table: time, inputs, each policy's size and reason, "
          + "guards, action.")
  static final class LogCommand implements Callable<Integer> {

    /** Lines longer than this are not decisions (a decision is a few KB). */
    static final int MAX_LINE_CHARS = 1 << 20;
    /** Most records printed at once. */
    static final int MAX_LAST = 1_000_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "Decision log (default: .tide/autoscaler-decisions.jsonl; - for stdin).")
    String file;

    @Option(names = "--last", paramLabel = "N", description = "Only the last N decisions and events (default: all).")
    Integer last;

    @Override
    public Integer call() throws IOException {
      if (last != null && (last < 1 || last > MAX_LAST)) {
        throw new UsageError("--last must be between 1 and " + MAX_LAST + ", got " + last);
      }
      int keep = last == null ? MAX_LAST : last;
      ArrayDeque<String> lines = new ArrayDeque<>();
      Path path = file == null ? DEFAULT_LOG : Path.of(file);
      if (!"-".equals(file) && !Files.isReadable(path)) {
        throw new UsageError("cannot read decision log " + path + (file == null ? " (give FILE, or run 'tide autoscale "
            + "run' first)" : ""));
      }
      try (BufferedReader r = "-".equals(file)
          ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          : Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          lines.addLast(line.length() > MAX_LINE_CHARS ? "{\"bad\":\"line longer than " + MAX_LINE_CHARS + "\"}" : line);
          if (lines.size() > keep) {
            lines.pollFirst();
          }
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(DecisionTable.render(new ArrayList<>(lines)));
      out.flush();
      return 0;
    }
  }

  /** {@code ./tide autoscale run --config F (--nodes HOST:PORT,... --dry-run | --kubernetes)}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run the live loop: read the nodes' metrics every evaluation interval, decide, act (or only log "
          + "with --dry-run). Ctrl-C stops it.")
  static final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "tide-autoscaler.yaml.")
    Path config;

    @Option(names = "--nodes", split = ",", paramLabel = "HOST:METRICSPORT",
        description = "Nodes' metrics endpoints (tide server --metrics-port). Needs --dry-run: there is no local "
            + "actuator yet.")
    List<String> nodes;

    @Option(names = "--kubernetes", description = "Act on the StatefulSet of the config's kubernetes section "
        + "(in-cluster credentials, or ~/.kube/config).")
    boolean kubernetes;

    @Option(names = "--dry-run", description = "Decide and log only; nothing is scaled.")
    boolean dryRun;

    @Option(names = "--log", paramLabel = "FILE", description = "Decision log, appended (default: .tide/autoscaler-decisions.jsonl).")
    Path log = DEFAULT_LOG;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (e.g. 10m; default: until Ctrl-C).")
    String duration;

    @Option(names = "--quiet", description = "Do not print a line per decision.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      AutoscalerConfig cfg = ConfigLoader.load(config);
      long durationMs = duration == null ? -1 : parseDuration(duration);
      if ((nodes == null) == !kubernetes) {
        throw new UsageError("give either --nodes HOST:METRICSPORT,... or --kubernetes");
      }
      KubernetesClient client = null;
      Actuator actuator;
      if (kubernetes) {
        if (cfg.kubernetes() == null) {
          throw new UsageError(config + ": --kubernetes needs a 'kubernetes:' section");
        }
        client = new KubernetesClientBuilder().build();
        actuator = new KubernetesActuator(client, cfg.kubernetes(), new RespDrainHook(5_000, System.getenv(
            "TIDE_REQUIREPASS")), System::currentTimeMillis);
      } else {
        if (!dryRun) {
          throw new UsageError("--nodes needs --dry-run: the local process actuator needs the elasticity commands, "
              + "which are not built yet (use --kubernetes to act on a StatefulSet)");
        }
        List<ScrapeTarget> targets = new ArrayList<>();
        for (String n : nodes) {
          targets.add(ScrapeTarget.parse(n));
        }
        actuator = new StaticActuator(targets);
      }
      if (log.getParent() != null) {
        Files.createDirectories(log.getParent());
      }
      PrintWriter out = spec.commandLine().getOut();
      try (Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND); Scraper scraper = new Scraper(Duration.ofMillis(cfg.live().scrapeTimeoutMs()))) {
        DecisionLog toFile = DecisionLog.jsonLines(file, true);
        DecisionLog both = new DecisionLog() {
          @Override
          public void append(Decision d) {
            toFile.append(d);
            if (!quiet) {
              out.println(summary(d));
              out.flush();
            }
          }

          @Override
          public void appendEvent(LoopEvent e) {
            toFile.appendEvent(e);
            if (!quiet) {
              out.println("  " + e.kind() + " " + e.from() + " -> " + e.to() + ": " + e.detail());
              out.flush();
            }
          }
        };
        LiveSignals live = new LiveSignals(actuator::nodes, scraper, cfg.sloLatencyMs(), cfg.sloObjective(),
            cfg.panicWindowMs());
        ControlLoop loop = new ControlLoop(new Autoscaler(cfg, both), live, actuator, both, cfg.live().manualHoldMs(),
            dryRun);
        out.println("tide autoscale: " + actuator.describe() + (dryRun ? " (dry run)" : "") + ", every "
            + cfg.evaluationIntervalMs() + " ms; decisions to " + log);
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "tide-autoscale-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        loop.start(System::currentTimeMillis);
        try {
          if (durationMs > 0) {
            stopped.await(durationMs, TimeUnit.MILLISECONDS);
          } else {
            stopped.await();
          }
        } finally {
          loop.close();
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // shutting down already
          }
        }
      } finally {
        if (actuator instanceof KubernetesActuator k) {
          k.close();
        }
        if (client != null) {
          client.close();
        }
      }
      return 0;
    }

    static String summary(Decision d) {
      return String.format(Locale.ROOT, "%tT %-9s nodes %d%s  ops %.0f/s  p99 %.2f ms  slow %d/%d  by %s",
          d.nowMs(), d.action(), d.current(), d.target() != d.current() ? " -> " + d.target() : "",
          d.raw().opsPerSec(), d.raw().p99Ms(), d.raw().slowRequests(), d.raw().requests(), d.composedBy());
    }

    static long parseDuration(String text) {
      String[] units = {"ms", "s", "m", "h"};
      long[] factors = {1, 1_000, 60_000, 3_600_000};
      for (int i = 0; i < units.length; i++) {
        if (text.endsWith(units[i]) && text.length() > units[i].length()) {
          String n = text.substring(0, text.length() - units[i].length());
          if (n.chars().allMatch(Character::isDigit) && n.length() <= 9) {
            return Long.parseLong(n) * factors[i];
          }
        }
      }
      throw new UsageError("--duration: expected e.g. 90s, 10m, 1h, got '" + text + "'");
    }
  }
}
