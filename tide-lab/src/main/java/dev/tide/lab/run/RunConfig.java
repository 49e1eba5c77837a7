package dev.tide.lab.run;

import dev.tide.lab.schedule.RateProfile;

import java.util.concurrent.TimeUnit;

/**
 * How one phase is run. Every run is bounded twice: by {@code durationNs} and by
 * {@code maxRequests}; whichever comes first ends it.
 *
 * @param openLoop   true: issue on the {@code profile}'s schedule; false: closed loop, as fast as replies come
 * @param pipeline   closed loop only: requests kept outstanding per lane
 * @param maxInFlight open loop: the scheduler waits (and the wait counts in latency) when this many
 *                   requests have no reply yet
 * @param timeoutNs  a request without reply for this long fails (and its connection is reset)
 */
public record RunConfig(boolean openLoop, RateProfile profile, long durationNs, long maxRequests, int pipeline,
                        int maxInFlight, long timeoutNs) {

  /** Longest phase: one hour (3,600 one-second intervals kept in memory). */
  public static final long MAX_DURATION_NS = TimeUnit.HOURS.toNanos(1);
  /** Most requests in one phase. */
  public static final long MAX_REQUESTS = 1_000_000_000L;
  /** Most outstanding requests per lane in closed loop (redis-benchmark's -P is usually ≤ 64). */
  public static final int MAX_PIPELINE = 1_024;
  /** Default cap on unanswered requests in open loop: about 10 s of a 10k ops/s run. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 100_000;
  /** Default request timeout. */
  public static final long DEFAULT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

  public RunConfig {
    if (durationNs <= 0 || durationNs > MAX_DURATION_NS) {
      throw new IllegalArgumentException("duration must be > 0 and ≤ 1h");
    }
    if (maxRequests <= 0 || maxRequests > MAX_REQUESTS) {
      throw new IllegalArgumentException("request count must be 1.." + MAX_REQUESTS);
    }
    if (openLoop && profile == null) {
      throw new IllegalArgumentException("an open-loop run needs a rate profile");
    }
    if (pipeline < 1 || pipeline > MAX_PIPELINE) {
      throw new IllegalArgumentException("pipeline must be 1.." + MAX_PIPELINE);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("max in-flight must be ≥ 1");
    }
    if (timeoutNs <= 0) {
      throw new IllegalArgumentException("timeout must be > 0");
    }
  }

  public static RunConfig openLoop(RateProfile profile, long durationNs, long maxRequests) {
    return new RunConfig(true, profile, durationNs, maxRequests, 1, DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT_NS);
  }

  public static RunConfig closedLoop(int pipeline, long durationNs, long maxRequests) {
    return new RunConfig(false, null, durationNs, maxRequests, pipeline, DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT_NS);
  }

  public RunConfig withDuration(long ns) {
    return new RunConfig(openLoop, profile, ns, maxRequests, pipeline, maxInFlight, timeoutNs);
  }

  public RunConfig withTimeout(long ns) {
    return new RunConfig(openLoop, profile, durationNs, maxRequests, pipeline, maxInFlight, ns);
  }

  public String describe() {
    return openLoop ? "open-loop " + profile.describe() + " ops/s" : "closed-loop pipeline=" + pipeline;
  }
}
