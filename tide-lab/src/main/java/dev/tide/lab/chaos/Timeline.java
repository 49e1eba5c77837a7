package dev.tide.lab.chaos;

import dev.tide.lab.check.Op;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-second figures of a chaos run, computed from its history: operations completed ok, failed
 * and unknown in each second (by completion time; unknown ones by when the client gave up), and
 * the p50/p99 latency of the ok ones. The report draws it with the fault windows shaded.
 */
public record Timeline(List<Second> seconds) {

  /** One second of the run. */
  public record Second(int second, long ok, long fail, long unknown, double p50Ms, double p99Ms) {
  }

  /** Longest run drawn: bounds memory for a pathological history. */
  static final int MAX_SECONDS = 24 * 3600;

  public static Timeline of(List<Op> history) {
    long last = 0;
    for (Op op : history) {
      last = Math.max(last, op.completeNs());
    }
    int n = (int) Math.min(MAX_SECONDS, last / 1_000_000_000L + 1);
    long[] ok = new long[n];
    long[] fail = new long[n];
    long[] unknown = new long[n];
    List<Histogram> lat = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lat.add(new Histogram(3_600_000_000_000L, 2));
    }
    for (Op op : history) {
      int s = (int) Math.min(n - 1, op.completeNs() / 1_000_000_000L);
      switch (op.outcome()) {
        case OK -> {
          ok[s]++;
          lat.get(s).recordValue(Math.max(1, Math.min(op.completeNs() - op.invokeNs(), 3_600_000_000_000L)));
        }
        case FAIL -> fail[s]++;
        case UNKNOWN -> unknown[s]++;
      }
    }
    List<Second> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Histogram h = lat.get(i);
      boolean any = h.getTotalCount() > 0;
      out.add(new Second(i, ok[i], fail[i], unknown[i], any ? h.getValueAtPercentile(50) / 1e6 : Double.NaN,
          any ? h.getValueAtPercentile(99) / 1e6 : Double.NaN));
    }
    return new Timeline(List.copyOf(out));
  }
}
