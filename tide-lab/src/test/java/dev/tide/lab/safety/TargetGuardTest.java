package dev.tide.lab.safety;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Only loopback, plus addresses a harness names exactly, may be loaded. */
class TargetGuardTest {

  @Test
  void loopbackIsAllowed() {
    TargetGuard g = TargetGuard.LOOPBACK_ONLY;
    assertThat(g.check("127.0.0.1", 6379).getPort()).isEqualTo(6379);
    assertThat(g.check("127.8.9.10", 1).getAddress().isLoopbackAddress()).isTrue();
    assertThat(g.check("localhost", 6379).getAddress().isLoopbackAddress()).isTrue();
    assertThat(g.check("::1", 6379).getAddress().isLoopbackAddress()).isTrue();
    assertThat(g.check("[::1]", 6379).getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void everythingElseIsRefusedByDefaultPrivateRangesIncluded() {
    TargetGuard g = TargetGuard.LOOPBACK_ONLY;
    for (String host : List.of("10.0.0.1", "192.168.1.10", "172.16.0.1", "8.8.8.8", "0.0.0.0", "fe80::1")) {
      assertThatThrownBy(() -> g.check(host, 6379)).isInstanceOf(TargetGuard.TargetRefusedException.class)
          .hasMessageContaining("refusing");
    }
    // names are not even resolved
    assertThatThrownBy(() -> g.check("example.com", 6379)).hasMessageContaining("refusing target 'example.com'");
    assertThatThrownBy(() -> g.check("127.0.0.1", 70000)).hasMessageContaining("port");
  }

  @Test
  void aHarnessMayAllowTheExactAddressesOfItsTestHosts() {
    TargetGuard g = TargetGuard.allowing(List.of("10.77.0.2"));
    assertThat(g.check("10.77.0.2", 6379).getAddress().getHostAddress()).isEqualTo("10.77.0.2");
    assertThatThrownBy(() -> g.check("10.77.0.3", 6379)).isInstanceOf(TargetGuard.TargetRefusedException.class);
    assertThatThrownBy(() -> TargetGuard.allowing(List.of("testhost"))).hasMessageContaining("literal IP");
    assertThatThrownBy(() -> TargetGuard.allowing(List.of("10.0.0.0/8"))).hasMessageContaining("literal IP");
  }
}
