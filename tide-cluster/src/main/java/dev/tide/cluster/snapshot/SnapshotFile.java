package dev.tide.cluster.snapshot;

import dev.tide.cluster.raft.EngineCalls;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.HashValue;
import dev.tide.engine.types.ListValue;
import dev.tide.engine.types.SetValue;
import dev.tide.engine.types.SortedSetValue;
import dev.tide.protocol.RespReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Tide's snapshot of one partition: a versioned, checksummed stream of keys, written atomically.
 *
 * <pre>
 *   header : "TIDESNAP" (8 bytes), int format version, long leader time of the last applied entry
 *   record : byte type (1 string, 2 list, 3 hash, 4 set, 5 sorted set), int key length, key,
 *            long expiry in ms (-1: none), then
 *              string:     int length, bytes
 *              list/set:   int count, count × (int length, bytes)
 *              hash:       int count, count × (field, value) each as (int length, bytes)
 *              sorted set: int count, count × (member as (int length, bytes), long score bits)
 *   end    : byte 0, long record count
 *   crc    : int CRC32C of every byte before it
 * </pre>
 *
 * Writing streams the keyspace through a buffered output (no copy of the partition in memory),
 * into a temporary file that is fsynced and then renamed over the final name, and the directory
 * is fsynced: a crash leaves either the old file or the whole new one. Reading first verifies the
 * checksum over the whole file, then rebuilds the keys through the engine's own commands (RPUSH,
 * HSET, SADD, ZADD in bounded chunks), so encodings follow the same thresholds as live writes.
 * A damaged file is refused with a message naming the file and what is wrong.
 */
public final class SnapshotFile {

  public static final String FILE_NAME = "partition.tsnap";
  private static final byte[] MAGIC = "TIDESNAP".getBytes(StandardCharsets.US_ASCII);
  public static final int FORMAT_VERSION = 1;
  /** Elements per rebuilding command: bounds the argv built while loading a large collection. */
  static final int RESTORE_CHUNK = 512;
  /** Largest single length accepted when reading (Redis's proto-max-bulk-len ceiling, 512 MiB). */
  static final int MAX_LENGTH = 512 << 20;
  private static final int IO_BUFFER_BYTES = 64 * 1024;

  private static final byte END = 0;
  private static final byte STRING = 1;
  private static final byte LIST = 2;
  private static final byte HASH = 3;
  private static final byte SET = 4;
  private static final byte ZSET = 5;

  private SnapshotFile() {
  }

