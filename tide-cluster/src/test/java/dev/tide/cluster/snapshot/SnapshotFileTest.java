package dev.tide.cluster.snapshot;

import dev.tide.cluster.raft.EngineCalls;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.commands.EngineCommands;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.protocol.RespReplyWriter;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A partition snapshot round-trips, and a damaged or truncated file is refused naming the file. */
class SnapshotFileTest {

  @TempDir
  Path dir;

  private final CommandTable table = new CommandTable();

  SnapshotFileTest() {
    EngineCommands.registerAll(table);
  }

  private void run(Database db, String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    boolean failed = EngineCalls.invoke(new CommandContext(), table.lookup(argv[0]), argv,
        new RespReplyWriter(Unpooled.buffer(), 2), 1_000, db, EngineCalls.REPLICA_SESSION);
    assertThat(failed).isFalse();
  }

  /** Enough keys that the file spans several I/O buffers and does not end on a buffer boundary. */
  private Path written() throws IOException {
    Database db = new Database(new EngineConfig(), 1);
    for (int i = 0; i < 5_000; i++) {
      run(db, "set", "key:" + i, "value-" + i + "-" + "x".repeat(i % 50));
    }
    run(db, "rpush", "list", "a", "b", "c");
    run(db, "hset", "hash", "f", "v");
    run(db, "sadd", "set", "m1", "m2");
    run(db, "zadd", "zset", "1.5", "z");
    Path file = dir.resolve(SnapshotFile.FILE_NAME);
    SnapshotFile.write(file, db, 1234);
    return file;
  }

  @Test
  void aWrittenSnapshotVerifiesAndLoadsBack() throws IOException {
    Path file = written();
    assertThat(Files.size(file) % (64 * 1024)).isNotEqualTo(4); // not on a buffer boundary
    SnapshotFile.verify(file);
    Database loaded = new Database(new EngineConfig(), 1);
    SnapshotFile.Loaded l = SnapshotFile.read(file, loaded, table);
    assertThat(l.records()).isEqualTo(5_004);
    assertThat(l.lastAppliedMs()).isEqualTo(1234);
    Object v = loaded.shard(0).peek("key:4999".getBytes(StandardCharsets.UTF_8), 1_000);
    assertThat(new String((byte[]) v, StandardCharsets.UTF_8)).startsWith("value-4999-");
  }

  @Test
  void aFlippedByteIsAChecksumMismatchNamingTheFile() throws IOException {
    Path file = written();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = Files.size(file) / 2;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 1)}), at);
    }
    assertThatThrownBy(() -> SnapshotFile.verify(file)).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("checksum mismatch");
  }

  @Test
  void aTruncatedFileIsRefused() throws IOException {
    Path file = written();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(file) - 10);
    }
    assertThatThrownBy(() -> SnapshotFile.verify(file)).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());
  }
}
