package dev.tide.server.pubsub;

import dev.tide.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pub/sub output limit rules, with explicit times. */
class OutputLimitsTest {

  private static OutputLimits limits(long hard, long soft, int softSeconds) {
    ServerConfig config = new ServerConfig();
    config.outputLimitPubSubHard = hard;
    config.outputLimitPubSubSoft = soft;
    config.outputLimitPubSubSoftSeconds = softSeconds;
    return new OutputLimits(config);
  }

  @Test
  void hardLimitCutsOffAtOnce() {
    OutputLimits l = limits(1000, 0, 0);
    OutputLimits.State s = new OutputLimits.State();
    assertThat(l.exceeded(s, 999, 0)).isFalse();
    assertThat(l.exceeded(s, 1000, 0)).isTrue();
  }

  @Test
  void softLimitMustHoldForLongerThanItsSeconds() {
    OutputLimits l = limits(0, 100, 60);
    OutputLimits.State s = new OutputLimits.State();
    assertThat(l.exceeded(s, 100, 1_000)).as("first time over: the clock starts").isFalse();
    assertThat(s.softSinceMs()).isEqualTo(1_000);
    assertThat(l.exceeded(s, 500, 61_000)).as("exactly 60 s over").isFalse();
    assertThat(l.exceeded(s, 500, 61_001)).as("more than 60 s over").isTrue();
  }

  @Test
  void droppingUnderTheSoftLimitRestartsItsClock() {
    OutputLimits l = limits(0, 100, 60);
    OutputLimits.State s = new OutputLimits.State();
    l.exceeded(s, 200, 0);
    assertThat(l.exceeded(s, 50, 30_000)).isFalse();
    assertThat(s.softSinceMs()).isEqualTo(-1);
    assertThat(l.exceeded(s, 200, 40_000)).isFalse();
    assertThat(l.exceeded(s, 200, 90_000)).as("only 50 s since it went over again").isFalse();
    assertThat(l.exceeded(s, 200, 100_001)).isTrue();
  }

  @Test
  void zeroMeansNoLimitAndSettingsApplyToTheNextCheck() {
    ServerConfig config = new ServerConfig();
    config.outputLimitPubSubHard = 0;
    config.outputLimitPubSubSoft = 0;
    OutputLimits l = new OutputLimits(config);
    OutputLimits.State s = new OutputLimits.State();
    assertThat(l.exceeded(s, Long.MAX_VALUE / 2, 0)).isFalse();
    config.outputLimitPubSubHard = 10;
    assertThat(l.exceeded(s, 10, 0)).isTrue();
  }

  @Test
  void redisDefaultsAre32mb8mb60s() {
    ServerConfig config = new ServerConfig();
    assertThat(config.outputLimitPubSubHard).isEqualTo(32L << 20);
    assertThat(config.outputLimitPubSubSoft).isEqualTo(8L << 20);
    assertThat(config.outputLimitPubSubSoftSeconds).isEqualTo(60);
  }
}
