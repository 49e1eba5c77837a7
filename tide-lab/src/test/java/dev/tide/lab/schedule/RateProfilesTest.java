package dev.tide.lab.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Profiles parse from their command-line form, and the schedule issues the integral of the rate. */
class RateProfilesTest {

  @Test
  void constantScheduleIssuesRateTimesDurationAtEvenSpacing() {
    OpenLoopSchedule s = new OpenLoopSchedule(RateProfiles.parse("2000"), 1_000, 2_000_000_000L);
    assertThat(s.next()).isEqualTo(1_000);
    assertThat(s.next()).isEqualTo(1_000 + 500_000);
    assertThat(OpenLoopSchedule.intendedCount(RateProfiles.parse("constant:2000"), 2)).isEqualTo(4_000);
    assertThat(OpenLoopSchedule.intendedCount(RateProfiles.parse("1.5k"), 3)).isEqualTo(4_500);
  }

  @Test
  void eachProfileIssuesTheIntegralOfItsRate() {
    // step: 1 s at 1000, 1 s at 3000, then 3000 until the end (3 s): 1000 + 3000 + 3000
    assertThat(OpenLoopSchedule.intendedCount(RateProfiles.parse("step:1000,3000@1s"), 3)).isEqualTo(7_000);
    // ramp 0 → 2000 over 2 s: area 2000
    assertThat((double) OpenLoopSchedule.intendedCount(RateProfiles.parse("ramp:0..2000@2s"), 2))
        .isCloseTo(2_000, within(5.0));
    // sine over whole periods integrates to the mean
    assertThat((double) OpenLoopSchedule.intendedCount(RateProfiles.parse("sine:1000,500,1s"), 4))
        .isCloseTo(4_000, within(4.0));
    // spike: 1000 for 4 s plus 4000 extra for 0.5 s
    assertThat((double) OpenLoopSchedule.intendedCount(RateProfiles.parse("spike:1000,5000,1s,500ms"), 4))
        .isCloseTo(6_000, within(3.0));
  }

  @Test
  void traceReplaysOneRatePerSecondIncludingQuietSeconds(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("rates.csv");
    Files.writeString(trace, "# from a log\nsecond,rate\n0,100\n1,0\n2,300\n");
    RateProfile p = RateProfiles.parse("trace:" + trace);
    assertThat(p.rateAt(0.5)).isEqualTo(100);
    assertThat(p.rateAt(1.5)).isEqualTo(0);
    assertThat(p.rateAt(9)).isEqualTo(300);
    assertThat((double) OpenLoopSchedule.intendedCount(p, 3)).isCloseTo(400, within(2.0));
    assertThat(p.describe()).isEqualTo("trace:" + trace);
  }

  @Test
  void describeRoundTrips() {
    for (String spec : new String[] {"constant:2000", "step:1000,2000,4000@5s", "ramp:500..8000@20s",
        "sine:4000,2000,10s", "spike:1000,8000,5s,2s"}) {
      assertThat(RateProfiles.parse(spec).describe()).isEqualTo(spec);
    }
  }

  @Test
  void badSpecsAreRejectedWithAMessageNamingTheProblem() {
    assertThatThrownBy(() -> RateProfiles.parse("wobble:3")).hasMessageContaining("unknown profile");
    assertThatThrownBy(() -> RateProfiles.parse("-5")).hasMessageContaining("must be > 0");
    assertThatThrownBy(() -> RateProfiles.parse("step:100,200")).hasMessageContaining("@");
    assertThatThrownBy(() -> RateProfiles.parse("sine:100,200,1s")).hasMessageContaining("amplitude");
    assertThatThrownBy(() -> RateProfiles.parse("constant:abc")).hasMessageContaining("bad number");
    assertThatThrownBy(() -> RateProfiles.parse("99999999")).hasMessageContaining("≤");
  }
}
