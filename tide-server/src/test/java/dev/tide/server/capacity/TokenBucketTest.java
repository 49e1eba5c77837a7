package dev.tide.server.capacity;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The bucket with a fake clock: burst, rate, reservations in order, and CAS under contention. */
class TokenBucketTest {

  static final long MS = 1_000_000L;
  /** An arbitrary start, far from 0, to show that only differences of nanoTime matter. */
  static final long T0 = 123_456_789_000L;

  @Test
  void startsFullWithExactlyTheBurst() {
    TokenBucket b = new TokenBucket(1_000, 10, T0);
    for (int i = 0; i < 10; i++) {
      assertThat(b.tryAcquire(T0)).as("token %d", i).isTrue();
    }
    assertThat(b.tryAcquire(T0)).isFalse();
    assertThat(b.tryAcquire(T0 + MS - 1)).isFalse();
    assertThat(b.tryAcquire(T0 + MS)).isTrue();
  }

  @Test
  void servesTheRatePlusTheBurstOverOneSecondOfPolling() {
    TokenBucket b = new TokenBucket(1_000, 10, T0);
    int taken = 0;
    for (long t = T0; t <= T0 + 1_000 * MS; t += MS / 10) {
      while (b.tryAcquire(t)) {
        taken++;
      }
    }
    assertThat(taken).isEqualTo(10 + 1_000);
  }

  @Test
  void idleTimeRefillsNoMoreThanTheBurst() {
    TokenBucket b = new TokenBucket(1_000, 5, T0);
    while (b.tryAcquire(T0)) {
      // drain
    }
    int taken = 0;
    while (b.tryAcquire(T0 + 60_000 * MS)) {
      taken++;
    }
    assertThat(taken).isEqualTo(5);
  }

  @Test
  void reservationsAreServedInOrderOneIntervalApart() {
    TokenBucket b = new TokenBucket(1_000, 1, T0);
    assertThat(b.reserve(T0)).isZero(); // the one token in the bucket
    assertThat(b.reserve(T0)).isEqualTo(MS);
    assertThat(b.reserve(T0)).isEqualTo(2 * MS);
    assertThat(b.reserve(T0 + MS / 2)).isEqualTo(3 * MS - MS / 2);
    // While tokens are reserved ahead, nobody takes one without waiting its turn.
    assertThat(b.tryAcquire(T0 + 3 * MS)).isFalse();
    assertThat(b.tryAcquire(T0 + 4 * MS)).isTrue();
  }

  @Test
  void twoWaitersTakeTurns() {
    TokenBucket b = new TokenBucket(1_000, 1, T0);
    b.tryAcquire(T0);
    long a = b.reserve(T0);
    long c = b.reserve(T0);
    assertThat(a).isLessThan(c);
    // At a's token time a (with more work queued) cannot take a second token: c's comes first.
    assertThat(b.tryAcquire(T0 + a)).isFalse();
    assertThat(b.reserve(T0 + a)).isGreaterThan(c - a);
  }

  @Test
  void concurrentTakersNeverGetMoreThanTheBucketHolds() throws Exception {
    TokenBucket b = new TokenBucket(1_000, 500, T0);
    AtomicInteger taken = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int k = 0; k < 1_000; k++) { // bounded: more attempts than tokens
          if (b.tryAcquire(T0)) {
            taken.incrementAndGet();
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(taken.get()).isEqualTo(500);
  }
}
