package dev.tide.autoscaler.sim;

/**
 * AWS EC2 Auto Scaling target tracking on average CPU with its alarm timings: CloudWatch one-minute
 * averages, available about a minute late; the scale-out alarm fires after 3 consecutive one-minute
 * points above the target, the scale-in alarm after 15 consecutive points below 90% of it; on
 * alarm the capacity becomes ceil(in-service × metric / target) (scale-in by at most 10% of the
 * capacity per action, as target tracking removes capacity gradually); instance warm-up 300 s:
 * while instances warm, scale-in is blocked and a scale-out counts warming instances as capacity.
 */
public final class AwsTargetTrackingController implements Controller {

  static final long PERIOD_MS = 60_000;
  static final int OUT_POINTS = 3;
  static final int IN_POINTS = 15;
  static final long WARM_UP_MS = 300_000;

  private final double targetCpu;
  private double sum;
  private int count;
  private long periodStartMs = Long.MIN_VALUE;
  private int above;
  private int below;
  private long lastScaleOutMs = Long.MIN_VALUE / 2;

  public AwsTargetTrackingController(double targetCpu) {
    this.targetCpu = targetCpu;
  }

  @Override
  public String name() {
    return "aws";
  }

  @Override
  public long metricLagMs() {
    return 60_000;
  }

  @Override
  public int step(long nowMs, Observation o, int provisioned) {
    if (periodStartMs == Long.MIN_VALUE) {
      periodStartMs = o.atMs();
    }
    sum += o.cpu();
    count++;
    if (o.atMs() - periodStartMs < PERIOD_MS) {
      return -1;
    }
    double point = sum / count;
    sum = 0;
    count = 0;
    periodStartMs = o.atMs();
    above = point > targetCpu ? above + 1 : 0;
    below = point < 0.9 * targetCpu ? below + 1 : 0;
    int inService = Math.max(1, o.readyNodes());
    if (above >= OUT_POINTS) { // the alarm stays in ALARM while points stay above: scale each minute
      int desired = (int) Math.ceil(inService * point / targetCpu - 1e-9);
      if (desired > provisioned) {
        lastScaleOutMs = nowMs;
        return desired;
      }
      return -1;
    }
    if (below >= IN_POINTS && nowMs - lastScaleOutMs >= WARM_UP_MS && o.readyNodes() >= provisioned) {
      int desired = (int) Math.ceil(inService * point / targetCpu - 1e-9);
      int floor = provisioned - Math.max(1, (int) Math.floor(provisioned * 0.1));
      return Math.max(desired, floor);
    }
    return -1;
  }
}
