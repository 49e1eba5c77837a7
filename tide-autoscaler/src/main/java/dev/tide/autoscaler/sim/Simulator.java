package dev.tide.autoscaler.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs controllers on a trace: one {@link ClusterModel} per controller, stepped once per simulated
 * second. Each second the model serves the offered load; the controller sees the observation of
 * {@code metricLagMs} ago and may set a new size, which the model starts acting on at once (nodes
 * still need start-up and data movement). Measures what {@link SimResult} lists.
 */
public final class Simulator {

  /** A scale-out followed by a scale-in (or the reverse) within this window is a flap. */
  public static final long FLAP_WINDOW_MS = 600_000;
  /** Violation episodes closer than this are one episode (recovery is not declared in a lull). */
  static final int EPISODE_MERGE_SEC = 60;
  /** The SLO's percentile: a minute violates when more than 1% of its requests are slow. */
  static final double SLOW_FRACTION_ALLOWED = 0.01;

  private final ModelParams params;
  private final int initialNodes;

  public Simulator(ModelParams params, int initialNodes) {
    this.params = params;
    this.initialNodes = initialNodes;
  }

  public List<SimResult> run(Trace trace, List<Controller> controllers) {
    List<SimResult> out = new ArrayList<>();
    for (Controller c : controllers) {
      out.add(run(trace, c));
    }
    return out;
  }

  public SimResult run(Trace trace, Controller controller) {
    int seconds = trace.seconds();
    int minutes = (seconds + 59) / 60;
    ClusterModel model = new ClusterModel(params, initialNodes);
    int lagSec = (int) Math.max(0, controller.metricLagMs() / 1_000);
    Observation[] lagRing = new Observation[lagSec + 1];
    double[] minuteLoad = new double[minutes];
    double[] minuteNodes = new double[minutes];
    double[] minuteP99 = new double[minutes];
    long[] minuteRequests = new long[minutes];
    long[] minuteSlow = new long[minutes];
    int actions = 0;
    int flaps = 0;
    int lastDirection = 0;
    long lastActionMs = Long.MIN_VALUE / 2;
    int peak = 0;
    int episodeStart = -1;
    int lastViolation = -EPISODE_MERGE_SEC - 1;
    int worstEpisode = 0;
    for (int t = 0; t < seconds; t++) {
      long endMs = (t + 1) * 1_000L;
      Observation o = model.step(endMs, trace.at(t));
      int m = t / 60;
      minuteLoad[m] += o.offeredOps();
      minuteNodes[m] += model.billed();
      minuteP99[m] = Math.max(minuteP99[m], o.p99Ms());
      minuteRequests[m] += o.requests();
      minuteSlow[m] += o.slow();
      peak = Math.max(peak, model.billed());
      if (o.p99Ms() > params.sloLatencyMs()) {
        if (t - lastViolation > EPISODE_MERGE_SEC) {
          episodeStart = t;
        }
        lastViolation = t;
        worstEpisode = Math.max(worstEpisode, t - episodeStart + 1);
      }
      lagRing[t % lagRing.length] = o;
      Observation seen = lagRing[Math.max(0, t - lagSec) % lagRing.length];
      int before = model.provisioned();
      int desired = controller.step(endMs, seen, before);
      if (desired >= 0) {
        model.scaleTo(endMs, desired);
        int after = model.provisioned();
        if (after != before) {
          actions++;
          int dir = after > before ? 1 : -1;
          if (lastDirection != 0 && dir != lastDirection && endMs - lastActionMs <= FLAP_WINDOW_MS) {
            flaps++;
          }
          lastDirection = dir;
          lastActionMs = endMs;
        }
      }
    }
    int violationMinutes = 0;
    for (int m = 0; m < minutes; m++) {
      int len = Math.min(60, seconds - m * 60);
      minuteLoad[m] /= len;
      minuteNodes[m] /= len;
      if (minuteRequests[m] > 0 && minuteSlow[m] > SLOW_FRACTION_ALLOWED * minuteRequests[m]) {
        violationMinutes++;
      }
    }
    return new SimResult(controller.name(), violationMinutes, model.nodeHours(), actions, flaps, worstEpisode, peak,
        minuteLoad, minuteNodes, minuteP99);
  }
}
