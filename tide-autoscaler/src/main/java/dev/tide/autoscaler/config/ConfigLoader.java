package dev.tide.autoscaler.config;

import dev.tide.autoscaler.config.YamlSubset.ListNode;
import dev.tide.autoscaler.config.YamlSubset.MapNode;
import dev.tide.autoscaler.config.YamlSubset.Node;
import dev.tide.autoscaler.config.YamlSubset.Scalar;
import dev.tide.autoscaler.guard.GuardSettings;
import dev.tide.autoscaler.policy.Cron;
import dev.tide.autoscaler.policy.Metric;
import dev.tide.autoscaler.policy.Predictive;
import dev.tide.autoscaler.policy.Scheduled;
import dev.tide.autoscaler.policy.StepScaling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code tide-autoscaler.yaml} into an {@link AutoscalerConfig}, validating every field once,
 * at start. Errors name file, line and field path: {@code tide-autoscaler.yaml:14: guards.maxNodes:
 * must be >= nodes.min (3), got 2}. Unknown fields are errors. The format is in
 * {@code docs/autoscaler.md} and the example file {@code tide-autoscaler/tide-autoscaler.example.yaml}.
 */
public final class ConfigLoader {

  /** A config file is small; refuse to read more than this. */
  public static final long MAX_FILE_BYTES = 1 << 20;

  private final String file;

  private ConfigLoader(String file) {
    this.file = file;
  }

