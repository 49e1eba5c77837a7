package dev.tide.lab.chaos.nemesis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The faults a chaos run can inject; {@link #id} is the name on the command line. */
public enum FaultKind {
  /** kill -9 the leader of a random partition; healed by restarting it from its data directory. */
  KILL_LEADER("kill-leader"),
  /** kill -9 a random node. */
  KILL_RANDOM("kill-random"),
  /** kill -9 the leader of the controller group (found with CLUSTER TIDE-MAP; skipped on a build without it). */
  KILL_CONTROLLER("kill-controller"),
  /** SIGSTOP a node (a long GC pause, a frozen VM), SIGCONT to heal. */
  PAUSE("pause"),
  /** SIGTERM and start again: a clean restart (a rolling upgrade's step). */
  RESTART("restart"),
  /** A random minority cut off from the majority. */
  PARTITION("partition"),
  /** The leader of a random partition cut off from everyone. */
  ISOLATE_LEADER("isolate-leader"),
  /** Two halves that cannot talk, both talking to a bridge node in the middle. */
  BRIDGE("bridge"),
  /** A share of a node's packets to its peers dropped. */
  LOSS("loss"),
  /** Every packet between nodes delayed (tc netem). */
  DELAY("delay"),
  /** One node's data filesystem full. */
  DISK_FULL("disk-full"),
  /** One node's disk writes throttled (every fsync slow). */
  DISK_SLOW("disk-slow"),
  /**
   * A scale event: one node drained (TIDE.NODE DRAIN: its replicas move to the others, learner →
   * catch-up → promotion), undrained to heal (the rebalancer moves replicas back). Needs more
   * nodes than replicas per partition.
   */
  DRAIN("drain");

  private final String id;

  FaultKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public boolean isNetwork() {
    return this == PARTITION || this == ISOLATE_LEADER || this == BRIDGE || this == LOSS || this == DELAY;
  }

  public boolean isDisk() {
    return this == DISK_FULL || this == DISK_SLOW;
  }

  public static FaultKind parse(String s) {
    for (FaultKind k : values()) {
      if (k.id.equals(s.strip().toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown fault '" + s + "' (one of " + String.join(", ", ids()) + ")");
  }

  /** "all", "process" (kills, pause, restart), "network", "disk", or a comma list of ids. */
  public static List<FaultKind> parseList(String s) {
    List<FaultKind> out = new ArrayList<>();
    for (String part : s.split(",")) {
      String p = part.strip().toLowerCase(Locale.ROOT);
      switch (p) {
        case "all" -> out.addAll(Arrays.asList(values()));
        case "process" -> out.addAll(List.of(KILL_LEADER, KILL_RANDOM, KILL_CONTROLLER, PAUSE, RESTART));
        case "network" -> out.addAll(List.of(PARTITION, ISOLATE_LEADER, BRIDGE, LOSS, DELAY));
        case "disk" -> out.addAll(List.of(DISK_FULL, DISK_SLOW));
        case "scale" -> out.add(DRAIN);
        case "" -> {
        }
        default -> out.add(parse(p));
      }
    }
    return out.stream().distinct().toList();
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(FaultKind::id).toList();
  }
}
