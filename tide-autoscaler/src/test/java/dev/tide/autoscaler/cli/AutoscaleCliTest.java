package dev.tide.autoscaler.cli;

import dev.tide.autoscaler.Autoscaler;
import dev.tide.autoscaler.config.ConfigLoader;
import dev.tide.autoscaler.decision.DecisionLog;
import dev.tide.autoscaler.decision.JsonReader;
import dev.tide.autoscaler.decision.LoopEvent;
import dev.tide.autoscaler.signals.Signals;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ./tide autoscale log and run, through the real command line. */
class AutoscaleCliTest {

  @TempDir
  Path dir;

  private record Result(int code, String out, String err) {
  }

  private static Result run(String... args) {
    CommandLine cli = AutoscaleCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static final String CONFIG = """
      evaluationInterval: 500ms
      signals:
        warmUp: 0s
        stableWindow: 1s
        panicWindow: 1s
      nodes:
        min: 1
        max: 10
      policies:
        targetTracking:
          metric: opsPerNode
          target: 100
      guards:
        maxStepOutNodes: 2
        maxStepOutPercent: 0
      live:
        scrapeTimeout: 400ms
      """;

  @Test
  void logPrintsDecisionsAndEventsAsATable() throws Exception {
    Path file = dir.resolve("decisions.jsonl");
    StringWriter w = new StringWriter();
    Autoscaler a = new Autoscaler(ConfigLoader.parse(CONFIG, "t.yaml"), DecisionLog.jsonLines(w));
    long t0 = 1_700_000_000_000L; // 2023-11-14 22:13:20 UTC
    a.evaluate(new Signals(t0, 2, 2, 180, 0.3, 1.5, 0, 1_000, 3));   // on target: nothing
    a.evaluate(new Signals(t0 + 1_000, 2, 2, 900, 0.9, 12, 5, 1_000, 40)); // 9x: scale out, capped at +2
    String events = new LoopEvent(t0 + 1_000, LoopEvent.APPLIED, 2, 4, "targetTracking: ...").toJson() + "\n"
        + new LoopEvent(t0 + 9_000, LoopEvent.EXTERNAL, 4, 6, "size changed outside the autoscaler").toJson() + "\n";
    Files.writeString(file, w + events + "not json\n", StandardCharsets.UTF_8);

    Result all = run("log", file.toString());
    assertThat(all.code()).as(all.err()).isZero();
    List<String> lines = all.out().lines().toList();
    assertThat(lines.get(0)).startsWith("TIME (UTC)").contains("ACTION", "NODES", "INPUTS", "BY", "SIZE", "WHY");
    assertThat(all.out()).contains("2023-11-14 22:13:20.000  NONE")
        .contains("SCALE_OUT").contains("2 -> 4")
        .contains("ops 900/s, cpu 90%, p99 12.00 ms, queue 5, slow 40/1000, warm 2/2")
        .contains("targetTracking").contains("guard maxStep").contains("scale-out limited to +2")
        .contains("event:applied").contains("event:external").contains("4 -> 6")
        .contains("unreadable");
    // Columns are aligned: "BY" starts at the same offset on the header and on a policy row.
    int by = lines.get(0).indexOf("BY");
    String policyRow = lines.stream().filter(l -> l.contains("targetTracking") && !l.contains("composed")).findFirst()
        .orElseThrow();
    assertThat(policyRow.indexOf("targetTracking")).isEqualTo(by);

    Result last = run("log", file.toString(), "--last", "2");
    assertThat(last.out()).doesNotContain("SCALE_OUT").contains("event:external").contains("unreadable");
    assertThat(run("log", file.toString(), "--last", "0").code()).isEqualTo(2);
    Result missing = run("log", dir.resolve("nope.jsonl").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read decision log");
  }

  @Test
  void runDryRunAgainstARealNodeLogsDecisionsAndActsOnNothing() throws Exception {
    Path config = dir.resolve("tide-autoscaler.yaml");
    // Scrapes get a generous second: on a loaded machine rendering /metrics can take a few hundred ms.
    Files.writeString(config, CONFIG.replace("evaluationInterval: 500ms", "evaluationInterval: 1s")
        .replace("scrapeTimeout: 400ms", "scrapeTimeout: 1s"));
    Path log = dir.resolve("run.jsonl");
    int metricsPort = RedisReference.freePort();
    try (TideTestServer node = TideTestServer.start(c -> c.metricsPort = metricsPort); RespClient c = node.client()) {
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      Thread load = Thread.ofPlatform().start(() -> {
        long end = System.currentTimeMillis() + 60_000; // bounded: stops with the run, or after a minute
        for (int i = 0; !stop.get() && System.currentTimeMillis() < end && i < 10_000_000; i++) {
          c.call("SET", "k" + (i % 100), "v");
        }
      });
      Result r;
      try {
        r = run("run", "--config", config.toString(), "--nodes", "127.0.0.1:" + node.server().metricsPort(),
            "--dry-run", "--log", log.toString(), "--duration", "8s");
      } finally {
        stop.set(true);
        load.join(30_000);
      }
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("dry run");
      List<String> lines = Files.readAllLines(log);
      assertThat(lines).isNotEmpty();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> records = lines.stream().map(l -> (Map<String, Object>) JsonReader.parse(l)).toList();
      assertThat(records).anySatisfy(m -> assertThat(m).containsKey("action"));
      // One node doing thousands of SETs a second against a 100 ops/node target: the loop wants more
      // nodes, and in a dry run only logs it.
      assertThat(records).anySatisfy(m -> assertThat(m.get("event")).isEqualTo(LoopEvent.DRY_RUN));
      assertThat(records).noneSatisfy(m -> assertThat(m.get("event")).isEqualTo(LoopEvent.APPLIED));
      assertThat(run("log", log.toString()).out()).contains("event:dryRun");
    }
  }

  @Test
  void badInvocationsExitWithCodeTwoAndSayWhy() throws Exception {
    Path config = dir.resolve("tide-autoscaler.yaml");
    Files.writeString(config, CONFIG);
    Result noDry = run("run", "--config", config.toString(), "--nodes", "127.0.0.1:9121");
    assertThat(noDry.code()).isEqualTo(2);
    assertThat(noDry.err()).contains("--dry-run").contains("elasticity");
    Result neither = run("run", "--config", config.toString());
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err()).contains("--nodes").contains("--kubernetes");
    Result noK8s = run("run", "--config", config.toString(), "--kubernetes");
    assertThat(noK8s.err()).contains("kubernetes:");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "nodes:\n  min: 5\n  max: 2\n");
    Result badConfig = run("run", "--config", bad.toString(), "--nodes", "127.0.0.1:9121", "--dry-run");
    assertThat(badConfig.code()).isEqualTo(2);
    assertThat(badConfig.err()).contains("bad.yaml:3: nodes.max");
    Result badNode = run("run", "--config", config.toString(), "--nodes", "nohost", "--dry-run");
    assertThat(badNode.code()).isEqualTo(2);
    assertThat(badNode.err()).contains("HOST:METRICSPORT");
  }
}
