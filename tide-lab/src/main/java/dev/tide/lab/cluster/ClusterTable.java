package dev.tide.lab.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tables of {@code ./tide bench cluster}: raw figures per target, the ratios of Tide to each
 * reference (Redis Cluster, etcd), and the goals with the measured value and a verdict.
 * Text and HTML are rendered from the same rows, so they always show the same numbers.
 */
public final class ClusterTable {

  /** Target names as the lab knows them. */
  public static final String TIDE = "tide-cluster";
  public static final String REDIS_CLUSTER = "redis-cluster";
  public static final String ETCD = "etcd";

  /** Goal: Tide's writes at least this fraction of Redis Cluster's (same run). */
  public static final double GOAL_WRITES_VS_REDIS_CLUSTER = 0.5;
  /** Goal: Tide's writes at least this multiple of etcd's (same run). */
  public static final double GOAL_WRITES_VS_ETCD = 10;
  /** Goal: p99 of writes at half of the peak rate at most this (ms). */
  public static final double GOAL_HALF_LOAD_P99_MS = 5;

  private ClusterTable() {
  }

  public static final List<String> HEADERS = List.of("target", "SET ops/s", "SET p50 ms", "SET p99 ms", "GET ops/s",
      "GET p50 ms", "GET p99 ms", "half-load SET ops/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "retries",
      "server CPU µs/SET");

  /** One row per target. */
  public static List<List<String>> rows(List<ClusterFigures> figures) {
    List<List<String>> rows = new ArrayList<>();
    for (ClusterFigures f : figures) {
      if (f.failure() != null && Double.isNaN(f.setOps())) {
        List<String> row = new ArrayList<>(List.of(f.target(), "failed (below)"));
        while (row.size() < HEADERS.size()) {
          row.add("");
        }
        rows.add(row);
        continue;
      }
      rows.add(List.of(f.target(), ops(f.setOps()), ms(f.setP50Ms()), ms(f.setP99Ms()), ops(f.getOps()),
          ms(f.getP50Ms()), ms(f.getP99Ms()), ops(f.halfOps()) + " of " + ops(f.halfRateOps()), ms(f.halfP50Ms()),
          ms(f.halfP99Ms()), ms(f.halfP999Ms()), String.format(Locale.ROOT, "%,d", f.errors()),
          String.format(Locale.ROOT, "%,d", f.retries()), num(f.serverCpuUsPerSet())));
    }
    return rows;
  }

  public static final List<String> RATIO_HEADERS = List.of("ratio", "SET ops/s", "GET ops/s", "half-load p99",
      "server CPU per SET");

  /**
   * Tide ÷ each reference present: throughput ratios (above 1: Tide does more) and latency and
   * CPU ratios (above 1: Tide is slower / costs more). Empty when Tide has no figures.
   */
  public static List<List<String>> ratios(List<ClusterFigures> figures) {
    ClusterFigures tide = find(figures, TIDE);
    List<List<String>> rows = new ArrayList<>();
    if (tide == null || Double.isNaN(tide.setOps())) {
      return rows;
    }
    for (String ref : List.of(REDIS_CLUSTER, ETCD)) {
      ClusterFigures r = find(figures, ref);
      if (r == null) {
        continue;
      }
      rows.add(List.of("Tide / " + label(ref), ratio(tide.setOps(), r.setOps()), ratio(tide.getOps(), r.getOps()),
          ratio(tide.halfP99Ms(), r.halfP99Ms()), ratio(tide.serverCpuUsPerSet(), r.serverCpuUsPerSet())));
    }
    return rows;
  }

  /** A goal of the issue: what it asks, what was measured, whether it was met (null: not measured). */
  public record Goal(String goal, String measured, Boolean met) {
    public String verdict() {
      return met == null ? "not measured" : met ? "met" : "NOT met";
    }
  }

