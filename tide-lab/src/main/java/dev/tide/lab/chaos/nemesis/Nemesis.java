package dev.tide.lab.chaos.nemesis;

import dev.tide.lab.chaos.cluster.ChaosCluster;
import dev.tide.lab.chaos.cluster.LoopDisks;
import dev.tide.lab.chaos.cluster.NetworkNamespaces;
import dev.tide.lab.resp.ClientIo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Injects and heals faults on a {@link ChaosCluster}. Which node a fault hits is drawn from the
 * seeded generator (leaders are looked up when the fault needs one), so a run with the same
 * seed makes the same choices as far as the cluster's own behaviour (who wins elections) allows.
 * {@link #unavailable} says, per fault, why it cannot run on this machine or cluster.
 */
public final class Nemesis {

  /** Share of a node's packets to its peers dropped by the loss fault. */
  static final int LOSS_PERCENT = 30;
  /** Delay and jitter of the delay fault: tens of ms, as between zones. */
  static final int DELAY_MS = 50;
  static final int DELAY_JITTER_MS = 20;

  /** Says the controller fault cannot run yet (the build has no controller group). */
  static final String NO_CONTROLLER = "not available: the nodes do not know CLUSTER TIDE-MAP (a build without the "
      + "controller group), so its leader cannot be found; the fault is skipped";

  private final ChaosCluster cluster;
  private final ClientIo io;
  private final SplittableRandom rnd;
  private final LongSupplier clockNs;
  private final Map<FaultKind, String> unavailable = new EnumMap<>(FaultKind.class);
  /** Heal actions of active faults, newest last. */
  private final List<Active> active = new ArrayList<>();
  private final List<String> healFailures = new ArrayList<>();

  private record Active(Fault fault, Runnable heal) {
  }

  public Nemesis(ChaosCluster cluster, ClientIo io, SplittableRandom rnd, LongSupplier clockNs) {
    this.cluster = cluster;
    this.io = io;
    this.rnd = rnd;
    this.clockNs = clockNs;
    if (cluster.controllerLeader(io) == null) {
      unavailable.put(FaultKind.KILL_CONTROLLER, NO_CONTROLLER);
    }
    NetworkNamespaces net = cluster.network();
    if (net == null) {
      String why = NetworkNamespaces.unavailableReason();
      String text = why != null ? why : "nodes run on loopback (no network namespaces); network faults are skipped";
      for (FaultKind k : FaultKind.values()) {
        if (k.isNetwork()) {
          unavailable.put(k, text);
        }
      }
    } else if (!net.netemAvailable()) {
      unavailable.put(FaultKind.DELAY, "the kernel has no sch_netem (tc netem), so packet delay cannot be injected "
          + "here; loss uses nftables instead");
    }
    if (cluster.size() < 3) {
      unavailable.putIfAbsent(FaultKind.BRIDGE, "a bridge needs at least 3 nodes");
    }
    if (cluster.size() <= cluster.replicas()) {
      unavailable.put(FaultKind.DRAIN, "draining a node needs more nodes than replicas per partition (" + cluster.size()
          + " nodes, " + cluster.replicas() + " replicas); run with --nodes " + (cluster.replicas() + 1));
    }
    if (cluster.disks() == null) {
      String why = LoopDisks.unavailableReason();
      String text = why != null ? why : "data directories are not on loop filesystems; disk faults are skipped";
      unavailable.put(FaultKind.DISK_FULL, text);
      unavailable.put(FaultKind.DISK_SLOW, text);
    } else if (LoopDisks.slowUnavailableReason() != null) {
      unavailable.put(FaultKind.DISK_SLOW, LoopDisks.slowUnavailableReason());
    }
  }

  /** Heals that failed (each retried by {@link #healAll}). */
  public List<String> healFailures() {
    return List.copyOf(healFailures);
  }

  /** Why each fault that cannot run here cannot. */
  public Map<FaultKind, String> unavailable() {
    return Map.copyOf(unavailable);
  }

  public boolean available(FaultKind k) {
    return !unavailable.containsKey(k);
  }

  /** Injects {@code kind}; returns the fault, or null when it found nothing to act on (no node up). */
  public Fault inject(FaultKind kind) {
    if (!available(kind)) {
      throw new IllegalStateException(kind.id() + ": " + unavailable.get(kind));
    }
    long now = clockNs.getAsLong();
    Fault f;
    Runnable heal;
    switch (kind) {
      case KILL_LEADER, KILL_RANDOM -> {
        int n = kind == FaultKind.KILL_LEADER ? leaderOrRandom() : randomRunning();
        if (n < 0) {
          return null;
        }
        cluster.kill(n);
        f = new Fault(kind, "kill -9 node " + n + (kind == FaultKind.KILL_LEADER ? " (a leader)" : ""), now, -1);
        heal = () -> cluster.restart(n);
      }
      case KILL_CONTROLLER -> {
        Integer n = cluster.controllerLeader(io);
        if (n == null || n < 0 || !cluster.isRunning(n)) {
          return null; // no controller leader known right now (an election is running): nothing to kill
        }
        cluster.kill(n);
        f = new Fault(kind, "kill -9 node " + n + " (the controller leader)", now, -1);
        heal = () -> cluster.restart(n);
      }
      case PAUSE -> {
        int n = rnd.nextBoolean() ? leaderOrRandom() : randomRunning();
        if (n < 0) {
          return null;
        }
        cluster.pause(n);
        f = new Fault(kind, "SIGSTOP node " + n, now, -1);
        heal = () -> cluster.resume(n);
      }
      case RESTART -> {
        int n = randomRunning();
        if (n < 0) {
          return null;
        }
        cluster.cleanRestart(n);
        f = new Fault(kind, "SIGTERM and restart node " + n, now, -1);
        heal = () -> { };
      }
      case PARTITION -> {
        List<Integer> order = shuffled();
        int minority = (cluster.size() - 1) / 2;
        List<Integer> a = order.subList(0, Math.max(1, minority));
        List<Integer> b = order.subList(Math.max(1, minority), order.size());
        cluster.network().partition(a, b);
        f = new Fault(kind, "partition " + a + " | " + b, now, -1);
        heal = cluster.network()::heal;
      }
      case ISOLATE_LEADER -> {
        int n = leaderOrRandom();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
          if (i != n) {
            others.add(i);
          }
        }
        cluster.network().partition(List.of(n), others);
        f = new Fault(kind, "isolate node " + n + " (a leader) from " + others, now, -1);
        heal = cluster.network()::heal;
      }
      case BRIDGE -> {
        List<Integer> order = shuffled();
        int bridge = order.get(0);
        List<Integer> rest = order.subList(1, order.size());
        List<Integer> a = rest.subList(0, rest.size() / 2);
        List<Integer> b = rest.subList(rest.size() / 2, rest.size());
        cluster.network().partition(a, b);
        f = new Fault(kind, "bridge: " + a + " | " + b + " cut, node " + bridge + " talks to both", now, -1);
        heal = cluster.network()::heal;
      }
      case LOSS -> {
        int n = rnd.nextInt(cluster.size());
        cluster.network().loss(n, LOSS_PERCENT);
        f = new Fault(kind, LOSS_PERCENT + "% of node " + n + "'s packets to peers dropped", now, -1);
        heal = cluster.network()::heal;
      }
      case DELAY -> {
        for (int i = 0; i < cluster.size(); i++) {
          cluster.network().delay(i, DELAY_MS, DELAY_JITTER_MS);
        }
        f = new Fault(kind, "all packets delayed " + DELAY_MS + " ± " + DELAY_JITTER_MS + " ms", now, -1);
        heal = cluster.network()::heal;
      }
      case DISK_FULL -> {
        int n = rnd.nextBoolean() ? leaderOrRandom() : rnd.nextInt(cluster.size());
        cluster.disks().fill(n);
        f = new Fault(kind, "node " + n + "'s disk full", now, -1);
        heal = () -> cluster.disks().unfill(n);
      }
      case DISK_SLOW -> {
        int n = leaderOrRandom();
        if (n < 0) {
          return null;
        }
        long pid = cluster.pid(n);
        cluster.disks().slow(n, pid);
        f = new Fault(kind, "node " + n + "'s disk slowed to " + LoopDisks.SLOW_WRITE_IOPS + " writes/s", now, -1);
        heal = () -> cluster.disks().unslow(n, pid);
      }
      case DRAIN -> {
        int n = randomRunning();
        if (n < 0) {
          return null;
        }
        String name = ChaosCluster.nodeName(n);
        String refused = cluster.admin(io, "TIDE.NODE", "DRAIN", name);
        if (refused != null) {
          return null; // e.g. another node is draining and this one would leave too few: nothing injected
        }
        f = new Fault(kind, "drain node " + n + " (its replicas move to the others)", now, -1);
        heal = () -> {
          String err = cluster.admin(io, "TIDE.NODE", "UNDRAIN", name);
          if (err != null) {
            throw new IllegalStateException("TIDE.NODE UNDRAIN " + name + ": " + err);
          }
        };
      }
      default -> throw new IllegalStateException(kind.id() + ": " + unavailable.get(kind));
    }
    active.add(new Active(f, heal));
    return f;
  }

  /** Heals every active fault (newest first); returns them with their end times. */
  public List<Fault> healActive() {
    List<Fault> healed = new ArrayList<>();
    for (int i = active.size() - 1; i >= 0; i--) {
      Active a = active.get(i);
      try {
        a.heal.run();
      } catch (RuntimeException e) {
        // healAll at the end of the run tries again (restart, resume, network, disks)
        healFailures.add(a.fault.description() + ": " + e.getMessage());
      }
      healed.add(0, a.fault.ended(clockNs.getAsLong()));
    }
    active.clear();
    return healed;
  }

  /** Heals everything, whatever is recorded: network clean, disks back, every node resumed and running. */
  public List<Fault> healAll() {
    List<Fault> healed = healActive();
    if (cluster.network() != null) {
      cluster.network().heal();
    }
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.disks() != null) {
        cluster.disks().unfill(i);
        if (cluster.isRunning(i)) {
          cluster.disks().unslow(i, cluster.pid(i));
        }
      }
      cluster.restart(i); // resumes a paused node, starts a dead one
    }
    return healed;
  }

  private int randomRunning() {
    List<Integer> up = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.isRunning(i) && !cluster.isPaused(i)) {
        up.add(i);
      }
    }
    return up.isEmpty() ? -1 : up.get(rnd.nextInt(up.size()));
  }

  /** A node that leads at least one partition (drawn at random among them), else a random running node. */
  private int leaderOrRandom() {
    List<Integer> leaders = new ArrayList<>(cluster.leaders(io).keySet());
    leaders.removeIf(i -> !cluster.isRunning(i) || cluster.isPaused(i));
    java.util.Collections.sort(leaders);
    return leaders.isEmpty() ? randomRunning() : leaders.get(rnd.nextInt(leaders.size()));
  }

  private List<Integer> shuffled() {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      order.add(i);
    }
    for (int i = order.size() - 1; i > 0; i--) {
      java.util.Collections.swap(order, i, rnd.nextInt(i + 1));
    }
    return order;
  }
}
