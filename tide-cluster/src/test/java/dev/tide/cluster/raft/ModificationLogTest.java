package dev.tide.cluster.raft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replicated change history that decides WATCH: exact within its bound, conservative beyond it. */
class ModificationLogTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aChangeAfterTheWatchIndexCountsAndOneAtOrBeforeItDoesNot() {
    ModificationLog log = new ModificationLog();
    log.record(b("a"), 5);
    log.record(b("b"), 7);
    assertThat(log.changedSince(b("a"), 4, true)).isTrue();
    assertThat(log.changedSince(b("a"), 5, true)).isFalse();
    assertThat(log.changedSince(b("b"), 6, false)).isTrue();
    assertThat(log.changedSince(b("b"), 7, false)).isFalse();
    assertThat(log.changedSince(b("c"), 0, true)).isFalse();
  }

  @Test
  void aFlushChangesKeysThatWereLiveAtWatchOnly() {
    ModificationLog log = new ModificationLog();
    log.recordFlush(10);
    assertThat(log.changedSince(b("k"), 9, true)).isTrue();
    assertThat(log.changedSince(b("k"), 9, false)).isFalse();
    assertThat(log.changedSince(b("k"), 10, true)).isFalse();
  }

  @Test
  void expiryAbortsAKeyLiveAtWatchWhoseTimeHasPassed() {
    ModificationLog log = new ModificationLog();
    assertThat(log.watchBroken(new Batch.WatchedKey(b("k"), 1, true, 1000), 999)).isFalse();
    assertThat(log.watchBroken(new Batch.WatchedKey(b("k"), 1, true, 1000), 1000)).isTrue();
    assertThat(log.watchBroken(new Batch.WatchedKey(b("k"), 1, true, -1), 1_000_000)).isFalse();
    // A key already expired at WATCH is absent: its removal is no change.
    assertThat(log.watchBroken(new Batch.WatchedKey(b("k"), 1, false, -1), 1_000_000)).isFalse();
  }

  @Test
  void beyondItsBoundTheLogAbortsOlderWatchesInsteadOfGuessing() {
    ModificationLog log = new ModificationLog();
    int n = ModificationLog.MAX_TRACKED_CHANGES;
    for (int i = 1; i <= n + 10; i++) {
      log.record(b("key" + i), i);
    }
    assertThat(log.size()).isEqualTo(n);
    assertThat(log.floorIndex()).isEqualTo(10);
    assertThat(log.changedSince(b("untouched"), 9, true)).as("older than the floor").isTrue();
    assertThat(log.changedSince(b("untouched"), 10, true)).isFalse();
    assertThat(log.changedSince(b("key" + (n + 10)), n + 9, true)).isTrue();
  }

  @Test
  void savedAndLoadedLogAnswersTheSame(@TempDir Path dir) throws IOException {
    ModificationLog log = new ModificationLog();
    for (int i = 1; i <= 1000; i++) {
      log.record(b("k" + (i % 37)), i);
    }
    log.recordFlush(400);
    Path file = dir.resolve(ModificationLog.FILE_NAME);
    log.write(file);
    ModificationLog loaded = new ModificationLog();
    loaded.read(file);
    for (int k = 0; k < 40; k++) {
      for (long w : new long[] {0, 399, 400, 963, 999, 1000}) {
        for (boolean live : new boolean[] {true, false}) {
          assertThat(loaded.changedSince(b("k" + k), w, live)).isEqualTo(log.changedSince(b("k" + k), w, live));
        }
      }
    }
    // Later changes are recorded the same way after a load.
    log.record(b("x"), 2000);
    loaded.record(b("x"), 2000);
    assertThat(loaded.changedSince(b("x"), 1999, false)).isEqualTo(log.changedSince(b("x"), 1999, false)).isTrue();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> new ModificationLog().read(file)).hasMessageContaining("checksum");
  }
}
