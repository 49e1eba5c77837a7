package dev.tide.lab.harness;

import dev.tide.lab.run.RunConfig;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.workload.WorkloadSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a benchmark needs, fixed before the first target starts, so that every target is
 * measured the same way.
 *
 * @param connections  lanes: connections per node
 * @param warmupNs     unmeasured load before the measured phase (same profile/mode), 0 for none
 * @param preload      fill the key space before warm-up
 * @param subscribers  pub/sub workload: subscriber connections (each on every channel)
 * @param command      the command line that reproduces the run, for the report
 */
public record BenchPlan(String name, List<String> targets, String baseline, WorkloadSpec workload, RunConfig run,
                        int connections, int ioThreads, long warmupNs, boolean preload, int subscribers,
                        int clusterNodes, TargetGuard guard, Path root, Path resultsDir, String command) {

  /** Most connections per node (each is a socket and a lane). */
  public static final int MAX_CONNECTIONS = 1_024;
  /** Most pub/sub subscriber connections. */
  public static final int MAX_SUBSCRIBERS = 1_000;

  public BenchPlan {
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no targets");
    }
    if (connections < 1 || connections > MAX_CONNECTIONS) {
      throw new IllegalArgumentException("--connections must be 1.." + MAX_CONNECTIONS + ", got " + connections);
    }
    if (subscribers < 0 || subscribers > MAX_SUBSCRIBERS) {
      throw new IllegalArgumentException("--subscribers must be 0.." + MAX_SUBSCRIBERS + ", got " + subscribers);
    }
    if (baseline != null && !targets.contains(baseline)) {
      throw new IllegalArgumentException("--baseline " + baseline + " is not one of the targets " + targets);
    }
  }
}
