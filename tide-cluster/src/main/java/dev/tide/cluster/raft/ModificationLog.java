package dev.tide.cluster.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Which keys of a partition changed at which log index, for the last
 * {@link #MAX_TRACKED_CHANGES} changes: what lets every replica decide WATCH the same way.
 *
 * <p><b>Why.</b> In single-node mode a WATCHed key's watcher is told when the key changes. In a
 * cluster the EXEC is a log entry that every replica applies, and every replica must abort or
 * run it alike, but only the leader knows that a client watches anything. So the state machine
 * of every replica records each change (a 64-bit hash of the key and the index of the entry that
 * made it) as part of its replicated state; the WATCH runs on the leader after a ReadIndex and
 * remembers the applied index it saw; the EXEC entry carries the watched keys with those indexes
 * ({@link Batch.WatchedKey}), and each replica asks this log whether any of them changed after
 * its index. Same log, same entries, same answer.
 *
 * <p><b>What counts as a change.</b> What the engine's {@link dev.tide.engine.keyspace.Keyspace.ChangeListener}
 * reports while an entry is applied — every write, delete, expiry set or removed — but not the
 * removal of an expired key, which happens at different moments on different replicas (a read on
 * the leader removes a key that followers still store). Expiry is decided from the watched key's
 * expiry time at WATCH instead: a key live then and past its time at EXEC's entry time aborts, as
 * in Redis 7.0. A flush (FLUSHALL/FLUSHDB) is recorded as one index: it changes every watched key
 * that was live at WATCH; a key absent then is changed by the flush only if something else
 * created it first, which is itself recorded.
 *
 * <p><b>Bound.</b> A ring of the last {@link #MAX_TRACKED_CHANGES} changes. When it overflows the
 * oldest change is forgotten and {@link #floorIndex} rises to its index: a watch taken before
 * the floor cannot be checked, and its EXEC aborts (a safe, conservative answer, the same on
 * every replica because the ring's contents are replicated state). The ring is saved with each
 * snapshot ({@link #write}) so that a replica restored from a snapshot answers like the others.
 *
 * <p><b>Threads.</b> Used on the partition's FSM thread while applying, and by readers on the
 * leader (read-only transactions, WATCH) that hold the partition's keyspace lock, as the state
 * machine does while it applies.
 */
public final class ModificationLog {

  /**
   * Changes remembered per partition: 16 Ki entries × 16 bytes = 256 KiB at most per replica.
   * At a few thousand writes per second per partition this covers several seconds between a
   * WATCH and its EXEC; longer gaps under that load abort conservatively.
   */
  public static final int MAX_TRACKED_CHANGES = 16_384;
  /** First ring size; it doubles up to {@link #MAX_TRACKED_CHANGES}, so idle partitions stay small. */
  private static final int INITIAL_CAPACITY = 256;

  private static final int FILE_MAGIC = 0x54574d4c; // "TWML"
  private static final byte FILE_VERSION = 1;
  public static final String FILE_NAME = "modifications.bin";

  private long[] hashes = new long[0];
  private long[] indexes = new long[0];
  /** Ring position of the oldest entry, and how many entries are held. */
  private int head;
  private int size;
  /** Highest index of a change that was forgotten: watches older than this cannot be checked. */
  private long floorIndex;
  /** Index of the last flush (every key changed), 0 when none. */
  private long lastFlushIndex;

  /** Records that {@code key} changed in the entry at {@code index}. */
  public void record(byte[] key, long index) {
    if (size == hashes.length) {
      if (hashes.length < MAX_TRACKED_CHANGES) {
        grow();
      } else {
        floorIndex = Math.max(floorIndex, indexes[head]);
        head = (head + 1) % hashes.length;
        size--;
      }
    }
    int at = (head + size) % hashes.length;
    hashes[at] = hash64(key);
    indexes[at] = index;
    size++;
  }

  /** Records a flush of the whole partition in the entry at {@code index}. */
  public void recordFlush(long index) {
    lastFlushIndex = Math.max(lastFlushIndex, index);
  }

  private void grow() {
    int capacity = Math.min(MAX_TRACKED_CHANGES, Math.max(INITIAL_CAPACITY, hashes.length * 2));
    long[] h = new long[capacity];
    long[] ix = new long[capacity];
    for (int i = 0; i < size; i++) {
      h[i] = hashes[(head + i) % hashes.length];
      ix[i] = indexes[(head + i) % hashes.length];
    }
    hashes = h;
    indexes = ix;
    head = 0;
  }

  /**
   * True when the watched key must count as changed since it was watched at {@code watchIndex}:
   * a change recorded after it, a flush after it of a key that was live then, or a watch older
   * than what the log remembers.
   */
  public boolean changedSince(byte[] key, long watchIndex, boolean liveAtWatch) {
    if (watchIndex < floorIndex) {
      return true;
    }
    if (liveAtWatch && lastFlushIndex > watchIndex) {
      return true;
    }
    long h = hash64(key);
    for (int i = size - 1; i >= 0; i--) {
      int at = (head + i) % hashes.length;
      if (indexes[at] <= watchIndex) {
        return false; // entries are in index order: nothing older matters
      }
      if (hashes[at] == h) {
        return true;
      }
    }
    return false;
  }

  /**
   * The whole check for one watched key at an EXEC applied at time {@code nowMs}: changed since
   * the watch, or live then with an expiry time that has passed since.
   */
  public boolean watchBroken(Batch.WatchedKey w, long nowMs) {
    if (w.live() && w.expireAtMs() >= 0 && w.expireAtMs() <= nowMs) {
      return true;
    }
    return changedSince(w.key(), w.watchIndex(), w.live());
  }

  public int size() {
    return size;
  }

  public long floorIndex() {
    return floorIndex;
  }

  /** Forgets everything before {@code index} (a snapshot without a saved log: conservative). */
  public void resetTo(long index) {
    hashes = new long[0];
    indexes = new long[0];
    head = 0;
    size = 0;
    floorIndex = index;
    lastFlushIndex = 0;
  }

  /**
   * A 64-bit hash of a key that is the same in every process (FNV-1a with a final mix): two keys
   * share one with probability 2^-64, and then a WATCH aborts needlessly, never wrongly succeeds.
   */
  static long hash64(byte[] key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  // ---- snapshot ---------------------------------------------------------------------------------

  /** Writes the log to {@code file} (magic, version, floor, flush index, entries, CRC32C) and fsyncs it. */
  public void write(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 1 + 8 + 8 + 4 + size * 16 + 4);
    b.putInt(FILE_MAGIC).put(FILE_VERSION).putLong(floorIndex).putLong(lastFlushIndex).putInt(size);
    for (int i = 0; i < size; i++) {
      int at = (head + i) % hashes.length;
      b.putLong(hashes[at]).putLong(indexes[at]);
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    b.flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  /** Replaces this log with the one saved in {@code file}; a damaged file is refused with a message naming it. */
  public void read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 4 + 1 + 8 + 8 + 4 + 4) {
      throw new IOException(file + ": too short for a modification log (" + all.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    ByteBuffer b = ByteBuffer.wrap(all);
    if (b.getInt(all.length - 4) != (int) crc.getValue()) {
      throw new IOException(file + ": checksum mismatch");
    }
    if (b.getInt() != FILE_MAGIC || b.get() != FILE_VERSION) {
      throw new IOException(file + ": not a modification log of version " + FILE_VERSION);
    }
    long floor = b.getLong();
    long flush = b.getLong();
    int n = b.getInt();
    if (n < 0 || n > MAX_TRACKED_CHANGES || n * 16L != all.length - (4 + 1 + 8 + 8 + 4 + 4)) {
      throw new IOException(file + ": bad entry count " + n);
    }
    resetTo(floor);
    lastFlushIndex = flush;
    int capacity = INITIAL_CAPACITY;
    while (capacity < n) {
      capacity *= 2;
    }
    hashes = new long[Math.min(MAX_TRACKED_CHANGES, capacity)];
    indexes = new long[hashes.length];
    for (int i = 0; i < n; i++) {
      hashes[i] = b.getLong();
      indexes[i] = b.getLong();
    }
    size = n;
  }
}