  /** Writes {@code db} (caller holds its locks or is the only user) to {@code file} atomically. */
  public static long write(Path file, Database db, long lastAppliedMs) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    long records = 0;
    CRC32C crc = new CRC32C();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc),
          IO_BUFFER_BYTES));
      out.write(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeLong(lastAppliedMs);
      for (int i = 0; i < db.shardCount(); i++) {
        Keyspace ks = db.shard(i);
        long[] count = {0};
        try {
          ks.forEach(node -> {
            try {
              writeRecord(out, ks, node.key(), node.value());
              count[0]++;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
        records += count[0];
      }
      out.writeByte(END);
      out.writeLong(records);
      out.flush();
      ByteBuffer tail = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
      while (tail.hasRemaining()) {
        ch.write(tail);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot fsync a directory; the rename itself is still atomic.
    }
    return records;
  }

  private static void writeRecord(DataOutputStream out, Keyspace ks, byte[] key, Object value) throws IOException {
    long expireAt = ks.expireAt(key);
    switch (value) {
      case byte[] s -> {
        header(out, STRING, key, expireAt);
        bytes(out, s, 0, s.length);
      }
      case ListValue l -> {
        header(out, LIST, key, expireAt);
        out.writeInt(l.size());
        visit(() -> l.forEach(0, l.length() - 1, (buf, off, len) -> io(() -> bytes(out, buf, off, len))));
      }
      case HashValue h -> {
        header(out, HASH, key, expireAt);
        out.writeInt(h.size());
        visit(() -> h.forEach((fb, fo, fl, vb, vo, vl) -> io(() -> {
          bytes(out, fb, fo, fl);
          bytes(out, vb, vo, vl);
        })));
      }
      case SetValue s -> {
        header(out, SET, key, expireAt);
        out.writeInt(s.size());
        visit(() -> s.forEach(m -> io(() -> bytes(out, m, 0, m.length))));
      }
      case SortedSetValue z -> {
        header(out, ZSET, key, expireAt);
        out.writeInt(z.size());
        visit(() -> z.visit(0, z.size() - 1, false, (buf, off, len, score) -> io(() -> {
          bytes(out, buf, off, len);
          out.writeLong(Double.doubleToRawLongBits(score));
        })));
      }
      default -> throw new IOException("cannot snapshot a value of " + value.getClass().getName());
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void io(IoAction a) {
    try {
      a.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void visit(Runnable r) throws IOException {
    try {
      r.run();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void header(DataOutputStream out, byte type, byte[] key, long expireAt) throws IOException {
    out.writeByte(type);
    bytes(out, key, 0, key.length);
    out.writeLong(expireAt);
  }

  private static void bytes(DataOutputStream out, byte[] b, int off, int len) throws IOException {
    out.writeInt(len);
    out.write(b, off, len);
  }

  /** What a loaded snapshot held. */
  public record Loaded(long records, long lastAppliedMs) {
  }

  /**
   * Verifies {@code file} and loads it into {@code db} (which should be empty and not yet shared).
   *
   * @throws IOException naming the file and the damage when it is not a whole, valid snapshot
   */
  public static Loaded read(Path file, Database db, CommandTable table) throws IOException {
    verify(file);
    try (InputStream raw = Files.newInputStream(file)) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, IO_BUFFER_BYTES));
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + " is not a Tide snapshot (bad magic)");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IOException(file + " has snapshot format " + version + "; this node reads " + FORMAT_VERSION);
      }
      long lastAppliedMs = in.readLong();
      Restorer r = new Restorer(db, table);
      long records = 0;
      while (true) {
        byte type = in.readByte();
        if (type == END) {
          long expected = in.readLong();
          if (expected != records) {
            throw new IOException(file + " is damaged: " + records + " records, trailer says " + expected);
          }
          return new Loaded(records, lastAppliedMs);
        }
        byte[] key = readBytes(in, file);
        long expireAt = in.readLong();
        switch (type) {
          case STRING -> r.run("set", key, List.of(readBytes(in, file)));
          case LIST -> r.collection("rpush", key, readCount(in, file), 1, in, file, false);
          case HASH -> r.collection("hset", key, readCount(in, file), 2, in, file, false);
          case SET -> r.collection("sadd", key, readCount(in, file), 1, in, file, false);
          case ZSET -> r.collection("zadd", key, readCount(in, file), 1, in, file, true);
          default -> throw new IOException(file + " is damaged: unknown record type " + type);
        }
        if (expireAt >= 0) {
          db.shardFor(key).setExpireAt(key, expireAt);
        }
        records++;
      }
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    }
  }

  /** Checks the file's length and its CRC32C over the whole file without loading it. */
  public static void verify(Path file) throws IOException {
    long size = Files.size(file);
    if (size < MAGIC.length + 4 + 8 + 1 + 8 + 4) {
      throw new IOException(file + " is truncated (" + size + " bytes)");
    }
    CRC32C crc = new CRC32C();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      // Positional reads: the stored checksum is read from where it is, not from a stream that a
      // buffer may already have read past.
      ByteBuffer buf = ByteBuffer.allocate(IO_BUFFER_BYTES);
      long pos = 0;
      long end = size - 4;
      while (pos < end) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IOException(file + " is truncated");
        }
        crc.update(buf.flip());
        pos += n;
      }
      ByteBuffer tail = ByteBuffer.allocate(4);
      while (tail.hasRemaining()) {
        if (ch.read(tail, end + tail.position()) < 0) {
          throw new IOException(file + " is truncated");
        }
      }
      int stored = tail.flip().getInt();
      if (stored != (int) crc.getValue()) {
        throw new IOException(file + " is damaged: checksum mismatch (stored " + Integer.toHexString(stored)
            + ", computed " + Integer.toHexString((int) crc.getValue()) + ")");
      }
    }
  }

  private static int readCount(DataInputStream in, Path file) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_LENGTH) {
      throw new IOException(file + " is damaged: bad element count " + n);
    }
    return n;
  }

  private static byte[] readBytes(DataInputStream in, Path file) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > MAX_LENGTH) {
      throw new IOException(file + " is damaged: bad length " + len);
    }
    return in.readNBytes(len);
  }

  /** Rebuilds values through the engine's commands, checking that each one succeeds. */
  private static final class Restorer {
    private final Database db;
    private final CommandTable table;
    private final CommandContext ctx = new CommandContext();
    private final ByteBuf sink = Unpooled.buffer(64);
    private final RespReplyWriter reply = new RespReplyWriter(sink, 2);

    Restorer(Database db, CommandTable table) {
      this.db = db;
      this.table = table;
    }

    void collection(String command, byte[] key, int count, int perElement, DataInputStream in, Path file,
                    boolean scored) throws IOException {
      List<byte[]> args = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        if (scored) {
          byte[] member = readBytes(in, file);
          double score = Double.longBitsToDouble(in.readLong());
          args.add(formatScore(score).getBytes(StandardCharsets.US_ASCII));
          args.add(member);
        } else {
          for (int j = 0; j < perElement; j++) {
            args.add(readBytes(in, file));
          }
        }
        if (args.size() >= RESTORE_CHUNK * perElement) {
          run(command, key, args);
          args.clear();
        }
      }
      if (!args.isEmpty()) {
        run(command, key, args);
      }
    }

    void run(String command, byte[] key, List<byte[]> args) throws IOException {
      byte[][] argv = new byte[args.size() + 2][];
      argv[0] = command.getBytes(StandardCharsets.US_ASCII);
      argv[1] = key;
      for (int i = 0; i < args.size(); i++) {
        argv[i + 2] = args.get(i);
      }
      CommandSpec spec = table.lookup(argv[0]);
      sink.clear();
      if (EngineCalls.invoke(ctx, spec, argv, reply, 0, db, EngineCalls.REPLICA_SESSION)) {
        throw new IOException("snapshot restore: " + command + " failed: " + sink.toString(StandardCharsets.UTF_8));
      }
    }
  }

  /** A score as text that parses back to exactly the same double (shortest round-trip form). */
  static String formatScore(double score) {
    if (score == Double.POSITIVE_INFINITY) {
      return "inf";
    }
    if (score == Double.NEGATIVE_INFINITY) {
      return "-inf";
    }
    return Double.toString(score);
  }
}
