package dev.tide.lab.targets;

import dev.tide.lab.driver.ClusterDriver;
import dev.tide.lab.driver.Driver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of {@code nodes} masters (no replicas) on loopback, each a Debian
 * {@code redis-server --cluster-enabled yes} without persistence, joined with
 * {@code redis-cli --cluster create ... --cluster-yes}, which spreads the 16384 slots evenly.
 */
public final class RedisClusterTarget implements Target {

  /** Redis Cluster needs at least 3 masters. */
  public static final int MIN_NODES = 3;
  /** Upper bound on nodes started on one machine. */
  public static final int MAX_NODES = 16;
  /** Time the cluster gets to agree after creation. */
  static final long CONVERGE_TIMEOUT_MS = 30_000;

  private final List<Process> processes;
  private final List<Integer> ports;
  private final Path dir;
  private final String version;

  private RedisClusterTarget(List<Process> processes, List<Integer> ports, Path dir, String version) {
    this.processes = processes;
    this.ports = ports;
    this.dir = dir;
    this.version = version;
  }

  public static RedisClusterTarget start(int nodes) {
    if (nodes < MIN_NODES || nodes > MAX_NODES) {
      throw new IllegalArgumentException("redis-cluster needs " + MIN_NODES + ".." + MAX_NODES + " nodes, got " + nodes);
    }
    Path bin = Processes.ensureBinary("redis-server", "redis-server", "redis-tools");
    Path cli = Processes.ensureBinary("redis-cli", "redis-tools");
    String version = Processes.run(10_000, bin.toString(), "--version");
    Path dir = Processes.tempDir("lab-redis-cluster");
    List<Process> procs = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    RedisClusterTarget t = new RedisClusterTarget(procs, ports, dir, version);
    try {
      for (int i = 0; i < nodes; i++) {
        int port = Processes.freePort();
        int busPort = Processes.freePort();
        Path d = dir.resolve("n" + port);
        d.toFile().mkdirs();
        Process p = Processes.start(List.of(bin.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPort), "--cluster-config-file",
            d.resolve("nodes.conf").toString(), "--save", "", "--appendonly", "no", "--dir", d.toString(),
            "--daemonize", "no"), d, "redis.log");
        procs.add(p);
        ports.add(port);
        Processes.awaitPort(p, port, "redis-server (cluster node)", d.resolve("redis.log"));
      }
      List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
      for (int port : ports) {
        create.add("127.0.0.1:" + port);
      }
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Processes.run(60_000, create.toArray(String[]::new));
      t.awaitConverged(cli);
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  private void awaitConverged(Path cli) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (int port : ports) {
        String info = Processes.run(5_000, cli.toString(), "-p", Integer.toString(port), "cluster", "info");
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_assigned:16384")) {
          all = false;
          break;
        }
      }
      if (all) {
        return;
      }
      Processes.sleep(100);
    }
    throw new IllegalStateException("redis cluster did not reach cluster_state:ok within " + CONVERGE_TIMEOUT_MS + " ms");
  }

  @Override
  public String name() {
    return "redis-cluster";
  }

  @Override
  public String description() {
    return RedisTarget.shortVersion(version) + " cluster, " + ports.size() + " masters, no replicas, no persistence";
  }

  @Override
  public Driver connect(ClientIo io, TargetGuard guard, int lanes, long timeoutNs) {
    return new ClusterDriver(io, guard, "127.0.0.1", ports.get(0), lanes, timeoutNs);
  }

  @Override
  public int port() {
    return ports.get(0);
  }

  @Override
  public List<Long> pids() {
    return processes.stream().map(Process::pid).toList();
  }

  @Override
  public void close() {
    for (Process p : processes) {
      Processes.stop(p);
    }
    Processes.deleteTree(dir);
  }
}