  public static AutoscalerConfig load(Path path) {
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new ConfigException(path + ": larger than " + MAX_FILE_BYTES + " bytes");
      }
      return parse(Files.readString(path, StandardCharsets.UTF_8), path.getFileName().toString());
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read: " + e.getMessage());
    }
  }

  public static AutoscalerConfig parse(String text, String fileName) {
    return new ConfigLoader(fileName).read(YamlSubset.parse(text, fileName));
  }

  private AutoscalerConfig read(MapNode root) {
    Section top = new Section("", root);
    long interval = top.duration("evaluationInterval", 1_000, 100, 60_000);

    Section signals = top.section("signals");
    long stable = signals.duration("stableWindow", 60_000, 1_000, 3_600_000);
    long panic = signals.duration("panicWindow", 6_000, 1_000, 600_000);
    long warmUp = signals.duration("warmUp", 30_000, 0, 3_600_000);
    if (panic > stable) {
      throw signals.fail("panicWindow", "must be <= signals.stableWindow (" + stable + " ms)");
    }
    signals.done();

    Section nodes = top.section("nodes");
    int min = (int) nodes.integer("min", 1, 1, 100_000);
    int max = (int) nodes.integer("max", 100, 1, 100_000);
    if (max < min) {
      throw nodes.fail("max", "must be >= nodes.min (" + min + "), got " + max);
    }
    nodes.done();

    Section policies = top.section("policies");
    AutoscalerConfig.TargetTrackingSettings tt = null;
    if (policies.has("targetTracking")) {
      Section s = policies.section("targetTracking");
      Metric m = s.metric("metric", Metric.OPS_PER_NODE);
      double target = s.number("target", Double.NaN, 1e-9, 1e12);
      if (m == Metric.CPU && target > 1) {
        throw s.fail("target", "cpu is a fraction 0..1, got " + target);
      }
      tt = new AutoscalerConfig.TargetTrackingSettings(m, target, s.number("tolerance", 0.1, 0, 0.99));
      s.done();
    }
    AutoscalerConfig.StepSettings step = null;
    if (policies.has("stepScaling")) {
      Section s = policies.section("stepScaling");
      Metric m = s.metric("metric", Metric.P99_MS);
      long sustain = s.duration("sustain", 60_000, 0, 3_600_000);
      List<StepScaling.Step> steps = new ArrayList<>();
      List<Section> items = s.list("steps", 1, StepScaling.MAX_STEPS);
      for (Section item : items) {
        boolean above = item.has("above");
        if (above == item.has("below")) {
          throw item.fail(above ? "below" : "above", "give exactly one of 'above' or 'below'");
        }
        double threshold = item.number(above ? "above" : "below", Double.NaN, -1e12, 1e12);
        int n = (int) item.integer("nodes", 1, 1, 100_000);
        double pct = item.number("percent", 0, 0, above ? 1_000 : 100);
        steps.add(new StepScaling.Step(above, threshold, n, pct));
        item.done();
      }
      step = new AutoscalerConfig.StepSettings(m, sustain, steps);
      s.done();
    }
    List<Scheduled.Entry> schedule = new ArrayList<>();
    if (policies.has("scheduled")) {
      for (Section item : policies.list("scheduled", 1, 100)) {
        String at = item.string("at");
        Cron cron;
        try {
          cron = Cron.parse(at);
        } catch (IllegalArgumentException e) {
          throw item.fail("at", e.getMessage());
        }
        int minNodes = (int) item.integer("minNodes", Long.MIN_VALUE, 1, max);
        schedule.add(new Scheduled.Entry(cron, minNodes));
        item.done();
      }
    }
    AutoscalerConfig.PredictiveSettings pred = null;
    if (policies.has("predictive")) {
      Section s = policies.section("predictive");
      long bucket = s.duration("bucket", 300_000, 1_000, 3_600_000);
      long season = s.duration("season", 86_400_000, 2 * bucket, 7 * 86_400_000L);
      if (season % bucket != 0 || season / bucket > Predictive.MAX_SEASON_BUCKETS) {
        throw s.fail("season", "must be a multiple of bucket (" + bucket + " ms) and at most "
            + Predictive.MAX_SEASON_BUCKETS + " buckets");
      }
      pred = new AutoscalerConfig.PredictiveSettings(bucket, (int) (season / bucket),
          s.duration("leadTime", 600_000, 0, season), s.number("alpha", 0.3, 0, 1), s.number("beta", 0.05, 0, 1),
          s.number("gamma", 0.3, 0, 1), s.number("targetOpsPerNode", Double.NaN, 1e-9, 1e12),
          s.number("maxError", 0.2, 0.001, 10));
      s.done();
    }
    AutoscalerConfig.SloSettings slo = null;
    if (policies.has("sloBurnRate")) {
      Section s = policies.section("sloBurnRate");
      double objective = s.number("objective", 0.999, 0.5, 0.999999);
      if (objective >= 1) {
        throw s.fail("objective", "must be < 1");
      }
      double latency = s.number("latencyMs", 10, 0.001, 60_000);
      long period = s.duration("period", 30 * 86_400_000L, 3_600_000, 366 * 86_400_000L);
      long bucket = s.duration("bucket", 10_000, 1_000, 600_000);
      Section fast = s.section("fast");
      long fl = fast.duration("long", 3_600_000, bucket, 7 * 86_400_000L);
      long fs = fast.duration("short", 300_000, bucket, fl);
      double ff = fast.number("factor", 14.4, 1, 1_000);
      double fp = fast.number("stepPercent", 50, 1, 1_000);
      fast.done();
      Section slow = s.section("slow");
      long sl = slow.duration("long", 21_600_000, bucket, 7 * 86_400_000L);
      long ss = slow.duration("short", 1_800_000, bucket, sl);
      double sf = slow.number("factor", 6, 1, 1_000);
      double sp = slow.number("stepPercent", 20, 1, 1_000);
      slow.done();
      if (Math.max(fl, sl) / bucket + 2 > dev.tide.autoscaler.policy.SloBurnRate.MAX_SLOTS) {
        throw s.fail("bucket", "longest window / bucket exceeds " + dev.tide.autoscaler.policy.SloBurnRate.MAX_SLOTS);
      }
      slo = new AutoscalerConfig.SloSettings(objective, latency, period, bucket, fl, fs, ff, fp, sl, ss, sf, sp,
          s.duration("stepInterval", 60_000, 0, 3_600_000));
      s.done();
    }
    policies.done();
    if (tt == null && step == null && schedule.isEmpty() && pred == null && slo == null) {
      throw top.fail("policies", "configure at least one policy (targetTracking, stepScaling, scheduled, "
          + "predictive, sloBurnRate)");
    }

    Section g = top.section("guards");
    long outStab = g.duration("scaleOutStabilization", 0, 0, 3_600_000);
    long inStab = g.duration("scaleInStabilization", 120_000, 0, 3_600_000);
    long outCool = g.duration("scaleOutCooldown", 0, 0, 3_600_000);
    long inCool = g.duration("scaleInCooldown", 15_000, 0, 3_600_000);
    int outNodes = (int) g.integer("maxStepOutNodes", 4, 1, 100_000);
    double outPct = g.number("maxStepOutPercent", 300, 0, 10_000);
    int inNodes = (int) g.integer("maxStepInNodes", 1, 1, 100_000);
    double inPct = g.number("maxStepInPercent", 50, 0, 100);
    Section p = g.section("panic");
    boolean panicOn = p.bool("enabled", tt != null);
    double threshold = p.number("threshold", 2.0, 1.01, 100);
    long hold = p.duration("hold", stable, 0, 3_600_000);
    if (panicOn && tt == null) {
      throw p.fail("enabled", "panic mode needs policies.targetTracking (it re-runs it on the panic window)");
    }
    p.done();
    double cost = g.number("costLimitNodeHoursPerDay", 0, 0, 1e9);
    if (cost > 0 && cost < min * 24.0) {
      throw g.fail("costLimitNodeHoursPerDay", "must be 0 (off) or >= nodes.min x 24 (" + min * 24 + "), got " + cost);
    }
    g.done();

    Section liveSection = top.section("live");
    AutoscalerConfig.LiveSettings live = new AutoscalerConfig.LiveSettings(
        liveSection.duration("scrapeTimeout", Math.min(2_000, interval), 100, 60_000),
        liveSection.duration("manualHold", 300_000, 0, 86_400_000));
    if (live.scrapeTimeoutMs() > interval) {
      throw liveSection.fail("scrapeTimeout", "must be <= evaluationInterval (" + interval + " ms): a scrape must end "
          + "before the next one starts");
    }
    liveSection.done();

    AutoscalerConfig.KubernetesSettings k8s = null;
    if (top.has("kubernetes")) {
      Section k = top.section("kubernetes");
      String sts = k.name("statefulSet", "tide");
      long drainTimeout = k.duration("drainTimeout", 600_000, 1_000, 86_400_000);
      long drainPoll = k.duration("drainPoll", 2_000, 100, 60_000);
      if (drainPoll > drainTimeout) {
        throw k.fail("drainPoll", "must be <= drainTimeout (" + drainTimeout + " ms)");
      }
      k8s = new AutoscalerConfig.KubernetesSettings(k.name("namespace", "tide"), sts, k.name("service", sts),
          k.name("clusterDomain", "cluster.local"), (int) k.integer("clientPort", 6379, 1, 65535),
          (int) k.integer("metricsPort", 9121, 1, 65535), drainTimeout, drainPoll);
      k.done();
    }
    top.done();
    GuardSettings guards = new GuardSettings(min, max, outStab, inStab, outCool, inCool, outNodes, outPct, inNodes,
        inPct, warmUp, panicOn, threshold, hold, cost);
    return new AutoscalerConfig(interval, stable, panic, guards, tt, step, List.copyOf(schedule), pred, slo, live, k8s);
  }

  /** A mapping being read, with its field path; tracks which keys were used. */
  private final class Section {
    private final String path;
    private final MapNode node;
    private final Set<String> used = new HashSet<>();

    Section(String path, MapNode node) {
      this.path = path;
      this.node = node;
    }

    boolean has(String key) {
      used.add(key); // a key asked about is a known key, for the "unknown field" message
      return node.entries().containsKey(key);
    }

    private String field(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    ConfigException fail(String key, String message) {
      Integer line = node.keyLines().get(key);
      return new ConfigException(file + ":" + (line != null ? line : node.line()) + ": " + field(key) + ": " + message);
    }

    private Scalar scalar(String key) {
      used.add(key);
      Node n = node.entries().get(key);
      if (n == null) {
        return null;
      }
      if (!(n instanceof Scalar s)) {
        throw fail(key, "expected a single value, got a " + (n instanceof MapNode ? "mapping" : "list"));
      }
      return s;
    }

    Section section(String key) {
      used.add(key);
      Node n = node.entries().get(key);
      if (n == null) {
        return new Section(field(key), new MapNode(java.util.Map.of(), java.util.Map.of(), node.line()));
      }
      if (!(n instanceof MapNode m)) {
        throw fail(key, "expected a mapping of 'key: value' lines");
      }
      return new Section(field(key), m);
    }

    List<Section> list(String key, int minItems, int maxItems) {
      used.add(key);
      Node n = node.entries().get(key);
      if (!(n instanceof ListNode l)) {
        throw fail(key, n == null ? "is required" : "expected a list of '- ' items");
      }
      if (l.items().size() < minItems || l.items().size() > maxItems) {
        throw fail(key, "needs " + minItems + " to " + maxItems + " items, got " + l.items().size());
      }
      List<Section> out = new ArrayList<>();
      for (int i = 0; i < l.items().size(); i++) {
        if (!(l.items().get(i) instanceof MapNode m)) {
          throw fail(key, "item " + (i + 1) + " must be a mapping ('- key: value')");
        }
        out.add(new Section(field(key) + "[" + i + "]", m));
      }
      return out;
    }

    /** A DNS-style name (Kubernetes object names, domains): lower-case letters, digits, '-' and '.'. */
    String name(String key, String dflt) {
      Scalar s = scalar(key);
      String v = s == null ? dflt : s.text();
      if (!v.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
        throw fail(key, "expected a lower-case DNS name (a-z, 0-9, '-', '.'), got '" + v + "'");
      }
      return v;
    }

    String string(String key) {
      Scalar s = scalar(key);
      if (s == null) {
        throw fail(key, "is required");
      }
      return s.text();
    }

    double number(String key, double dflt, double min, double max) {
      Scalar s = scalar(key);
      if (s == null) {
        if (Double.isNaN(dflt)) {
          throw fail(key, "is required");
        }
        return dflt;
      }
      double v;
      try {
        v = Double.parseDouble(s.text());
      } catch (NumberFormatException e) {
        throw fail(key, "expected a number, got '" + s.text() + "'");
      }
      if (!Double.isFinite(v) || v < min || v > max) {
        throw fail(key, "must be between " + fmt(min) + " and " + fmt(max) + ", got " + s.text());
      }
      return v;
    }

    long integer(String key, long dflt, long min, long max) {
      Scalar s = scalar(key);
      if (s == null) {
        if (dflt == Long.MIN_VALUE) {
          throw fail(key, "is required");
        }
        return dflt;
      }
      long v;
      try {
        v = Long.parseLong(s.text());
      } catch (NumberFormatException e) {
        throw fail(key, "expected a whole number, got '" + s.text() + "'");
      }
      if (v < min || v > max) {
        throw fail(key, "must be between " + min + " and " + max + ", got " + v);
      }
      return v;
    }

    boolean bool(String key, boolean dflt) {
      Scalar s = scalar(key);
      if (s == null) {
        return dflt;
      }
      return switch (s.text()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw fail(key, "expected true or false, got '" + s.text() + "'");
      };
    }

    Metric metric(String key, Metric dflt) {
      Scalar s = scalar(key);
      if (s == null) {
        return dflt;
      }
      Metric m = Metric.byConfigName(s.text());
      if (m == null) {
        throw fail(key, "unknown metric '" + s.text() + "' (one of " + Metric.names() + ")");
      }
      return m;
    }

    /** A duration with a unit: 500ms, 10s, 5m, 1h, 1d. */
    long duration(String key, long dfltMs, long minMs, long maxMs) {
      Scalar s = scalar(key);
      if (s == null) {
        return dfltMs;
      }
      long ms = parseDuration(s.text());
      if (ms < 0) {
        throw fail(key, "expected a duration with a unit (500ms, 10s, 5m, 1h, 1d), got '" + s.text() + "'");
      }
      if (ms < minMs || ms > maxMs) {
        throw fail(key, "must be between " + minMs + " ms and " + maxMs + " ms, got " + s.text());
      }
      return ms;
    }

    void done() {
      for (String key : node.entries().keySet()) {
        if (!used.contains(key)) {
          throw fail(key, "unknown field (known here: " + String.join(", ", used) + ")");
        }
      }
    }
  }

  /** Milliseconds of "500ms", "10s", "5m", "1h", "1d"; -1 when malformed. */
  static long parseDuration(String text) {
    String[] units = {"ms", "s", "m", "h", "d"};
    long[] factors = {1, 1_000, 60_000, 3_600_000, 86_400_000};
    for (int i = 0; i < units.length; i++) {
      if (text.endsWith(units[i])) {
        String n = text.substring(0, text.length() - units[i].length());
        if (n.isEmpty() || !n.chars().allMatch(Character::isDigit) || n.length() > 9) {
          return -1;
        }
        return Long.parseLong(n) * factors[i];
      }
    }
    return -1;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
