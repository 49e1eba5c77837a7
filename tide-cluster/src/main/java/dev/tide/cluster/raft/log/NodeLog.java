package dev.tide.cluster.raft.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The Raft log of every group on one node, in one sequence of segment files: one write stream,
 * one fsync per commit batch for all groups, no per-group files, threads or caches.
 *
 * <p><b>Why one log per node.</b> A node hosts one Raft group per partition replica (16 with the
 * defaults). With a log store per group (JRaft's default: one RocksDB each) the node pays per
 * group for memtables, caches, files and an fsync per group per batch. Here every group's
 * records go to the same file, so a batch of appends from many groups costs one write and one
 * {@code fdatasync}, and memory is an index of 20 bytes per live entry (entries are read back
 * from the file, which the page cache serves).
 *
 * <p><b>Records.</b> Each append, truncation and reset of a group is a record (see
 * {@link LogFormat}) carrying the group's name and its own checksums. A group's state is the
 * result of its records in file order; the same code ({@link #apply}) builds it when records are
 * committed and when the files are replayed at start-up, so both agree.
 *
 * <p><b>Group commit.</b> Each group's JRaft disk thread calls {@link #commit} with its records.
 * The first caller finding no write in progress becomes the writer: it takes everything queued,
 * writes it with one sequence of writes through a direct buffer, fsyncs once (in
 * {@link Durability#FSYNC} mode), applies the records to the groups' indexes and wakes the
 * callers. Callers that arrive meanwhile queue for the next batch; the more groups write at once,
 * the more records share an fsync.
 *
 * <p><b>Segments</b> are created at their full length (sparse) and sealed with a SEAL record when
 * full, so a file that is shorter than its header says was truncated, and a sealed segment that
 * ends before its seal lost data. A segment is deleted, oldest first, when no live entry points
 * into it. A group whose old entries pin the oldest segment (an idle group that took no new
 * snapshot, so JRaft never truncated its log) is <em>rewritten</em>: its live entries are copied
 * to the head as staged REWRITE records, then a REWRITE_COMMIT switches the group over; a crash
 * before the commit leaves the original entries in force. Groups with much data are asked to
 * snapshot instead (their log is then truncated by JRaft).
 *
 * <p><b>Damage</b> found when opening is reported in {@link #damage()}: a record whose payload
 * fails its checksum makes a <em>hole</em> in its group (only that group is affected, as the
 * header is intact); anything else (a damaged header, a truncated or missing file, a sealed
 * segment without its seal) makes the whole log untrusted, because records of any group may
 * have been lost. A bad record at the very end of the newest segment, with nothing valid after
 * it, is a write torn by a crash: it was never acknowledged (a batch counts only after its
 * fsync), so it is cut off and the log continues from there.
 *
 * <p><b>Locks.</b> {@code commitLock} orders the writer role; each group's index is guarded by
 * its own monitor (short holds); {@code segmentsLock} is taken for reading while an entry is
 * read from a file and for writing while a segment is deleted. Lock order: segmentsLock, then a
 * group monitor. A group's {@code mutation} lock serializes its own changes with a rewrite of it.
 */
public final class NodeLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeLog.class);

  /** Segment length: large enough that rolling (create, fsync, rename) is rare, small enough to free space promptly. */
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  /** Segments kept before the groups pinning the oldest one are rewritten or asked to snapshot (512 MiB of log). */
  public static final int DEFAULT_REWRITE_AFTER_SEGMENTS = 8;
  /** A pinning group with more live log bytes than this is asked to snapshot rather than rewritten. */
  public static final long DEFAULT_REWRITE_MAX_BYTES = 16L << 20;
  /**
   * A large group that pins the oldest segment is asked to snapshot at most this often: JRaft
   * truncates its log to the snapshot before the latest, so two snapshots a minute apart free it.
   */
  static final long SNAPSHOT_REQUEST_INTERVAL_MS = 60_000;
  /** The writer's staging buffer: one write() per this many bytes of records. */
  static final int WRITE_BUFFER_BYTES = 1 << 20;
  /** Bytes of records copied per commit while a group is rewritten (bounds the heap it uses). */
  static final int REWRITE_CHUNK_BYTES = 1 << 20;
  /** Names the newest segment: a missing newest segment is detected, not taken for a shorter log. */
  public static final String CURRENT_FILE_NAME = "CURRENT";

  /** Settings of a node log. */
  public static final class Options {
    public Path dir;
    public Durability durability = Durability.FSYNC;
    public long segmentBytes = DEFAULT_SEGMENT_BYTES;
    public int rewriteAfterSegments = DEFAULT_REWRITE_AFTER_SEGMENTS;
    public long rewriteMaxBytes = DEFAULT_REWRITE_MAX_BYTES;
    /** Called (on the maintenance caller's thread) with a group that should snapshot so that its log can be truncated. */
    public Consumer<String> snapshotRequest = g -> { };

    public Options(Path dir) {
      this.dir = dir;
    }
  }

  /** One group's state in the log. */
  static final class GroupState {
    final GroupIndex index;
    /** Held by whoever changes the group (its JRaft disk thread, or a rewrite). */
    final ReentrantLock mutation = new ReentrantLock();
    /** Rewritten copies waiting for their REWRITE_COMMIT (index, term, loc, len, conf). */
    List<long[]> staged;

    GroupState(String name) {
      this.index = new GroupIndex(name);
    }
  }

  /** A record to write: its header is complete; the payload follows it (or is copied from a segment). */
  static final class Rec {
    final byte type;
    final long index;
    final long term;
    final byte[] header;
    final byte[] payload;
    final int payloadOff;
    final int payloadLen;
    long loc;

    Rec(byte type, long index, long term, byte[] header, byte[] payload, int payloadOff, int payloadLen) {
      this.type = type;
      this.index = index;
      this.term = term;
      this.header = header;
      this.payload = payload;
      this.payloadOff = payloadOff;
      this.payloadLen = payloadLen;
    }

    int length() {
      return header.length + payloadLen;
    }
  }

  private static final class Write {
    final GroupState group;
    final List<Rec> recs;
    boolean done;
    IOException error;

    Write(GroupState group, List<Rec> recs) {
      this.group = group;
      this.recs = recs;
    }
  }

  private final Options options;
  private final Path dir;
  private final Map<String, GroupState> groups = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
  private final ReentrantReadWriteLock segmentsLock = new ReentrantReadWriteLock();
  private final ReentrantLock commitLock = new ReentrantLock();
  private final Condition committed = commitLock.newCondition();
  private final ArrayDeque<Write> queue = new ArrayDeque<>();
  private boolean writing;
  private IOException failure;
  private boolean closed;
  private volatile Segment active;
  private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
  private long bufferedFrom;
  private final List<LogDamage> damage = new ArrayList<>();
  private final Map<String, LogDamage> damagedGroups = new LinkedHashMap<>();
  private final Map<String, LogDamage> holes = new LinkedHashMap<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong records = new AtomicLong();
  /** When each large pinning group was last asked to snapshot. */
  private final Map<String, Long> snapshotAsked = new ConcurrentHashMap<>();

  private NodeLog(Options options) {
    this.options = options;
    this.dir = options.dir;
  }

  /**
   * Opens (or creates) the log in {@code options.dir} and replays it. Damage is not an error:
   * it is reported by {@link #damage()}; when it affects the whole log the log is not writable
   * ({@link #wholeLogDamaged()}) and the caller moves its files away and opens a fresh one.
   */
  public static NodeLog open(Options options) throws IOException {
    if (options.segmentBytes < 4096 || options.segmentBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("segment size must be in 4 KiB .. 2 GiB, got " + options.segmentBytes);
    }
    Files.createDirectories(options.dir);
    NodeLog l = new NodeLog(options);
    try {
      l.replay();
    } catch (IOException | RuntimeException e) {
      l.closeFiles();
      throw e;
    }
    return l;
  }

  // ---- opening ---------------------------------------------------------------------------------

  private void replay() throws IOException {
    TreeSet<Long> seqs = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.deleteIfExists(p); // a segment or CURRENT whose creation a crash interrupted
          continue;
        }
        long seq = Segment.seqOf(name);
        if (seq > 0) {
          seqs.add(seq);
        }
      }
    }
    long current = readCurrent();
    if (seqs.isEmpty()) {
      if (current > 0) {
        wholeDamage(dir.resolve(Segment.fileName(current)), 0, "segment files are missing (CURRENT names segment "
            + current + ")");
        return;
      }
      activate(createSegment(1, 0));
      return;
    }
    if (current > seqs.last()) {
      wholeDamage(dir.resolve(Segment.fileName(current)), 0, "file is missing (CURRENT names it; newest present is "
          + seqs.last() + ")");
      return;
    }
    long expect = seqs.first();
    for (long seq : seqs) {
      if (seq != expect) {
        wholeDamage(dir.resolve(Segment.fileName(expect)), 0, "file is missing (segments " + (expect - 1)
            + " and " + seq + " are present)");
        return;
      }
      expect++;
    }
    boolean sealedLast = false;
    for (long seq : seqs) {
      boolean newest = seq == seqs.last();
      Segment seg = openSegment(seq, newest);
      if (seg == null) {
        return; // whole damage recorded
      }
      segments.put(seq, seg);
      sealedLast = replaySegment(seg, newest);
      if (wholeLogDamaged()) {
        return;
      }
    }
    for (GroupState g : groups.values()) {
      g.staged = null; // a rewrite a crash interrupted: the original entries stay in force
      if (g.index.hasHoles()) {
        // A damaged entry still in the group's log (not truncated or reset away since).
        LogDamage first = holes.get(g.index.name);
        LogDamage d = first != null ? first
            : new LogDamage(g.index.name, dir, 0, "entry " + g.index.firstHole() + " is damaged");
        damagedGroups.put(g.index.name, d);
        log.error("node log damaged, group {} must recover from its peers: {}", g.index.name, d.describe());
      }
    }
    Segment newest = segments.lastEntry().getValue();
    if (sealedLast) {
      activate(createSegment(newest.seq + 1, 0));
    } else {
      activate(newest);
    }
  }

  private Segment openSegment(long seq, boolean newest) throws IOException {
    Path file = dir.resolve(Segment.fileName(seq));
    long size = Files.size(file);
    if (size < LogFormat.FILE_HEADER_BYTES) {
      wholeDamage(file, 0, "truncated to " + size + " bytes (no header)");
      return null;
    }
    ByteBuffer h = ByteBuffer.allocate(LogFormat.FILE_HEADER_BYTES);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (h.hasRemaining() && ch.read(h, h.position()) >= 0) {
        // read the header
      }
    }
    h.flip();
    byte[] magic = new byte[LogFormat.FILE_MAGIC.length];
    h.get(magic);
    long hSeq = h.getLong();
    long fileBytes = h.getLong();
    h.getInt();
    int crc = h.getInt();
    if (!java.util.Arrays.equals(magic, LogFormat.FILE_MAGIC) || LogFormat.crc(h.array(), 0, 28) != crc) {
      wholeDamage(file, 0, "segment header is damaged");
      return null;
    }
    if (hSeq != seq) {
      wholeDamage(file, 0, "segment header says sequence " + hSeq + ", the file name " + seq);
      return null;
    }
    if (size < fileBytes) {
      wholeDamage(file, size, "truncated: " + size + " bytes, created with " + fileBytes);
      return null;
    }
    return Segment.open(seq, file, fileBytes, newest);
  }

  /** Replays one segment; returns true when it ends with its seal. */
  private boolean replaySegment(Segment seg, boolean newest) throws IOException {
    SegmentReader reader = new SegmentReader(seg);
    long pos = LogFormat.FILE_HEADER_BYTES;
    while (true) {
      SegmentReader.Parsed p = reader.read(pos);
      switch (p.status) {
        case OK -> {
          if (p.type == LogFormat.SEAL) {
            if (p.index != seg.records) {
              wholeDamage(seg.file, pos, "seal counts " + p.index + " records, the segment has " + seg.records);
            }
            seg.writePos = pos + p.length;
            return true;
          }
          GroupState g = group(p.group);
          long loc = GroupIndex.loc(seg.seq, pos);
          if (!apply(g, p.type, p.index, p.term, loc, p.length)) {
            // Entries are missing before this one: holes, until something truncates them away.
            String why = LogFormat.typeName(p.type) + " " + p.index + " follows entry " + g.index.last()
                + " of group " + p.group + ": entries are missing";
            for (long i = g.index.last() + 1; i < p.index; i++) {
              apply(g, LogFormat.ENTRY, i, 0, GroupIndex.HOLE, 0);
            }
            apply(g, p.type, p.index, p.term, loc, p.length);
            holeFound(p.group, seg.file, pos, why);
          }
          seg.records++;
          pos += p.length;
        }
        case BAD_PAYLOAD -> {
          String group = p.group;
          byte type = p.type;
          long index = p.index;
          long term = p.term;
          int length = p.length;
          String why = p.why;
          if (newest && reader.scanTail(pos + length).validRecordAt() < 0) {
            cutTornTail(seg, reader, pos, why);
            return false;
          }
          // The header is intact: only this group lost data, and we know which entry.
          GroupState g = group(group);
          if (LogFormat.isEntry(type)) {
            apply(g, type, index, term, GroupIndex.HOLE, length);
          }
          holeFound(group, seg.file, pos, why);
          seg.records++;
          pos += length;
        }
        case ZERO -> {
          if (!newest) {
            wholeDamage(seg.file, pos, "data ends (zeros) before the segment's seal record");
            return false;
          }
          SegmentReader.Tail tail = reader.scanTail(pos);
          if (tail.validRecordAt() >= 0) {
            wholeDamage(seg.file, pos, "zeroed bytes followed by a valid record at offset " + tail.validRecordAt());
            return false;
          }
          if (tail.lastNonZero() >= 0) {
            cutTornTail(seg, reader, pos, "partial record");
          }
          seg.writePos = pos;
          return false;
        }
        case BAD_HEADER -> {
          String why = p.why;
          if (newest && reader.scanTail(pos + 1).validRecordAt() < 0) {
            cutTornTail(seg, reader, pos, why);
            return false;
          }
          wholeDamage(seg.file, pos, "unreadable record: " + why);
          return false;
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  /** Zeroes a torn last write (never acknowledged: a batch counts only once written and, in fsync mode, synced). */
  private void cutTornTail(Segment seg, SegmentReader reader, long pos, String why) throws IOException {
    long lastNonZero = reader.scanTail(pos).lastNonZero();
    long end = Math.max(pos, lastNonZero + 1);
    log.warn("node log: {} at offset {}: {} bytes of a write torn by a crash ({}); cut off, the log continues there",
        seg.file, pos, end - pos, why);
    ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
    for (long at = pos; at < end; ) {
      zeros.clear();
      zeros.limit((int) Math.min(zeros.capacity(), end - at));
      at += seg.channel.write(zeros, at);
    }
    seg.channel.force(false);
    seg.writePos = pos;
  }

  private void wholeDamage(Path file, long offset, String what) {
    LogDamage d = new LogDamage(null, file, offset, what);
    damage.add(d);
    log.error("node log damaged, every group of this node must recover from its peers: {}", d.describe());
  }

  /** A damaged or missing entry of a group; it matters only if it is still in the group's log at the end of replay. */
  private void holeFound(String group, Path file, long offset, String what) {
    LogDamage d = new LogDamage(group, file, offset, what);
    damage.add(d);
    holes.putIfAbsent(group, d);
    log.warn("node log: {}", d.describe());
  }

  private long readCurrent() throws IOException {
    Path f = dir.resolve(CURRENT_FILE_NAME);
    if (!Files.exists(f)) {
      return 0;
    }
    String s = Files.readString(f, StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0; // a damaged CURRENT only costs the missing-newest-segment check
    }
  }

  private void writeCurrent(long seq) throws IOException {
    Path tmp = dir.resolve(CURRENT_FILE_NAME + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap((seq + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(CURRENT_FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDir();
  }

  private Segment createSegment(long seq, int firstRecordBytes) throws IOException {
    long fileBytes = Math.max(options.segmentBytes,
        LogFormat.FILE_HEADER_BYTES + (long) firstRecordBytes + LogFormat.SEAL_BYTES);
    Path file = dir.resolve(Segment.fileName(seq));
    Path tmp = dir.resolve(Segment.fileName(seq) + ".tmp");
    try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
      raf.setLength(0);
      raf.getChannel().write(LogFormat.fileHeader(seq, fileBytes), 0);
      raf.setLength(fileBytes); // sparse: disk blocks are allocated as records are written
      raf.getChannel().force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    syncDir();
    writeCurrent(seq);
    Segment seg = Segment.open(seq, file, fileBytes, true);
    segments.put(seq, seg);
    return seg;
  }

  private void activate(Segment seg) {
    active = seg;
    bufferedFrom = seg.writePos;
  }

  private void syncDir() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; renames are still atomic there.
    }
  }

  // ---- state -----------------------------------------------------------------------------------

  /**
   * Everything found wrong when the log was opened, including damaged entries that no longer
   * matter (truncated or reset away later in the log); {@link #damagedGroups()} and
   * {@link #wholeLogDamaged()} say what must be recovered.
   */
  public List<LogDamage> damage() {
    return Collections.unmodifiableList(damage);
  }

  /** True when records of any group may have been lost: the log cannot be used. */
  public boolean wholeLogDamaged() {
    for (LogDamage d : damage) {
      if (d.wholeLog()) {
        return true;
      }
    }
    return false;
  }

  /** Groups that lost entries (each with the first damage found), when the rest of the log is sound. */
  public Map<String, LogDamage> damagedGroups() {
    return Collections.unmodifiableMap(damagedGroups);
  }

  /** Names of the groups with records in the log. */
  public Set<String> groupNames() {
    return Collections.unmodifiableSet(groups.keySet());
  }

  public Path dir() {
    return dir;
  }

  public Durability durability() {
    return options.durability;
  }

  /** Segment files present (for tests and measurements). */
  public List<Path> segmentFiles() {
    List<Path> files = new ArrayList<>();
    for (Segment s : segments.values()) {
      files.add(s.file);
    }
    return files;
  }

  /** Commit batches written, fsyncs done and records written since open (group commit makes batches fewer than callers). */
  public long[] counters() {
    return new long[] {batches.get(), syncs.get(), records.get()};
  }

  GroupState group(String name) {
    return groups.computeIfAbsent(name, GroupState::new);
  }

  // ---- applying records ------------------------------------------------------------------------

  private final LongConsumer release = loc -> {
    Segment s = segments.get(GroupIndex.seqOf(loc));
    if (s != null) {
      s.live.decrementAndGet();
    }
  };

  private void retain(long loc) {
    Segment s = segments.get(GroupIndex.seqOf(loc));
    if (s != null) {
      s.live.incrementAndGet();
    }
  }

  /** Applies one record to its group's index (when committed, and when replayed). False: a gap. */
  private boolean apply(GroupState g, byte type, long index, long term, long loc, int len) {
    synchronized (g.index) {
      switch (type) {
        case LogFormat.ENTRY, LogFormat.CONF_ENTRY -> {
          g.staged = null;
          if (!g.index.append(index, term, loc, len, LogFormat.isConf(type), release)) {
            return false;
          }
          if (loc != GroupIndex.HOLE) {
            retain(loc);
          }
        }
        case LogFormat.TRUNCATE_PREFIX -> {
          g.staged = null;
          g.index.truncatePrefix(index, release);
        }
        case LogFormat.TRUNCATE_SUFFIX -> {
          g.staged = null;
          g.index.truncateSuffix(index, release);
        }
        case LogFormat.RESET -> {
          g.staged = null;
          g.index.reset(index, release);
        }
        case LogFormat.REWRITE_ENTRY, LogFormat.REWRITE_CONF -> {
          if (g.staged == null) {
            g.staged = new ArrayList<>();
          }
          g.staged.add(new long[] {index, term, loc, len, LogFormat.isConf(type) ? 1 : 0});
        }
        case LogFormat.REWRITE_COMMIT -> {
          List<long[]> staged = g.staged;
          g.staged = null;
          long first = index;
          long last = term;
          if (staged == null || staged.size() != last - first + 1 || staged.get(0)[0] != first) {
            log.warn("group {}: rewrite commit [{}, {}] without its copies; the original entries stay", g.index.name,
                first, last);
            return true;
          }
          g.index.reset(first, release);
          for (long[] s : staged) {
            g.index.append(s[0], s[1], s[2], (int) s[3], s[4] == 1, release);
            if (s[2] != GroupIndex.HOLE) {
              retain(s[2]);
            }
          }
        }
        default -> throw new IllegalStateException("cannot apply a " + LogFormat.typeName(type));
      }
      return true;
    }
  }

  // ---- writing ---------------------------------------------------------------------------------

  /**
   * Writes a group's records and applies them to its index; returns once they are stored as the
   * durability mode requires. Records of concurrent callers share a write and an fsync.
   */
  void commit(GroupState group, List<Rec> recs) throws IOException {
    Write w = new Write(group, recs);
    commitLock.lock();
    try {
      queue.add(w);
      while (!w.done) {
        if (writing) {
          committed.awaitUninterruptibly();
          continue;
        }
        if (closed || failure != null) {
          IOException e = closed ? new IOException("node log " + dir + " is closed")
              : new IOException("node log " + dir + " failed earlier: " + failure.getMessage(), failure);
          for (Write q : queue) {
            q.error = e;
            q.done = true;
          }
          queue.clear();
          committed.signalAll();
          break;
        }
        writing = true;
        List<Write> batch = new ArrayList<>(queue);
        queue.clear();
        commitLock.unlock();
        IOException error = null;
        try {
          writeBatch(batch);
        } catch (IOException | RuntimeException e) {
          error = e instanceof IOException io ? io : new IOException(e);
          log.error("node log {}: write failed; the log accepts no more writes", dir, e);
        } finally {
          commitLock.lock();
        }
        if (error != null) {
          failure = error;
        }
        for (Write b : batch) {
          b.error = error;
          b.done = true;
        }
        writing = false;
        committed.signalAll();
      }
    } finally {
      commitLock.unlock();
    }
    if (w.error != null) {
      throw w.error;
    }
  }

  /** Writer thread only (exclusive while {@code writing}). */
  private void writeBatch(List<Write> batch) throws IOException {
    Segment seg = active;
    if (seg == null) {
      throw new IOException("node log " + dir + " is not writable (damaged)");
    }
    boolean sealed = false;
    int count = 0;
    for (Write w : batch) {
      for (Rec r : w.recs) {
        int len = r.length();
        if (seg.writePos + len + LogFormat.SEAL_BYTES > seg.fileBytes) {
          seg = roll(seg, len);
          sealed = true;
        }
        r.loc = GroupIndex.loc(seg.seq, seg.writePos);
        put(seg, r.header, 0, r.header.length);
        if (r.payloadLen > 0) {
          put(seg, r.payload, r.payloadOff, r.payloadLen);
        }
        seg.records++;
        count++;
      }
    }
    flush(seg);
    if (options.durability == Durability.FSYNC) {
      seg.channel.force(false);
      syncs.incrementAndGet();
    }
    batches.incrementAndGet();
    records.addAndGet(count);
    for (Write w : batch) {
      for (Rec r : w.recs) {
        if (r.type != LogFormat.SEAL) {
          apply(w.group, r.type, r.index, r.term, r.loc, r.length());
        }
      }
    }
    if (sealed || segments.size() > 1) {
      deleteDeadSegments();
    }
  }

  private void put(Segment seg, byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (!writeBuffer.hasRemaining()) {
        flush(seg);
      }
      int n = Math.min(len, writeBuffer.remaining());
      writeBuffer.put(b, off, n);
      off += n;
      len -= n;
      seg.writePos += n;
    }
  }

  private void flush(Segment seg) throws IOException {
    writeBuffer.flip();
    seg.writeFully(writeBuffer, bufferedFrom);
    bufferedFrom += writeBuffer.limit();
    writeBuffer.clear();
  }

  /** Seals {@code seg} and starts the next segment, with room for a first record of {@code need} bytes. */
  private Segment roll(Segment seg, int need) throws IOException {
    byte[] seal = LogFormat.recordHeader(LogFormat.SEAL, new byte[0], seg.records, 0, null, 0, 0);
    put(seg, seal, 0, seal.length);
    flush(seg);
    if (options.durability == Durability.FSYNC) {
      seg.channel.force(false);
      syncs.incrementAndGet();
    }
    Segment next = createSegment(seg.seq + 1, need);
    activate(next);
    return next;
  }

  /** Deletes segments, oldest first, that no live entry points into. Writer thread only. */
  private void deleteDeadSegments() throws IOException {
    boolean deleted = false;
    while (true) {
      Map.Entry<Long, Segment> e = segments.firstEntry();
      if (e == null || e.getValue() == active || e.getValue().live.get() > 0) {
        break;
      }
      Segment s = e.getValue();
      segmentsLock.writeLock().lock();
      try {
        segments.remove(e.getKey());
        s.close();
      } finally {
        segmentsLock.writeLock().unlock();
      }
      Files.deleteIfExists(s.file);
      deleted = true;
    }
    if (deleted) {
      // Deletions must reach the disk in order: a resurrected older segment next to a deleted
      // newer one would look like a missing file.
      syncDir();
    }
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** Reads the payload of entry {@code index} of {@code g}, checking its checksums; null when absent or damaged. */
  byte[] readEntry(GroupState g, long index) {
    segmentsLock.readLock().lock();
    try {
      long loc;
      int len;
      synchronized (g.index) {
        if (!g.index.contains(index)) {
          return null;
        }
        loc = g.index.locOf(index);
        len = g.index.lenOf(index);
      }
      if (loc == GroupIndex.HOLE) {
        return null;
      }
      Segment s = segments.get(GroupIndex.seqOf(loc));
      long off = GroupIndex.offsetOf(loc);
      ByteBuffer b = ByteBuffer.allocate(len);
      if (s == null || !s.readFully(b, off)) {
        log.error("group {}: entry {} points past the end of {}", g.index.name, index, s);
        return null;
      }
      byte[] a = b.array();
      ByteBuffer h = ByteBuffer.wrap(a);
      int magic = h.getInt();
      int headerCrc = h.getInt();
      h.position(9);
      int nameLen = h.get() & 0xFF;
      h.position(12);
      int payloadLen = h.getInt();
      int payloadCrc = h.getInt();
      long recIndex = h.getLong();
      int headerLen = LogFormat.RECORD_FIXED_BYTES + nameLen;
      if (magic != LogFormat.RECORD_MAGIC || headerLen + payloadLen != len
          || LogFormat.crc(a, 8, headerLen - 8) != headerCrc || recIndex != index) {
        log.error("node log: {} at offset {}: entry {} of group {}: damaged record header", s.file, off, index,
            g.index.name);
        return null;
      }
      if (payloadLen > 0 && LogFormat.crc(a, headerLen, payloadLen) != payloadCrc) {
        log.error("node log: {} at offset {}: entry {} of group {}: payload checksum mismatch", s.file, off, index,
            g.index.name);
        return null;
      }
      return java.util.Arrays.copyOfRange(a, headerLen, len);
    } catch (IOException e) {
      log.error("group {}: cannot read entry {}: {}", g.index.name, index, e.toString());
      return null;
    } finally {
      segmentsLock.readLock().unlock();
    }
  }

  long firstIndex(GroupState g) {
    synchronized (g.index) {
      return g.index.first();
    }
  }

  long lastIndex(GroupState g) {
    synchronized (g.index) {
      return g.index.last();
    }
  }

  long term(GroupState g, long index) {
    synchronized (g.index) {
      return g.index.term(index);
    }
  }

  long[] confIndexes(GroupState g) {
    synchronized (g.index) {
      return g.index.confIndexes().stream().mapToLong(Long::longValue).toArray();
    }
  }

  // ---- control ---------------------------------------------------------------------------------

  /** Drops every entry of {@code group} (durably); its next entry will be {@code nextIndex}. */
  public void resetGroup(String group, long nextIndex) throws IOException {
    GroupState g = group(group);
    g.mutation.lock();
    try {
      commit(g, List.of(control(g, LogFormat.RESET, nextIndex)));
    } finally {
      g.mutation.unlock();
    }
  }

  static Rec control(GroupState g, byte type, long index) {
    return new Rec(type, index, 0, LogFormat.recordHeader(type, g.index.nameBytes, index, 0, null, 0, 0), null, 0, 0);
  }

  /**
   * Frees old segments: when more than {@code rewriteAfterSegments} exist, each group whose live
   * entries start in the oldest segment is rewritten to the head (small groups) or asked to
   * snapshot (large ones). Call it periodically from one thread.
   */
  public void maintain(long nowMs) {
    if (segments.size() <= options.rewriteAfterSegments || active == null) {
      return;
    }
    Map.Entry<Long, Segment> oldest = segments.firstEntry();
    if (oldest == null || oldest.getValue() == active) {
      return;
    }
    long oldestSeq = oldest.getKey();
    for (GroupState g : groups.values()) {
      long firstLoc;
      long bytes = 0;
      synchronized (g.index) {
        if (g.index.size() == 0) {
          continue;
        }
        firstLoc = g.index.locOf(g.index.first());
        if (firstLoc == GroupIndex.HOLE || GroupIndex.seqOf(firstLoc) != oldestSeq) {
          continue;
        }
        for (long i = g.index.first(); i <= g.index.last(); i++) {
          bytes += g.index.lenOf(i);
        }
      }
      if (bytes > options.rewriteMaxBytes) {
        Long asked = snapshotAsked.get(g.index.name);
        if (asked == null || nowMs - asked >= SNAPSHOT_REQUEST_INTERVAL_MS) {
          snapshotAsked.put(g.index.name, nowMs);
          log.info("node log: group {} pins segment {} with {} bytes of log; asking it to snapshot", g.index.name,
              oldestSeq, bytes);
          options.snapshotRequest.accept(g.index.name);
        }
        continue;
      }
      try {
        rewrite(g);
      } catch (IOException e) {
        log.warn("node log: rewrite of group {} failed: {}", g.index.name, e.toString());
        return;
      }
    }
  }

  /** Copies a group's live entries to the head as staged records, then commits the switch. */
  private void rewrite(GroupState g) throws IOException {
    g.mutation.lock();
    try {
      long first;
      long last;
      synchronized (g.index) {
        if (g.index.size() == 0 || g.index.hasHoles()) {
          return;
        }
        first = g.index.first();
        last = g.index.last();
      }
      List<Rec> chunk = new ArrayList<>();
      int chunkBytes = 0;
      for (long i = first; i <= last; i++) {
        byte[] payload = readEntry(g, i);
        if (payload == null) {
          throw new IOException("entry " + i + " of group " + g.index.name + " unreadable");
        }
        long term;
        boolean conf;
        synchronized (g.index) {
          term = g.index.term(i);
          conf = g.index.confIndexes().contains(i);
        }
        byte type = conf ? LogFormat.REWRITE_CONF : LogFormat.REWRITE_ENTRY;
        chunk.add(new Rec(type, i, term, LogFormat.recordHeader(type, g.index.nameBytes, i, term, payload, 0,
            payload.length), payload, 0, payload.length));
        chunkBytes += payload.length;
        if (chunkBytes >= REWRITE_CHUNK_BYTES) {
          commit(g, chunk);
          chunk = new ArrayList<>();
          chunkBytes = 0;
        }
      }
      chunk.add(new Rec(LogFormat.REWRITE_COMMIT, first, last, LogFormat.recordHeader(LogFormat.REWRITE_COMMIT,
          g.index.nameBytes, first, last, null, 0, 0), null, 0, 0));
      commit(g, chunk);
      log.info("node log: rewrote entries [{}, {}] of group {} to free old segments", first, last, g.index.name);
    } finally {
      g.mutation.unlock();
    }
  }

  @Override
  public void close() {
    commitLock.lock();
    try {
      while (writing) {
        committed.awaitUninterruptibly();
      }
      closed = true;
      Segment seg = active;
      if (seg != null && failure == null) {
        try {
          seg.channel.force(false); // a clean stop leaves everything on disk, whatever the mode
        } catch (IOException e) {
          log.warn("node log {}: final fsync failed: {}", dir, e.toString());
        }
      }
    } finally {
      commitLock.unlock();
    }
    closeFiles();
  }

  private void closeFiles() {
    segmentsLock.writeLock().lock();
    try {
      for (Segment s : segments.values()) {
        s.close();
      }
      segments.clear();
      active = null;
    } finally {
      segmentsLock.writeLock().unlock();
    }
  }
}
