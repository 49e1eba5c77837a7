package dev.tide.cli;

import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Retries a cluster client call while the cluster says it is briefly unavailable: TRYAGAIN (no
 * leader for the slot yet: an election is under way), a connection error, or the client's own
 * retries running out. JedisCluster follows MOVED itself but does not retry TRYAGAIN. Elections
 * happen at any time on a starved machine (2 cores shared with other builds), so tests that read
 * back what was written wait for the answer instead of failing on the first TRYAGAIN. Any other
 * error, or a wrong value, is the caller's to judge.
 */
final class Retry {

  /** Pause between attempts: about one election timeout. */
  private static final long PAUSE_MS = 200;

  private Retry() {
  }

  static <T> T whileUnavailable(Supplier<T> op, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return op.get();
      } catch (JedisConnectionException | JedisClusterOperationException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      } catch (JedisDataException e) {
        if (e.getMessage() == null || !e.getMessage().startsWith("TRYAGAIN") || System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(PAUSE_MS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while retrying", ie);
      }
    }
  }
}
