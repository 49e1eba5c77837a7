package dev.tide.lab.targets;

import dev.tide.lab.driver.Driver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;

/** A running system under test. Closing it stops every process it started and removes its files. */
public interface Target extends AutoCloseable {

  /** The name used on the command line and in reports ("tide", "redis", "redis-cluster", "etcd"). */
  String name();

  /** What exactly runs, for the report (version, node count, settings that matter). */
  String description();

  /** A client for this target with {@code lanes} connections per node. */
  Driver connect(ClientIo io, TargetGuard guard, int lanes, long timeoutNs);

  /** Host of the first node (pub/sub subscribers connect here). */
  default String host() {
    return "127.0.0.1";
  }

  /** Port of the first node. */
  int port();

  /** PIDs of the server processes this target started (for CPU accounting); empty when in-process or external. */
  default java.util.List<Long> pids() {
    return java.util.List.of();
  }

  /** Whether the target speaks RESP (so every workload runs on it). */
  default boolean speaksResp() {
    return true;
  }

  @Override
  void close();
}