  public static List<Goal> goals(List<ClusterFigures> figures) {
    ClusterFigures tide = find(figures, TIDE);
    ClusterFigures redis = find(figures, REDIS_CLUSTER);
    ClusterFigures etcd = find(figures, ETCD);
    List<Goal> goals = new ArrayList<>();
    double vsRedis = tide == null || redis == null ? Double.NaN : tide.setOps() / redis.setOps();
    goals.add(new Goal("writes >= " + GOAL_WRITES_VS_REDIS_CLUSTER + "x Redis Cluster (same run)",
        Double.isNaN(vsRedis) ? "n/a" : String.format(Locale.ROOT, "%.2fx (%s vs %s ops/s)", vsRedis, ops(tide.setOps()),
            ops(redis.setOps())), verdict(vsRedis, GOAL_WRITES_VS_REDIS_CLUSTER, true)));
    double vsEtcd = tide == null || etcd == null ? Double.NaN : tide.setOps() / etcd.setOps();
    goals.add(new Goal("writes >= " + fmt(GOAL_WRITES_VS_ETCD) + "x 3-node etcd (same run)",
        Double.isNaN(vsEtcd) ? "n/a" : String.format(Locale.ROOT, "%.2fx (%s vs %s ops/s)", vsEtcd, ops(tide.setOps()),
            ops(etcd.setOps())), verdict(vsEtcd, GOAL_WRITES_VS_ETCD, true)));
    double p99 = tide == null ? Double.NaN : tide.halfP99Ms();
    goals.add(new Goal("write p99 <= " + fmt(GOAL_HALF_LOAD_P99_MS) + " ms at half of peak",
        Double.isNaN(p99) ? "n/a" : String.format(Locale.ROOT, "%s ms at %s ops/s", ms(p99), ops(tide.halfRateOps())),
        verdict(p99, GOAL_HALF_LOAD_P99_MS, false)));
    return goals;
  }

  private static Boolean verdict(double value, double bound, boolean atLeast) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return null;
    }
    return atLeast ? value >= bound : value <= bound;
  }

  /** The text tables: figures, ratios, goals. */
  public static String render(List<ClusterFigures> figures) {
    StringBuilder sb = new StringBuilder();
    List<List<String>> main = new ArrayList<>();
    main.add(HEADERS);
    main.addAll(rows(figures));
    sb.append(table(main));
    for (ClusterFigures f : figures) {
      if (f.failure() != null) {
        sb.append(f.target()).append(" failed: ").append(f.failure()).append('\n');
      }
    }
    List<List<String>> ratios = ratios(figures);
    if (!ratios.isEmpty()) {
      sb.append('\n');
      List<List<String>> r = new ArrayList<>();
      r.add(RATIO_HEADERS);
      r.addAll(ratios);
      sb.append(table(r));
    }
    sb.append('\n');
    List<List<String>> g = new ArrayList<>();
    g.add(List.of("goal (issue 4)", "measured", "verdict"));
    for (Goal goal : goals(figures)) {
      g.add(List.of(goal.goal(), goal.measured(), goal.verdict()));
    }
    sb.append(table(g));
    return sb.toString();
  }

  /** A plain text table: first row is the header, columns padded, numbers right-aligned. */
  static String table(List<List<String>> rows) {
    int cols = rows.get(0).size();
    int[] widths = new int[cols];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(i == 0 ? String.format("%-" + widths[i] + "s", cell) : String.format("  %" + widths[i] + "s", cell));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        sb.append("-".repeat(line.length())).append('\n');
      }
    }
    return sb.toString();
  }

  static ClusterFigures find(List<ClusterFigures> figures, String target) {
    for (ClusterFigures f : figures) {
      if (f.target().equals(target)) {
        return f;
      }
    }
    return null;
  }

  static String label(String target) {
    return switch (target) {
      case REDIS_CLUSTER -> "Redis Cluster";
      case ETCD -> "etcd";
      default -> target;
    };
  }

  static String ratio(double v, double base) {
    if (Double.isNaN(v) || Double.isNaN(base) || base == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2fx", v / base);
  }

  static String ops(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
  }

  public static String num(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** Milliseconds with precision that suits the magnitude (as the lab's summary table). */
  public static String ms(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }
}
