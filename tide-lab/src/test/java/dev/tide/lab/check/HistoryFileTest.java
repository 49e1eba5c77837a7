package dev.tide.lab.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryFileTest {

  @Test
  void everyWorkloadShapeSurvivesTheRoundTrip(@TempDir Path dir) {
    H h = new H().write(0, "r:1", 5, 0, 1).read(1, "r:1", null, 0, -1).cas(2, "r:1", 5, 6, 2, 3)
        .txn(3, 4, 5, H.append("{l}x", 3), H.r("{l}y", 1L, 2L)).incr(4, "c", 3, 3L, 5, 6)
        .counterRead(4, "c", null, 7, 8).transfer(5, "a0", "a1", 2, 8, -1).bankRead(6, 20, H.balances(10, 10), 9, 10);
    List<Op> ops = h.build();
    Path file = dir.resolve("sub/history.jsonl");
    HistoryFile.write(file, ops);
    List<Op> back = HistoryFile.read(file);
    assertThat(back).isEqualTo(ops);
    assertThat(back.get(1).outcome()).isEqualTo(Outcome.UNKNOWN);
  }

  @Test
  void stringsWithQuotesAndControlCharactersRoundTrip() {
    Op op = new Op(1, 0, "register", "write", "k\"\\\n\u0001é", 1L, null, 0, 1, Outcome.FAIL, "ERR \"x\"\t");
    assertThat(JsonLines.decodeOp(JsonLines.encode(op))).isEqualTo(op);
  }

  @Test
  void aMalformedLineIsNamedByItsNumber(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("h.jsonl");
    Files.writeString(file, JsonLines.encode(new H().write(0, "k", 1, 0, 1).build().get(0)) + "\n{\"id\":2,\n");
    assertThatThrownBy(() -> HistoryFile.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("h.jsonl:2");
  }

  @Test
  void completionBeforeInvocationIsRefused() {
    assertThatThrownBy(() -> new Op(1, 0, "register", "read", "k", null, null, 10, 5, Outcome.OK, null))
        .hasMessageContaining("before it is invoked");
  }
}
