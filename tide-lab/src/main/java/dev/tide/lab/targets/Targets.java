package dev.tide.lab.targets;

import dev.tide.lab.safety.TargetGuard;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Starts a target by name: {@code tide} (a process from the built CLI jar when it exists, else
 * in-process), {@code tide-inprocess}, {@code tide-cluster} (node processes from the CLI jar,
 * {@code --cluster-nodes} of them, RF 3), {@code redis}, {@code redis-cluster}, {@code etcd}, or an
 * existing server given as {@code HOST:PORT} / {@code cluster:HOST:PORT} (checked by the guard
 * before anything is sent).
 */
public final class Targets {

  private Targets() {
  }

  /** Names the harness starts itself. */
  public static final java.util.Set<String> MANAGED = java.util.Set.of("tide", "tide-inprocess", "tide-cluster",
      "redis", "redis-cluster", "etcd");

  /**
   * Checks a target name before anything starts: a managed name, or an address the guard allows.
   * Throws {@link IllegalArgumentException} or {@link TargetGuard.TargetRefusedException}.
   */
  public static void validate(String name, TargetGuard guard) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (!MANAGED.contains(n)) {
      external(name, guard);
    }
  }

  public static Target start(String name, Path root, int clusterNodes, TargetGuard guard) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    switch (n) {
      case "tide":
        return TideTarget.cliJar(root) != null ? TideTarget.startProcess(root) : TideTarget.startInProcess();
      case "tide-inprocess":
        return TideTarget.startInProcess();
      case "tide-cluster":
        return TideClusterTarget.start(root, clusterNodes, TideClusterTarget.DEFAULT_PARTITIONS,
            line -> System.err.println("lab: tide-cluster: " + line));
      case "redis":
        return RedisTarget.start();
      case "redis-cluster":
        return RedisClusterTarget.start(clusterNodes);
      case "etcd":
        return EtcdTarget.start();
      default:
        break;
    }
    return external(name, guard);
  }

  private static ExternalTarget external(String name, TargetGuard guard) {
    boolean cluster = name.strip().toLowerCase(Locale.ROOT).startsWith("cluster:");
    String addr = cluster ? name.strip().substring("cluster:".length()) : name.strip();
    int colon = addr.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("unknown target '" + name
          + "' (tide, tide-inprocess, tide-cluster, redis, redis-cluster, etcd, HOST:PORT, cluster:HOST:PORT)");
    }
    String host = addr.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(addr.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in target '" + name + "'");
    }
    guard.check(host, port); // refuse before anything else happens
    return new ExternalTarget(host, port, cluster);
  }
}
