package dev.tide.cluster.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One Raft log entry of a partition: the records the leader packed together, with the inputs
 * that must be the same on every replica when they are applied.
 *
 * <p>Format version 2 (written by this code):
 * <pre>
 *   byte    format version (2)
 *   long    leader's time in ms: the "now" of every record of the batch (TTL, expiry, WATCH)
 *   long    seed for commands that choose at random (SPOP)
 *   int     record count
 *   repeat: byte kind, then
 *     COMMAND (0), COMMAND_REPROCESS (1):  argv
 *     TRANSACTION (2):  int watch count, repeat (bytes key, long watch index, byte live, long expire-at ms),
 *                       int command count, repeat argv
 *     EXPIRE (3):       int key count, repeat bytes key
 *   argv  = int argc, then argc times bytes
 *   bytes = int length, then the bytes
 * </pre>
 * Format version 1 (phase 1: a command count, then argvs, no kinds) is still read, as plain
 * commands, so a log written before transactions existed replays unchanged.
 *
 * <p>Decoding checks every length against what is left, so a damaged entry fails with a clear
 * exception rather than allocating wildly.
 */
public record Batch(long nowMs, long seed, List<Record> records) {

  /** Phase 1's format: commands only. Still decoded. */
  public static final byte FORMAT_V1 = 1;
  public static final byte FORMAT_VERSION = 2;

  /** Most records in one entry: 16 per entry gave ~6.6x the throughput of 1 (issue 4); gains flatten past a few hundred. */
  public static final int MAX_COMMANDS = 256;
  /** Most payload bytes in one entry, so one entry never holds up the log for long (1 MiB). */
  public static final int MAX_BYTES = 1 << 20;

  private static final byte KIND_COMMAND = 0;
  private static final byte KIND_COMMAND_REPROCESS = 1;
  private static final byte KIND_TRANSACTION = 2;
  private static final byte KIND_EXPIRE = 3;

  /** One thing the state machine applies. */
  public sealed interface Record permits Command, Transaction, ExpireKeys {
    /** Bytes this record takes in an entry. */
    int encodedSize();
  }

  /**
   * A client's command. {@code reprocess} marks the re-run of a blocked command after one of its
   * keys became ready (the engine then skips keys of another type, as Redis does for a client it
   * wakes).
   */
  public record Command(byte[][] argv, boolean reprocess) implements Record {
    public Command(byte[][] argv) {
      this(argv, false);
    }

    @Override
    public int encodedSize() {
      return 1 + argvSize(argv);
    }
  }

  /**
   * MULTI ... EXEC: the queued commands that touch keys, applied together with nothing between
   * them, unless a watched key changed since it was watched (then none is applied).
   */
  public record Transaction(List<byte[][]> commands, List<WatchedKey> watches) implements Record {
    @Override
    public int encodedSize() {
      int n = 1 + 4 + 4;
      for (WatchedKey w : watches) {
        n += 4 + w.key().length + 8 + 1 + 8;
      }
      for (byte[][] c : commands) {
        n += argvSize(c);
      }
      return n;
    }
  }

  /**
   * A key a client WATCHed: the partition's applied log index when it was watched, whether it
   * was live then, and its expiry time then (-1: none). Everything the state machine needs to
   * decide "changed since WATCH" the same way on every replica ({@link ModificationLog}).
   */
  public record WatchedKey(byte[] key, long watchIndex, boolean live, long expireAtMs) {
  }

  /**
   * Active expiry: keys the leader found expired. Each is removed only if it is still expired at
   * the entry's time, so every replica removes the same keys.
   */
  public record ExpireKeys(List<byte[]> keys) implements Record {
    @Override
    public int encodedSize() {
      int n = 1 + 4;
      for (byte[] k : keys) {
        n += 4 + k.length;
      }
      return n;
    }
  }

  /** Encoded size of one command's arguments. */
  public static int argvSize(byte[][] argv) {
    int n = 4;
    for (byte[] a : argv) {
      n += 4 + a.length;
    }
    return n;
  }

