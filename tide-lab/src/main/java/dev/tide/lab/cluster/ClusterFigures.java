package dev.tide.lab.cluster;

/**
 * One target's figures in {@code ./tide bench cluster}; NaN where a phase did not run.
 *
 * @param setOps            closed-loop SET peak: successful writes per second
 * @param getOps            closed-loop GET peak
 * @param halfRateOps       the open-loop rate offered in the latency phase: half of {@code setOps}
 * @param halfOps           what was achieved at that rate
 * @param halfP50Ms         latency at half load, from the intended start (no coordinated omission)
 * @param errors            failed requests over the three measured phases
 * @param retries           redirects and TRYAGAIN retries over the three phases
 * @param serverCpuUsPerSet CPU time of all server processes per successful write in the SET peak
 *                          (user + system, µs), NaN when the processes were not readable
 */
public record ClusterFigures(String target, String description, String failure,
                             double setOps, double setP50Ms, double setP99Ms,
                             double getOps, double getP50Ms, double getP99Ms,
                             double halfRateOps, double halfOps, double halfP50Ms, double halfP99Ms, double halfP999Ms,
                             long errors, long retries, double serverCpuUsPerSet) {

  /** A target that did not start or failed before any figure. */
  public static ClusterFigures failed(String target, String description, String failure) {
    double n = Double.NaN;
    return new ClusterFigures(target, description, failure, n, n, n, n, n, n, n, n, n, n, n, 0, 0, n);
  }
}
