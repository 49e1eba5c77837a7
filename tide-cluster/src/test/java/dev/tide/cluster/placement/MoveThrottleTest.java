package dev.tide.cluster.placement;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The move throttle on a fake clock: average rate, chunk grants, bounded debt, run-time changes. */
class MoveThrottleTest {

  private static final long CHUNK = 128 << 10;

  /** Simulates JRaft's copier: a chunk per call, a 1 s pause after a refusal; returns bytes moved in {@code seconds}. */
  private static long transfer(MoveThrottle t, AtomicLong clock, double seconds, long request) {
    long end = clock.get() + (long) (seconds * 1e9);
    long moved = 0;
    while (clock.get() < end) {
      long grant = t.acquire(request);
      if (grant == 0) {
        clock.addAndGet(1_000_000_000L); // JRaft's retry interval
      } else {
        moved += grant;
        clock.addAndGet(1_000_000L); // one loopback round trip per chunk
      }
    }
    return moved;
  }

  @Test
  void theAverageRateHoldsWithFullChunks() {
    AtomicLong clock = new AtomicLong();
    MoveThrottle t = new MoveThrottle(32L << 20, clock::get);
    long moved = transfer(t, clock, 60, CHUNK);
    double rate = moved / 60.0;
    assertThat(rate).isBetween(0.9 * (32 << 20), 1.1 * (32 << 20));
    assertThat(t.acquire(CHUNK)).isIn(0L, CHUNK); // whole chunks or nothing
  }

  @Test
  void aHugeRequestCostsAtMostAChunkOfDebt() {
    AtomicLong clock = new AtomicLong();
    MoveThrottle t = new MoveThrottle(128 << 10, clock::get);
    long grant = t.acquire(Integer.MAX_VALUE); // JRaft's request for a meta file
    assertThat(grant).isLessThanOrEqualTo(CHUNK);
    long moved = transfer(t, clock, 30, CHUNK);
    assertThat(moved / 30.0).isBetween(0.8 * (128 << 10), 1.2 * (128 << 10));
  }

  @Test
  void theRateChangesAtRunTimeAndGroupsAreCounted() {
    AtomicLong clock = new AtomicLong();
    MoveThrottle t = new MoveThrottle(1 << 20, clock::get);
    var g = t.forGroup("p1");
    long sum = 0;
    for (int i = 0; i < 5; i++) {
      sum += g.throttledByThroughput(CHUNK);
    }
    assertThat(t.groupBytes("p1")).isEqualTo(sum).isPositive();
    assertThat(t.groupBytes("p2")).isZero();
    t.setBytesPerSec(8L << 20);
    long moved = transfer(t, clock, 20, CHUNK);
    assertThat(moved / 20.0).isBetween(0.8 * (8 << 20), 1.2 * (8 << 20));
  }
}