  public byte[] encode() {
    int size = 1 + 8 + 8 + 4;
    for (Record r : records) {
      size += r.encodedSize();
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(FORMAT_VERSION).putLong(nowMs).putLong(seed).putInt(records.size());
    for (Record r : records) {
      switch (r) {
        case Command c -> {
          b.put(c.reprocess() ? KIND_COMMAND_REPROCESS : KIND_COMMAND);
          putArgv(b, c.argv());
        }
        case Transaction t -> {
          b.put(KIND_TRANSACTION);
          b.putInt(t.watches().size());
          for (WatchedKey w : t.watches()) {
            b.putInt(w.key().length).put(w.key());
            b.putLong(w.watchIndex()).put((byte) (w.live() ? 1 : 0)).putLong(w.expireAtMs());
          }
          b.putInt(t.commands().size());
          for (byte[][] c : t.commands()) {
            putArgv(b, c);
          }
        }
        case ExpireKeys e -> {
          b.put(KIND_EXPIRE);
          b.putInt(e.keys().size());
          for (byte[] k : e.keys()) {
            b.putInt(k.length).put(k);
          }
        }
      }
    }
    if (b.hasRemaining()) {
      throw new IllegalStateException("batch size miscounted by " + b.remaining() + " bytes");
    }
    return b.array();
  }

  private static void putArgv(ByteBuffer b, byte[][] argv) {
    b.putInt(argv.length);
    for (byte[] a : argv) {
      b.putInt(a.length).put(a);
    }
  }

  public static Batch decode(ByteBuffer in) {
    ByteBuffer b = in.slice();
    check(b.remaining() >= 1 + 8 + 8 + 4, "header (" + b.remaining() + " bytes)");
    byte version = b.get();
    if (version != FORMAT_VERSION && version != FORMAT_V1) {
      throw new IllegalStateException("log entry has format version " + version + ", this node reads "
          + FORMAT_V1 + " and " + FORMAT_VERSION);
    }
    long now = b.getLong();
    long seed = b.getLong();
    int count = b.getInt();
    check(count >= 0 && count <= b.remaining() / 4, "record count " + count);
    List<Record> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (version == FORMAT_V1) {
        records.add(new Command(getArgv(b), false));
        continue;
      }
      check(b.hasRemaining(), "record kind");
      byte kind = b.get();
      switch (kind) {
        case KIND_COMMAND -> records.add(new Command(getArgv(b), false));
        case KIND_COMMAND_REPROCESS -> records.add(new Command(getArgv(b), true));
        case KIND_TRANSACTION -> {
          int watchCount = getCount(b, 4 + 8 + 1 + 8, "watch count");
          List<WatchedKey> watches = new ArrayList<>(watchCount);
          for (int w = 0; w < watchCount; w++) {
            byte[] key = getBytes(b);
            check(b.remaining() >= 8 + 1 + 8, "watched key");
            watches.add(new WatchedKey(key, b.getLong(), b.get() != 0, b.getLong()));
          }
          int commandCount = getCount(b, 4, "transaction command count");
          List<byte[][]> commands = new ArrayList<>(commandCount);
          for (int c = 0; c < commandCount; c++) {
            commands.add(getArgv(b));
          }
          records.add(new Transaction(commands, watches));
        }
        case KIND_EXPIRE -> {
          int keyCount = getCount(b, 4, "expired key count");
          List<byte[]> keys = new ArrayList<>(keyCount);
          for (int k = 0; k < keyCount; k++) {
            keys.add(getBytes(b));
          }
          records.add(new ExpireKeys(keys));
        }
        default -> throw new IllegalStateException("damaged log entry: bad record kind " + kind);
      }
    }
    check(!b.hasRemaining(), b.remaining() + " trailing bytes");
    return new Batch(now, seed, records);
  }

  private static int getCount(ByteBuffer b, int minBytesEach, String what) {
    check(b.remaining() >= 4, what);
    int n = b.getInt();
    check(n >= 0 && n <= b.remaining() / minBytesEach, what + " " + n);
    return n;
  }

  private static byte[][] getArgv(ByteBuffer b) {
    check(b.remaining() >= 4, "argument count");
    int argc = b.getInt();
    check(argc > 0 && argc <= b.remaining() / 4, "argument count " + argc);
    byte[][] argv = new byte[argc][];
    for (int j = 0; j < argc; j++) {
      argv[j] = getBytes(b);
    }
    return argv;
  }

  private static byte[] getBytes(ByteBuffer b) {
    check(b.remaining() >= 4, "length");
    int len = b.getInt();
    check(len >= 0 && len <= b.remaining(), "length " + len);
    byte[] out = new byte[len];
    b.get(out);
    return out;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("damaged log entry: bad " + what);
    }
  }
}
