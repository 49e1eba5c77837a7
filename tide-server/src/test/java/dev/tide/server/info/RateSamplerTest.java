package dev.tide.server.info;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateSamplerTest {

  @Test
  void rateIsTheMeanOfTheSampledIntervals() {
    RateSampler r = new RateSampler();
    assertThat(r.ratePerSec()).isZero();
    r.sample(1_000, 0);
    assertThat(r.ratePerSec()).isZero();
    r.sample(1_100, 50); // 500/s
    r.sample(1_200, 150); // 1000/s
    assertThat(r.ratePerSec()).isEqualTo(750);
  }

  @Test
  void samplesTooCloseTogetherAreSkippedAndOnlyTheLastSixteenCount() {
    RateSampler r = new RateSampler();
    long t = 0;
    long count = 0;
    r.sample(t, count);
    r.sample(t + 10, 1_000_000); // 10 ms later: ignored
    for (int i = 0; i < RateSampler.SAMPLES; i++) {
      t += 100;
      count += 1_000; // 10,000/s
      r.sample(t, count);
    }
    for (int i = 0; i < RateSampler.SAMPLES; i++) {
      t += 100;
      count += 100; // 1,000/s replaces every earlier sample
      r.sample(t, count);
    }
    assertThat(r.ratePerSec()).isEqualTo(1_000);
  }

  @Test
  void aCounterThatGoesDownRestartsTheBaseline() {
    RateSampler r = new RateSampler();
    r.sample(0, 1_000);
    r.sample(100, 1_100); // 1000/s
    r.sample(200, 5); // reset: no negative rate
    r.sample(300, 105); // 1000/s
    assertThat(r.ratePerSec()).isEqualTo(1_000);
    r.reset();
    assertThat(r.ratePerSec()).isZero();
  }
}
