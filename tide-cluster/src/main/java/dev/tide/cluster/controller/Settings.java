package dev.tide.cluster.controller;

import java.util.List;

/**
 * Cluster-wide settings kept in the controller's map (so every node sees the same value, a change
 * takes effect on every node within a map poll, and it survives restarts). Changed at run time
 * with {@code TIDE.SETTING SET name value}; a setting at its default is not recorded.
 */
public final class Settings {

  /** Most settings a map may record (decoding bound; there are far fewer). */
  static final int MAX_SETTINGS = 64;

  /** One setting: name, default, allowed range, what it does. */
  public record Setting(String name, long defaultValue, long min, long max, String description) {
    /** Null when {@code value} is allowed, else what is wrong. */
    public String check(long value) {
      if (value < min || value > max) {
        return "setting " + name + " must be between " + min + " and " + max + ", got " + value;
      }
      return null;
    }
  }

  /**
   * Bytes per second a node receives for replica moves (snapshot installs), over all its moves:
   * 32 MiB/s moves a 1 GB node's share in about half a minute while leaving most of a loopback's
   * or a 1 Gbit/s link's bandwidth and the disk to client traffic (issue 5's default).
   */
  public static final Setting MOVE_BYTES_PER_SEC = new Setting("move-bytes-per-sec", 32L << 20, 64L << 10,
      10L << 30, "bytes per second a node receives for replica moves (all its moves together)");
  /**
   * Moves a node may take part in at once, as source or destination: one keeps the extra load on
   * any node to one snapshot stream and one catch-up; raise it to move faster on big machines.
   */
  public static final Setting MOVES_PER_NODE = new Setting("moves-per-node", 1, 1, 16,
      "replica moves a node takes part in at once (as source or destination)");
  /** Moves in the whole cluster at once; bounds the controller's work and the total extra load. */
  public static final Setting MOVES_PER_CLUSTER = new Setting("moves-per-cluster", 4, 1, 64,
      "replica moves in progress in the whole cluster at once");
  /** 0 turns the automatic rebalancer off (draining still moves replicas away). */
  public static final Setting REBALANCE = new Setting("rebalance", 1, 0, 1,
      "1: move replicas to keep nodes balanced; 0: only move replicas off draining nodes");

  public static final List<Setting> ALL = List.of(MOVE_BYTES_PER_SEC, MOVES_PER_NODE, MOVES_PER_CLUSTER, REBALANCE);

  private Settings() {
  }

  public static Setting byName(String name) {
    for (Setting s : ALL) {
      if (s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    return null;
  }

  public static String names() {
    return String.join(", ", ALL.stream().map(Setting::name).toList());
  }
}
