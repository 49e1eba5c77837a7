package dev.tide.cluster.raft;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log entry format: version 2 round-trips every record kind; version 1 entries still decode. */
class BatchTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyRecordKindRoundTrips() {
    Batch in = new Batch(1234L, -99L, List.of(
        new Batch.Command(new byte[][] {b("SET"), b("k"), b("v")}),
        new Batch.Command(new byte[][] {b("BLPOP"), b("q"), b("0")}, true),
        new Batch.Transaction(List.<byte[][]>of(new byte[][] {b("INCR"), b("n")}, new byte[][] {b("GET"), b("n")}),
            List.of(new Batch.WatchedKey(b("n"), 77, true, 5000), new Batch.WatchedKey(b(""), 0, false, -1))),
        new Batch.ExpireKeys(List.of(b("a"), b("bb")))));
    Batch out = Batch.decode(ByteBuffer.wrap(in.encode()));
    assertThat(out.nowMs()).isEqualTo(1234L);
    assertThat(out.seed()).isEqualTo(-99L);
    assertThat(out.records()).hasSize(4);
    Batch.Command c0 = (Batch.Command) out.records().get(0);
    assertThat(c0.reprocess()).isFalse();
    assertThat(Arrays.deepEquals(c0.argv(), new byte[][] {b("SET"), b("k"), b("v")})).isTrue();
    assertThat(((Batch.Command) out.records().get(1)).reprocess()).isTrue();
    Batch.Transaction t = (Batch.Transaction) out.records().get(2);
    assertThat(t.commands()).hasSize(2);
    assertThat(Arrays.deepEquals(t.commands().get(1), new byte[][] {b("GET"), b("n")})).isTrue();
    assertThat(t.watches()).hasSize(2);
    Batch.WatchedKey w = t.watches().get(0);
    assertThat(w.key()).isEqualTo(b("n"));
    assertThat(w.watchIndex()).isEqualTo(77);
    assertThat(w.live()).isTrue();
    assertThat(w.expireAtMs()).isEqualTo(5000);
    assertThat(t.watches().get(1).live()).isFalse();
    Batch.ExpireKeys e = (Batch.ExpireKeys) out.records().get(3);
    assertThat(e.keys()).hasSize(2);
    assertThat(e.keys().get(1)).isEqualTo(b("bb"));
  }

  @Test
  void phaseOneEntriesStillDecodeAsCommands() {
    // Version 1 as phase 1 wrote it: version, now, seed, count, then argc + (len, bytes) per command.
    ByteBuffer v1 = ByteBuffer.allocate(1 + 8 + 8 + 4 + 4 + (4 + 3) + (4 + 1));
    v1.put((byte) 1).putLong(42).putLong(7).putInt(1).putInt(2).putInt(3).put(b("DEL")).putInt(1).put(b("k"));
    Batch out = Batch.decode(ByteBuffer.wrap(v1.array()));
    assertThat(out.nowMs()).isEqualTo(42);
    assertThat(out.records()).hasSize(1);
    Batch.Command c = (Batch.Command) out.records().get(0);
    assertThat(c.reprocess()).isFalse();
    assertThat(Arrays.deepEquals(c.argv(), new byte[][] {b("DEL"), b("k")})).isTrue();
  }

  @Test
  void damagedEntriesFailWithAClearMessage() {
    List<byte[][]> commands = List.<byte[][]>of(new byte[][] {b("GET"), b("x")});
    byte[] good = new Batch(1, 2, List.of(new Batch.Transaction(commands,
        List.of(new Batch.WatchedKey(b("x"), 1, true, -1))))).encode();
    for (int cut = 0; cut < good.length; cut++) {
      byte[] shorter = Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> Batch.decode(ByteBuffer.wrap(shorter)))
          .as("cut at %d", cut).isInstanceOf(RuntimeException.class);
    }
    byte[] badKind = good.clone();
    badKind[1 + 8 + 8 + 4] = 9;
    assertThatThrownBy(() -> Batch.decode(ByteBuffer.wrap(badKind))).hasMessageContaining("record kind");
    byte[] badVersion = good.clone();
    badVersion[0] = 3;
    assertThatThrownBy(() -> Batch.decode(ByteBuffer.wrap(badVersion))).hasMessageContaining("format version 3");
  }
}
