package dev.tide.lab.chaos.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Test hosts for network faults: one network namespace per node, each with a veth pair whose
 * other end is on a bridge in the harness's namespace. Node i gets {@code 10.213.S.(10+i)/24},
 * the bridge {@code 10.213.S.1} (S picked so no route of this machine overlaps); nodes listen on
 * their namespace's address only, and the harness reaches them through the bridge. These are the
 * only non-loopback addresses the lab ever sends to, and it names them to the target guard.
 *
 * <p>Faults, all between nodes (the harness's client traffic is never cut, as in Jepsen, where
 * clients talk to the node they chose):
 * <ul>
 *   <li>partitions: nftables rules in each namespace drop packets to and from the other side's
 *       addresses (silently, as a real partition does: TCP times out rather than fails fast);</li>
 *   <li>loss: {@code tc netem loss} when the kernel has sch_netem, else an nftables
 *       {@code numgen random} drop of the same share;</li>
 *   <li>delay: {@code tc netem delay} — only when the kernel has sch_netem (this machine's
 *       kernel does not; the fault is then skipped with that reason).</li>
 * </ul>
 * Names carry the harness's PID, so a later run removes what a killed run left behind.
 */
public final class NetworkNamespaces implements AutoCloseable {

  static final String PREFIX = "tidechaos";
  /** Subnets tried: 10.213.S.0/24 for S in 1..250. */
  static final int MAX_SUBNETS = 250;
  /** First host number of nodes in the subnet. */
  static final int FIRST_HOST = 10;
  /** The nftables table the faults live in, in every namespace. */
  static final String TABLE = "tidechaos";

  private final int subnet;
  private final int nodes;
  private final long pid = ProcessHandle.current().pid();
  private final List<String> namespaces = new ArrayList<>();
  private boolean bridgeMade;
  private Boolean netem;

  private NetworkNamespaces(int subnet, int nodes) {
    this.subnet = subnet;
    this.nodes = nodes;
  }

  /** Why network faults cannot run here, or null when they can. */
  public static String unavailableReason() {
    if (!Sh.isRoot()) {
      return "network faults need root (network namespaces, veth, nftables); run as root or they are skipped";
    }
    if (!Sh.run("ip", "netns", "list").ok()) {
      return "the 'ip' command (iproute2) cannot manage network namespaces here";
    }
    if (dev.tide.lab.targets.Processes.findBinary("nft") == null) {
      try {
        dev.tide.lab.targets.Processes.ensureBinary("nft", "nftables"); // root: installs Debian's nftables
      } catch (RuntimeException e) {
        return "network faults need nftables: " + e.getMessage();
      }
    }
    return null;
  }

