package dev.tide.cluster.status;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The moves table of {@code tide status}: progress bar from bytes, rate and ETA; unknowns shown as such. */
class StatusTablesTest {

  @Test
  void movesInProgressShowPhaseProgressRateAndEta() {
    ClusterStatus s = new ClusterStatus(List.of(), List.of(
        new ClusterStatus.MoveView(3, "n1", "n4", "learner catching up", 16L << 20, 32L << 20, 500),
        new ClusterStatus.MoveView(7, "n2", "n5", "adding learner", -1, -1, -1)));
    String table = StatusTables.movesTable(s);
    assertThat(table).startsWith("replica moves in progress: 2");
    // 16 MiB done, 16 MiB to go at 32 MiB/s: half the bar
    assertThat(table).contains("[##########..........]").contains("16.0 MiB").contains("32.0 MiB/s");
    assertThat(table).contains("adding learner").contains(" -");
    assertThat(StatusTables.render(s)).contains("replica moves in progress");
    assertThat(StatusTables.render(new ClusterStatus(List.of()))).doesNotContain("replica moves");
  }
}
