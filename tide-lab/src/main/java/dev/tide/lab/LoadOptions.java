package dev.tide.lab;

import dev.tide.lab.harness.BenchPlan;
import dev.tide.lab.run.RunConfig;
import dev.tide.lab.schedule.RateProfile;
import dev.tide.lab.schedule.RateProfiles;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.targets.Targets;
import dev.tide.lab.workload.KeyChooser;
import dev.tide.lab.workload.ValueSizer;
import dev.tide.lab.workload.WorkloadSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options shared by {@code bench run} and {@code bench compare}: workload, load shape, bounds, safety, output. */
public final class LoadOptions {

  /** Default offered load: every target here sustains it on a 2-core machine, so latency is compared at equal load. */
  static final double DEFAULT_RATE_OPS_PER_SEC = 10_000;
  /** Default cap on requests per phase, the second bound next to the duration. */
  static final long DEFAULT_MAX_REQUESTS = 100_000_000L;

  @Option(names = "--workload", paramLabel = "TYPE", description = "get-set (default), hash, list, zset, pubsub.")
  String workload = "get-set";

  @Option(names = "--read-ratio", paramLabel = "R", description = "Fraction of reads (GET, HGET, LRANGE, ZRANGE); default ${DEFAULT-VALUE}.")
  double readRatio = 0.9;

  @Option(names = "--keys", paramLabel = "N", description = "Key count (default ${DEFAULT-VALUE}).")
  long keys = 10_000;

  @Option(names = "--key-dist", paramLabel = "DIST",
      description = "uniform (default), zipf[:θ] (θ default 0.99), hotspot[:HOT_KEYS,HOT_OPS] (default 0.2,0.8), sequential.")
  String keyDist = "uniform";

  @Option(names = "--value-size", paramLabel = "SIZE", description = "Bytes: N, uniform:MIN-MAX, exp:MEAN (default ${DEFAULT-VALUE}).")
  String valueSize = "100";

  @Option(names = "--fields", paramLabel = "N", description = "Fields per hash / members per sorted set (default ${DEFAULT-VALUE}).")
  int fields = 10;

  @Option(names = "--seed", paramLabel = "N", description = "Random seed; same seed, same operations (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--rate", paramLabel = "OPS", description = "Open-loop rate in ops/s (default 10000).")
  String rate;

  @Option(names = "--profile", paramLabel = "SPEC",
      description = "Open-loop rate profile: constant:R, step:R1,R2@5s, ramp:R1..R2@20s, sine:MEAN,AMP,PERIOD, "
          + "spike:BASE,PEAK,AT,LEN, trace:FILE (overrides --rate).")
  String profile;

  @Option(names = "--closed-loop", description = "Closed loop: each connection keeps --pipeline requests outstanding (max rate).")
  boolean closedLoop;

  @Option(names = "--pipeline", paramLabel = "N", description = "Closed loop: requests outstanding per connection (default ${DEFAULT-VALUE}).")
  int pipeline = 1;

  @Option(names = "--connections", paramLabel = "N", description = "Connections per node (default ${DEFAULT-VALUE}).")
  int connections = 4;

  @Option(names = "--io-threads", paramLabel = "N", description = "Client event-loop threads (default ${DEFAULT-VALUE}).")
  int ioThreads = 1;

  @Option(names = "--duration", paramLabel = "TIME", description = "Measured time, e.g. 20s, 2m (default ${DEFAULT-VALUE}).")
  String duration = "10s";

  @Option(names = "--requests", paramLabel = "N", description = "Most requests in the measured phase (default 100000000).")
  long requests = DEFAULT_MAX_REQUESTS;

  @Option(names = "--warmup", paramLabel = "TIME", description = "Unmeasured load before measuring (default ${DEFAULT-VALUE}).")
  String warmup = "5s";

  @Option(names = "--no-preload", description = "Do not write every key before warming up.")
  boolean noPreload;

  @Option(names = "--subscribers", paramLabel = "N", description = "pubsub: subscriber connections (default ${DEFAULT-VALUE}).")
  int subscribers = 4;

  @Option(names = "--timeout", paramLabel = "TIME", description = "Request timeout (default ${DEFAULT-VALUE}).")
  String timeout = "10s";

  @Option(names = "--max-in-flight", paramLabel = "N", description = "Open loop: most unanswered requests (default 100000).")
  int maxInFlight = RunConfig.DEFAULT_MAX_IN_FLIGHT;

  @Option(names = "--cluster-nodes", paramLabel = "N", description = "Nodes of the redis-cluster (masters) and tide-cluster targets (default ${DEFAULT-VALUE}).")
  int clusterNodes = 3;

  @Option(names = "--allow-address", paramLabel = "IP", split = ",",
      description = "Also allow these literal IPs (test hosts a harness created in its own network namespaces). "
          + "Without it only loopback is allowed.")
  List<String> allowAddresses = new ArrayList<>();

  @Option(names = "--results", paramLabel = "DIR", description = "Where result directories go (default: results/ in the repository).")
  Path results;

  @Option(names = "--name", paramLabel = "NAME", description = "Name of the result directory (after the timestamp).")
  String name;

  WorkloadSpec workloadSpec() {
    return new WorkloadSpec(WorkloadSpec.Type.parse(workload), readRatio, keys, KeyChooser.parse(keyDist, keys),
        ValueSizer.parse(valueSize), fields, seed);
  }

  RunConfig runConfig() {
    long durationNs = nanos("--duration", duration);
    long timeoutNs = nanos("--timeout", timeout);
    if (closedLoop) {
      if (rate != null || profile != null) {
        throw new IllegalArgumentException("--closed-loop runs as fast as replies come: drop --rate/--profile");
      }
      return new RunConfig(false, null, durationNs, requests, pipeline, maxInFlight, timeoutNs);
    }
    RateProfile p = profile != null ? RateProfiles.parse(profile)
        : new RateProfile.Constant(rate != null ? RateProfiles.parse(rate).rateAt(0) : DEFAULT_RATE_OPS_PER_SEC);
    return new RunConfig(true, p, durationNs, requests, pipeline, maxInFlight, timeoutNs);
  }

  BenchPlan plan(String defaultName, List<String> targets, String baseline, String command) {
    long warmupNs = warmup.equals("0") ? 0 : nanos("--warmup", warmup);
    Path root = root();
    TargetGuard guard = TargetGuard.allowing(allowAddresses);
    for (String t : targets) {
      Targets.validate(t, guard); // refuse a bad address before anything starts
    }
    return new BenchPlan(name != null ? name : defaultName, targets, baseline, workloadSpec(), runConfig(), connections,
        ioThreads, warmupNs, !noPreload, subscribers, clusterNodes, guard, root,
        results != null ? results : root.resolve("results"), command);
  }

  static Path root() {
    String r = System.getenv("ROOT");
    return r != null && !r.isBlank() ? Path.of(r) : Path.of("").toAbsolutePath();
  }

  static long nanos(String option, String text) {
    double sec;
    try {
      sec = RateProfiles.seconds(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": bad time '" + text + "' (e.g. 500ms, 20s, 2m)");
    }
    if (!(sec >= 0) || sec > RunConfig.MAX_DURATION_NS / 1e9) {
      throw new IllegalArgumentException(option + " must be between 0 and 1h, got " + text);
    }
    return (long) (sec * 1e9);
  }
}