  /** Creates the bridge and one namespace per node; on failure removes what it made. */
  public static NetworkNamespaces create(int nodes) {
    String why = unavailableReason();
    if (why != null) {
      throw new IllegalStateException(why);
    }
    cleanStale();
    String routes = Sh.run("ip", "-4", "route", "show").output() + "\n" + Sh.run("ip", "-4", "addr", "show").output();
    int s = 1;
    while (s <= MAX_SUBNETS && routes.contains("10.213." + s + ".")) {
      s++;
    }
    if (s > MAX_SUBNETS) {
      throw new IllegalStateException("no free 10.213.S.0/24 subnet for the chaos namespaces");
    }
    NetworkNamespaces n = new NetworkNamespaces(s, nodes);
    try {
      n.build();
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private String bridge() {
    return "tcb" + subnet;
  }

  private String hostVeth(int i) {
    return "tcv" + subnet + "n" + i;
  }

  public String namespace(int i) {
    return PREFIX + "-" + subnet + "-" + pid + "-" + i;
  }

  public String ip(int i) {
    return "10.213." + subnet + "." + (FIRST_HOST + i);
  }

  public String hostIp() {
    return "10.213." + subnet + ".1";
  }

  public int nodes() {
    return nodes;
  }

  /** The addresses the target guard must allow: the nodes'. */
  public List<String> nodeIps() {
    List<String> ips = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      ips.add(ip(i));
    }
    return ips;
  }

  private void build() {
    Sh.check("ip", "link", "add", bridge(), "type", "bridge");
    bridgeMade = true;
    Sh.check("ip", "addr", "add", hostIp() + "/24", "dev", bridge());
    Sh.check("ip", "link", "set", bridge(), "up");
    for (int i = 0; i < nodes; i++) {
      String ns = namespace(i);
      Sh.check("ip", "netns", "add", ns);
      namespaces.add(ns);
      Sh.check("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      String inner = "tci" + subnet + "n" + i;
      Sh.check("ip", "link", "add", hostVeth(i), "type", "veth", "peer", "name", inner);
      Sh.check("ip", "link", "set", inner, "netns", ns);
      Sh.check("ip", "netns", "exec", ns, "ip", "link", "set", inner, "name", "eth0");
      Sh.check("ip", "netns", "exec", ns, "ip", "addr", "add", ip(i) + "/24", "dev", "eth0");
      Sh.check("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
      Sh.check("ip", "link", "set", hostVeth(i), "master", bridge());
      Sh.check("ip", "link", "set", hostVeth(i), "up");
      nft(i, "add table inet " + TABLE);
      nft(i, "add chain inet " + TABLE + " input { type filter hook input priority 0 ; policy accept ; }");
      nft(i, "add chain inet " + TABLE + " output { type filter hook output priority 0 ; policy accept ; }");
    }
  }

  private void nft(int node, String rule) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node), "nft"));
    cmd.addAll(List.of(rule.split(" ")));
    Sh.Result r = Sh.run(cmd);
    if (!r.ok()) {
      throw new IllegalStateException("nft " + rule + " in " + namespace(node) + " failed: " + r.output());
    }
  }

  /** The command that runs {@code command} inside node i's namespace. */
  public List<String> exec(int i, List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(i)));
    cmd.addAll(command);
    return cmd;
  }

  /** Node i drops every packet to and from node j (call both ways for a symmetric cut). */
  private void drop(int i, int j) {
    nft(i, "add rule inet " + TABLE + " input ip saddr " + ip(j) + " drop");
    nft(i, "add rule inet " + TABLE + " output ip daddr " + ip(j) + " drop");
  }

  /** No packet passes between a node of {@code a} and a node of {@code b}. */
  public void partition(Collection<Integer> a, Collection<Integer> b) {
    for (int i : a) {
      for (int j : b) {
        if (i != j) {
          drop(i, j);
          drop(j, i);
        }
      }
    }
  }

  /** Whether the kernel has the netem qdisc (tried once on node 0's interface). */
  public boolean netemAvailable() {
    if (netem == null) {
      Sh.Result r = Sh.run(exec(0, List.of("tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay", "1ms")));
      netem = r.ok();
      if (r.ok()) {
        Sh.run(exec(0, List.of("tc", "qdisc", "del", "dev", "eth0", "root")));
      }
    }
    return netem;
  }

  /** Delays every packet node i sends by {@code ms} ± {@code jitterMs}; needs netem. */
  public void delay(int i, int ms, int jitterMs) {
    if (!netemAvailable()) {
      throw new UnsupportedOperationException("the kernel has no sch_netem (tc netem), so packet delay cannot be injected");
    }
    Sh.Result r = Sh.run(exec(i, List.of("tc", "qdisc", "replace", "dev", "eth0", "root", "netem", "delay", ms + "ms",
        jitterMs + "ms")));
    if (!r.ok()) {
      throw new IllegalStateException("tc netem delay on node " + i + " failed: " + r.output());
    }
  }

  /** Drops {@code percent}% of the packets node i sends to other nodes (netem, or nftables numgen without it). */
  public void loss(int i, int percent) {
    if (netemAvailable()) {
      Sh.check(exec(i, List.of("tc", "qdisc", "replace", "dev", "eth0", "root", "netem", "loss", percent + "%"))
          .toArray(String[]::new));
      return;
    }
    for (int j = 0; j < nodes; j++) {
      if (j != i) {
        nft(i, "add rule inet " + TABLE + " output ip daddr " + ip(j) + " numgen random mod 100 < " + percent + " drop");
      }
    }
  }

  /** Removes every network fault: rules flushed, qdiscs back to the default. */
  public void heal() {
    for (int i = 0; i < namespaces.size(); i++) {
      Sh.run(exec(i, List.of("nft", "flush", "chain", "inet", TABLE, "input")));
      Sh.run(exec(i, List.of("nft", "flush", "chain", "inet", TABLE, "output")));
      if (Boolean.TRUE.equals(netem)) {
        Sh.run(exec(i, List.of("tc", "qdisc", "del", "dev", "eth0", "root")));
      }
    }
  }

  @Override
  public void close() {
    for (String ns : namespaces) {
      Sh.run("ip", "netns", "del", ns); // removes its veth end, and with it the pair
    }
    namespaces.clear();
    for (int i = 0; i < nodes; i++) {
      Sh.run("ip", "link", "del", hostVeth(i)); // in case the namespace went first without it
    }
    if (bridgeMade) {
      Sh.run("ip", "link", "del", bridge());
      bridgeMade = false;
    }
  }

  /** Removes namespaces (and their bridges) left by chaos runs whose harness is gone. */
  static void cleanStale() {
    for (String line : Sh.run("ip", "netns", "list").output().split("\n")) {
      String name = line.strip().split(" ")[0];
      if (!name.startsWith(PREFIX + "-")) {
        continue;
      }
      String[] parts = name.split("-");
      if (parts.length != 4) {
        continue;
      }
      long owner;
      try {
        owner = Long.parseLong(parts[2]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      Sh.run("ip", "netns", "del", name);
      Sh.run("ip", "link", "del", "tcb" + parts[1]);
    }
  }
}
