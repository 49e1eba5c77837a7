package dev.tide.lab.driver;

import dev.tide.lab.workload.Operation;

/**
 * Sends operations to a target. A lane is one logical client connection: the runner spreads an
 * open-loop schedule over the lanes, and a closed-loop runner keeps a fixed number of requests
 * outstanding per lane. {@link #send} only queues; {@link #flush} writes what a lane queued (so
 * requests due together leave in one write, pipelined).
 */
public interface Driver extends AutoCloseable {

  /** Retries (redirects included) allowed per operation before it counts as an error. Jedis and redis-cli use 5. */
  int MAX_RETRIES = 5;

  /** "resp", "resp-cluster", "etcd": written into reports. */
  String kind();

  int lanes();

  /** Queues {@code op} on {@code lane}; {@code done} is called exactly once. Thread-safe. */
  void send(int lane, Operation op, Completion done);

  void flush(int lane);

  /** Whether this driver can run the operation kinds of a workload (etcd has only put/get). */
  default boolean supports(Operation op) {
    return true;
  }

  @Override
  void close();
}
