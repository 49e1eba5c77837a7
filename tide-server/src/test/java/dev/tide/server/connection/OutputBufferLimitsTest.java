package dev.tide.server.connection;

import dev.tide.server.config.ServerConfig;
import dev.tide.server.connection.OutputBufferLimits.ClientClass;
import dev.tide.server.connection.OutputBufferLimits.Limit;
import dev.tide.server.connection.OutputBufferLimits.Verdict;
import org.junit.jupiter.api.Test;

import static dev.tide.server.connection.OutputBufferLimits.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decision of {@code client-output-buffer-limit}, at its boundaries (Redis compares with >=). */
class OutputBufferLimitsTest {

  private static final long NOW = 1_000_000;

  @Test
  void hardLimitIsReachedAtExactlyItsSize() {
    Limit limit = new Limit(1000, 0, 0);
    assertThat(check(limit, 999, -1, NOW)).isEqualTo(Verdict.OK);
    assertThat(check(limit, 1000, -1, NOW)).isEqualTo(Verdict.OVER_HARD);
  }

  @Test
  void softLimitClosesOnlyAfterBeingOverItForLongerThanItsSeconds() {
    Limit limit = new Limit(0, 500, 2);
    assertThat(check(limit, 499, -1, NOW)).isEqualTo(Verdict.OK);
    assertThat(check(limit, 500, -1, NOW)).isEqualTo(Verdict.SOFT_PENDING);
    assertThat(check(limit, 10_000, NOW - 2000, NOW)).isEqualTo(Verdict.SOFT_PENDING);
    assertThat(check(limit, 10_000, NOW - 2001, NOW)).isEqualTo(Verdict.OVER_SOFT);
    assertThat(check(limit, 499, NOW - 5000, NOW)).as("back under the soft limit").isEqualTo(Verdict.OK);
  }

  @Test
  void hardLimitWinsOverAPendingSoftLimit() {
    Limit limit = new Limit(2000, 500, 60);
    assertThat(check(limit, 1999, NOW, NOW)).isEqualTo(Verdict.SOFT_PENDING);
    assertThat(check(limit, 2000, NOW, NOW)).isEqualTo(Verdict.OVER_HARD);
  }

  @Test
  void zeroLimitsAreOff() {
    Limit off = new Limit(0, 0, 0);
    assertThat(off.off()).isTrue();
    assertThat(check(off, Long.MAX_VALUE, NOW - 1_000_000, NOW)).isEqualTo(Verdict.OK);
  }

  @Test
  void classesAreNamedAsInTheSettingAndReadLiveFromTheConfig() {
    ServerConfig config = new ServerConfig();
    OutputBufferLimits limits = new OutputBufferLimits(config, () -> NOW);
    assertThat(limits.limitFor(ClientClass.byName("normal"))).isEqualTo(new Limit(0, 0, 0));
    assertThat(limits.limitFor(ClientClass.byName("PUBSUB"))).isEqualTo(new Limit(32L << 20, 8L << 20, 60));
    config.set("client-output-buffer-limit", "normal 1mb 256kb 10 pubsub 64mb 16mb 30");
    assertThat(limits.limitFor(ClientClass.NORMAL)).isEqualTo(new Limit(1L << 20, 256L << 10, 10));
    assertThat(limits.limitFor(ClientClass.PUBSUB)).isEqualTo(new Limit(64L << 20, 16L << 20, 30));
    assertThat(ClientClass.PUBSUB.settingName()).isEqualTo("pubsub");
    assertThatThrownBy(() -> ClientClass.byName("replica")).isInstanceOf(IllegalArgumentException.class);
  }
}
