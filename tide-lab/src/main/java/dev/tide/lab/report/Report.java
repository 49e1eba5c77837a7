package dev.tide.lab.report;

import dev.tide.lab.harness.Benchmark.TargetRun;

import java.util.List;

/** Everything a report shows: what was run, where, how, and each target's result. */
public record Report(String name, String command, MachineInfo machine, String workload, String runMode,
                     int connections, long warmupNs, String baseline, List<TargetRun> runs, long createdEpochMs) {

  public Report {
    runs = List.copyOf(runs);
  }

  /** The baseline's run, or null when there is none (or it failed). */
  public TargetRun baselineRun() {
    if (baseline == null) {
      return null;
    }
    return runs.stream().filter(r -> r.target().equals(baseline) && r.result() != null).findFirst().orElse(null);
  }
}
