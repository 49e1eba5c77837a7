package dev.tide.lab.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Overall progress of a multi-phase benchmark: the planned steps with an estimate each; as steps
 * begin, the remaining time is the estimate of every step not finished, with the current step's
 * estimate reduced by the time it has already run.
 */
final class Eta {

  /** A planned step and its estimated length. */
  record Step(String name, double estimateSec) {
  }

  private final List<Step> steps = new ArrayList<>();
  private int current = -1;
  private long currentStartNs;

  Eta add(String name, double estimateSec) {
    steps.add(new Step(name, estimateSec));
    return this;
  }

  int size() {
    return steps.size();
  }

  List<Step> steps() {
    return List.copyOf(steps);
  }

  double totalSec() {
    return steps.stream().mapToDouble(Step::estimateSec).sum();
  }

  /** Marks the step named {@code name} (the next one of that name) as begun, returns a line "[3/12, ETA 4m10s] name". */
  String begin(String name, long nowNs) {
    for (int i = current + 1; i < steps.size(); i++) {
      if (steps.get(i).name().equals(name)) {
        current = i;
        currentStartNs = nowNs;
        return "[" + (i + 1) + "/" + steps.size() + ", ETA " + format(remainingSec(nowNs)) + "] " + name;
      }
    }
    return "[" + name + "]";
  }

  /** Skips the steps up to (not including) the first one named {@code name} (a target that failed). */
  void skipTo(String prefix) {
    for (int i = current + 1; i < steps.size(); i++) {
      if (steps.get(i).name().startsWith(prefix)) {
        current = i - 1;
        return;
      }
    }
    current = steps.size() - 1;
  }

  double remainingSec(long nowNs) {
    double sum = 0;
    for (int i = Math.max(0, current); i < steps.size(); i++) {
      sum += steps.get(i).estimateSec();
    }
    if (current >= 0) {
      sum -= Math.min(steps.get(current).estimateSec(), (nowNs - currentStartNs) / 1e9);
    }
    return Math.max(0, sum);
  }

  /** "45s", "4m10s", "1h02m". */
  static String format(double sec) {
    long s = Math.round(Math.max(0, sec));
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
