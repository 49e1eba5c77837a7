package dev.tide.lab.chaos.nemesis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultKindTest {

  @Test
  void groupsAndIdsParse() {
    assertThat(FaultKind.parseList("all")).hasSize(FaultKind.values().length);
    assertThat(FaultKind.parseList("process")).allMatch(k -> !k.isNetwork() && !k.isDisk());
    assertThat(FaultKind.parseList("network")).allMatch(FaultKind::isNetwork).hasSize(5);
    assertThat(FaultKind.parseList("disk, kill-leader,disk-full")).containsExactly(FaultKind.DISK_FULL,
        FaultKind.DISK_SLOW, FaultKind.KILL_LEADER);
  }

  @Test
  void anUnknownFaultNamesTheKnownOnes() {
    assertThatThrownBy(() -> FaultKind.parseList("kill-everything")).hasMessageContaining("kill-everything")
        .hasMessageContaining("isolate-leader");
  }
}
