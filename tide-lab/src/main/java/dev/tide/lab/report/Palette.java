package dev.tide.lab.report;

import java.util.List;

/** One fixed colour per target, the same in every chart and report (colour-blind-friendly hues). */
public final class Palette {

  public static final String TIDE = "#1f6feb";
  public static final String REDIS = "#d1242f";
  public static final String REDIS_CLUSTER = "#e36209";
  public static final String ETCD = "#2da44e";
  private static final List<String> OTHERS = List.of("#8250df", "#bf3989", "#0a7f8c", "#6e7781");

  private Palette() {
  }

  public static String colour(String target, int index) {
    return switch (target) {
      case "tide", "tide-inprocess", "tide-cluster" -> TIDE;
      case "redis" -> REDIS;
      case "redis-cluster" -> REDIS_CLUSTER;
      case "etcd" -> ETCD;
      default -> OTHERS.get(Math.floorMod(index, OTHERS.size()));
    };
  }
}
