package dev.tide.cluster.raft.log;

import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The node log's own semantics through JRaft's LogStorage API: appends, truncations, restarts, damage. */
class NodeLogTest {

  /** Makes entries ~200 bytes so that small segments fill after a few dozen. */
  private static final String PADDING = "e".repeat(200);

  @TempDir
  Path dir;

  private final List<NodeLog> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (NodeLog l : open) {
      l.close();
    }
  }

  private NodeLog openLog(long segmentBytes) throws IOException {
    NodeLog.Options o = new NodeLog.Options(dir.resolve("log"));
    o.segmentBytes = segmentBytes;
    NodeLog l = NodeLog.open(o);
    open.add(l);
    return l;
  }

  private NodeLog reopen(NodeLog l, long segmentBytes) throws IOException {
    l.close();
    open.remove(l);
    return openLog(segmentBytes);
  }

  private static GroupLogStorage storage(NodeLog l, String group, ConfigurationManager confs) {
    GroupLogStorage s = new GroupLogStorage(l);
    LogStorageOptions o = new LogStorageOptions();
    o.setGroupId(group);
    o.setConfigurationManager(confs);
    o.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
    assertThat(s.init(o)).isTrue();
    return s;
  }

  private static GroupLogStorage storage(NodeLog l, String group) {
    return storage(l, group, new ConfigurationManager());
  }

  static LogEntry data(long index, long term, String text) {
    LogEntry e = new LogEntry(EntryType.ENTRY_TYPE_DATA);
    e.setId(new LogId(index, term));
    e.setData(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    return e;
  }

  static LogEntry conf(long index, long term, String... peers) {
    LogEntry e = new LogEntry(EntryType.ENTRY_TYPE_CONFIGURATION);
    e.setId(new LogId(index, term));
    List<PeerId> list = new ArrayList<>();
    for (String p : peers) {
      list.add(PeerId.parsePeer(p));
    }
    e.setPeers(list);
    return e;
  }

  static String text(LogEntry e) {
    return StandardCharsets.UTF_8.decode(e.getData().duplicate()).toString();
  }

  private static void appendRange(GroupLogStorage s, long from, long to, long term, String tag) {
    List<LogEntry> batch = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      batch.add(data(i, term, tag + i));
    }
    assertThat(s.appendEntries(batch)).isEqualTo(batch.size());
  }

  @Test
  void entriesOfSeveralGroupsReadBackAndSurviveARestart() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage a = storage(l, "p0");
    GroupLogStorage b = storage(l, "p1");
    assertThat(a.getFirstLogIndex()).isEqualTo(1);
    assertThat(a.getLastLogIndex()).isEqualTo(0);
    assertThat(a.appendEntry(conf(1, 1, "127.0.0.1:1", "127.0.0.1:2"))).isTrue();
    appendRange(a, 2, 50, 1, "a");
    appendRange(b, 1, 30, 2, "b");
    assertThat(text(a.getEntry(17))).isEqualTo("a17");
    assertThat(a.getTerm(17)).isEqualTo(1);
    assertThat(b.getTerm(30)).isEqualTo(2);
    assertThat(a.getEntry(51)).isNull();
    assertThat(a.getTerm(51)).isZero();

    l = reopen(l, NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.damage()).isEmpty();
    ConfigurationManager confs = new ConfigurationManager();
    a = storage(l, "p0", confs);
    b = storage(l, "p1");
    assertThat(a.getFirstLogIndex()).isEqualTo(1);
    assertThat(a.getLastLogIndex()).isEqualTo(50);
    assertThat(b.getLastLogIndex()).isEqualTo(30);
    for (long i = 2; i <= 50; i++) {
      assertThat(text(a.getEntry(i))).isEqualTo("a" + i);
    }
    assertThat(text(b.getEntry(30))).isEqualTo("b30");
    assertThat(a.getEntry(1).getType()).isEqualTo(EntryType.ENTRY_TYPE_CONFIGURATION);
    assertThat(confs.getLastConfiguration().getConf().getPeers()).hasSize(2);
    assertThat(confs.getLastConfiguration().getId().getIndex()).isEqualTo(1);
  }

  @Test
  void truncationsAtBothEndsAndResetHoldAcrossRestarts() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage s = storage(l, "p0");
    appendRange(s, 1, 100, 1, "x");
    assertThat(s.truncatePrefix(41)).isTrue();
    assertThat(s.getFirstLogIndex()).isEqualTo(41);
    assertThat(s.getEntry(40)).isNull();
    assertThat(s.truncateSuffix(80)).isTrue();
    assertThat(s.getLastLogIndex()).isEqualTo(80);
    assertThat(s.getEntry(81)).isNull();
    // A new leader's entries replace the truncated tail.
    appendRange(s, 81, 90, 2, "y");
    l = reopen(l, NodeLog.DEFAULT_SEGMENT_BYTES);
    s = storage(l, "p0");
    assertThat(s.getFirstLogIndex()).isEqualTo(41);
    assertThat(s.getLastLogIndex()).isEqualTo(90);
    assertThat(text(s.getEntry(80))).isEqualTo("x80");
    assertThat(text(s.getEntry(81))).isEqualTo("y81");
    assertThat(s.getTerm(81)).isEqualTo(2);

    // Truncating the prefix past the end empties the log, which continues at the new first index.
    assertThat(s.truncatePrefix(200)).isTrue();
    assertThat(s.getFirstLogIndex()).isEqualTo(200);
    assertThat(s.getLastLogIndex()).isEqualTo(199);
    appendRange(s, 200, 205, 3, "z");
    // Reset (snapshot installed over a conflicting log): empty, continues at the given index.
    assertThat(s.reset(1000)).isTrue();
    assertThat(s.getFirstLogIndex()).isEqualTo(1000);
    assertThat(s.getLastLogIndex()).isEqualTo(999);
    assertThat(s.getEntry(205)).isNull();
    appendRange(s, 1000, 1002, 4, "r");
    l = reopen(l, NodeLog.DEFAULT_SEGMENT_BYTES);
    s = storage(l, "p0");
    assertThat(s.getFirstLogIndex()).isEqualTo(1000);
    assertThat(s.getLastLogIndex()).isEqualTo(1002);
    assertThat(text(s.getEntry(1002))).isEqualTo("r1002");
  }

  @Test
  void anAppendThatWouldLeaveAGapIsRefused() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage s = storage(l, "p0");
    appendRange(s, 1, 5, 1, "x");
    assertThat(s.appendEntries(List.of(data(7, 1, "gap")))).isZero();
    assertThat(s.appendEntries(List.of(data(6, 1, "a"), data(8, 1, "b")))).isZero();
    assertThat(s.getLastLogIndex()).isEqualTo(5);
  }

  @Test
  void aTornLastWriteIsCutOffAndTheLogContinues() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage s = storage(l, "p0");
    appendRange(s, 1, 10, 1, "x");
    Path seg = l.segmentFiles().get(0);
    long end = dataEnd(l, "p0", 10);
    l.close();
    open.remove(l);
    // A crash in the middle of writing entry 11: its header and half of its payload reached the disk.
    byte[] payload = LogEntryV2CodecFactory.getInstance().encoder().encode(data(11, 1, "torn-entry-payload"));
    byte[] header = LogFormat.recordHeader(LogFormat.ENTRY, "p0".getBytes(StandardCharsets.UTF_8), 11, 1, payload, 0,
        payload.length);
    writeAt(seg, end, header);
    writeAt(seg, end + header.length, java.util.Arrays.copyOf(payload, payload.length / 2));

    l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.damage()).isEmpty();
    s = storage(l, "p0");
    assertThat(s.getLastLogIndex()).isEqualTo(10);
    appendRange(s, 11, 12, 1, "after");
    l = reopen(l, NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.damage()).isEmpty();
    s = storage(l, "p0");
    assertThat(s.getLastLogIndex()).isEqualTo(12);
    assertThat(text(s.getEntry(11))).isEqualTo("after11");
  }

  @Test
  void aTornHeaderAtTheEndIsCutOffToo() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage s = storage(l, "p0");
    appendRange(s, 1, 3, 1, "x");
    Path seg = l.segmentFiles().get(0);
    long end = dataEnd(l, "p0", 3);
    l.close();
    open.remove(l);
    writeAt(seg, end, new byte[] {0x54, 0x4C, 0x52, 0x45, 1, 2, 3});
    l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.damage()).isEmpty();
    assertThat(storage(l, "p0").getLastLogIndex()).isEqualTo(3);
  }

  @Test
  void aDamagedEntryInTheMiddleMarksOnlyItsGroup() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage a = storage(l, "p0");
    GroupLogStorage b = storage(l, "p1");
    for (int i = 1; i <= 20; i++) {
      appendRange(a, i, i, 1, "a");
      appendRange(b, i, i, 1, "b");
    }
    Path seg = l.segmentFiles().get(0);
    long at = payloadOffset(l, "p0", 7);
    l.close();
    open.remove(l);
    flipByte(seg, at + 2);

    l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.wholeLogDamaged()).isFalse();
    assertThat(l.damagedGroups()).containsOnlyKeys("p0");
    LogDamage d = l.damagedGroups().get("p0");
    assertThat(d.file()).isEqualTo(seg);
    assertThat(d.what()).contains("entry 7").contains("checksum");
    b = storage(l, "p1");
    assertThat(b.getLastLogIndex()).isEqualTo(20);
    assertThat(text(b.getEntry(7))).isEqualTo("b7");
    // Resetting the group (it will recover from its peers) settles the damage for good.
    l.resetGroup("p0", 1);
    l = reopen(l, NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.damage()).isNotEmpty(); // the damaged record is still in the file ...
    assertThat(l.damagedGroups()).isEmpty(); // ... but the reset after it makes it irrelevant
    assertThat(storage(l, "p0").getLastLogIndex()).isEqualTo(0);
  }

  @Test
  void aDamagedEntryThatWasTruncatedAwayDoesNotCount() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage a = storage(l, "p0");
    appendRange(a, 1, 20, 1, "a");
    a.truncatePrefix(10);
    Path seg = l.segmentFiles().get(0);
    long at = payloadOffset(l, "p0", 3); // still in the file, no longer in the log
    l.close();
    open.remove(l);
    flipByte(seg, at);
    l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.damagedGroups()).isEmpty();
    assertThat(storage(l, "p0").getFirstLogIndex()).isEqualTo(10);
  }

  @Test
  void aDamagedRecordHeaderMakesTheWholeLogUntrusted() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage a = storage(l, "p0");
    appendRange(a, 1, 20, 1, "a");
    Path seg = l.segmentFiles().get(0);
    long at = payloadOffset(l, "p0", 5) - 20; // inside the header of entry 5
    l.close();
    open.remove(l);
    flipByte(seg, at);
    l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.wholeLogDamaged()).isTrue();
    assertThat(l.damage().get(0).file()).isEqualTo(seg);
    assertThat(l.damage().get(0).what()).contains("unreadable record");
  }

  @Test
  void aTruncatedSegmentFileIsDetected() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    appendRange(storage(l, "p0"), 1, 20, 1, "a");
    Path seg = l.segmentFiles().get(0);
    long at = payloadOffset(l, "p0", 10);
    l.close();
    open.remove(l);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(at);
    }
    l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    assertThat(l.wholeLogDamaged()).isTrue();
    assertThat(l.damage().get(0).what()).contains("truncated");
  }

  @Test
  void aMissingSegmentIsDetectedInTheMiddleAndAtTheEnd() throws IOException {
    NodeLog l = openLog(8192);
    GroupLogStorage s = storage(l, "p0");
    for (int i = 1; i <= 200; i++) {
      appendRange(s, i, i, 1, PADDING);
    }
    List<Path> files = l.segmentFiles();
    assertThat(files.size()).isGreaterThan(3);
    l.close();
    open.remove(l);
    Path newest = files.get(files.size() - 1);
    Path moved = dir.resolve("saved");
    Files.move(newest, moved);
    l = openLog(8192);
    assertThat(l.wholeLogDamaged()).isTrue();
    assertThat(l.damage().get(0).what()).contains("missing");
    l.close();
    open.remove(l);
    Files.move(moved, newest);
    Files.delete(files.get(1));
    l = openLog(8192);
    assertThat(l.wholeLogDamaged()).isTrue();
    assertThat(l.damage().get(0).what()).contains("missing");
  }

  @Test
  void segmentsRollAndAreDeletedOnceNoLiveEntryPointsIntoThem() throws IOException {
    NodeLog l = openLog(8192);
    GroupLogStorage s = storage(l, "p0");
    for (int i = 1; i <= 300; i++) {
      appendRange(s, i, i, 1, PADDING);
    }
    int before = l.segmentFiles().size();
    assertThat(before).isGreaterThan(3);
    s.truncatePrefix(290);
    assertThat(l.segmentFiles().size()).isLessThan(before);
    l = reopen(l, 8192);
    assertThat(l.damage()).isEmpty();
    s = storage(l, "p0");
    assertThat(s.getFirstLogIndex()).isEqualTo(290);
    assertThat(s.getLastLogIndex()).isEqualTo(300);
    assertThat(text(s.getEntry(300))).isEqualTo(PADDING + 300);
  }

  @Test
  void anIdleGroupPinningTheOldestSegmentIsRewrittenAndSurvivesARestart() throws IOException {
    NodeLog.Options o = new NodeLog.Options(dir.resolve("log"));
    o.segmentBytes = 8192;
    o.rewriteAfterSegments = 3;
    NodeLog l = NodeLog.open(o);
    open.add(l);
    GroupLogStorage idle = storage(l, "idle");
    GroupLogStorage busy = storage(l, "busy");
    appendRange(idle, 1, 5, 1, "idle");
    for (int i = 1; i <= 400; i++) {
      appendRange(busy, i, i, 1, PADDING);
      if (i % 10 == 0) {
        busy.truncatePrefix(i - 5); // the busy group snapshots and truncates its log
        l.maintain(0);
      }
    }
    // Without the rewrite the idle group's 5 entries would keep every segment since the first.
    assertThat(l.segmentFiles().size()).isLessThanOrEqualTo(o.rewriteAfterSegments + 2);
    assertThat(l.segmentFiles().get(0).getFileName().toString()).isNotEqualTo(Segment.fileName(1));
    for (long i = 1; i <= 5; i++) {
      assertThat(text(idle.getEntry(i))).isEqualTo("idle" + i);
    }
    l.close();
    open.remove(l);
    l = NodeLog.open(o);
    open.add(l);
    assertThat(l.damage()).isEmpty();
    idle = storage(l, "idle");
    assertThat(idle.getFirstLogIndex()).isEqualTo(1);
    assertThat(idle.getLastLogIndex()).isEqualTo(5);
    for (long i = 1; i <= 5; i++) {
      assertThat(text(idle.getEntry(i))).isEqualTo("idle" + i);
    }
  }

  @Test
  void aLargeGroupPinningTheOldestSegmentIsAskedToSnapshotAtMostOncePerInterval() throws IOException {
    NodeLog.Options o = new NodeLog.Options(dir.resolve("log"));
    o.segmentBytes = 8192;
    o.rewriteAfterSegments = 2;
    o.rewriteMaxBytes = 1000;
    List<String> asked = new ArrayList<>();
    o.snapshotRequest = asked::add;
    NodeLog l = NodeLog.open(o);
    open.add(l);
    GroupLogStorage big = storage(l, "big");
    for (int i = 1; i <= 200; i++) {
      appendRange(big, i, i, 1, PADDING);
    }
    l.maintain(0);
    l.maintain(1_000);
    assertThat(asked).containsExactly("big");
    l.maintain(NodeLog.SNAPSHOT_REQUEST_INTERVAL_MS);
    assertThat(asked).containsExactly("big", "big");
    assertThat(text(big.getEntry(1))).isEqualTo(PADDING + 1); // asked, not rewritten
  }

  @Test
  void aRewriteInterruptedBeforeItsCommitLeavesTheOriginalEntries() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage s = storage(l, "p0");
    appendRange(s, 1, 5, 1, "orig");
    NodeLog.GroupState g = l.group("p0");
    // Staged copies with different bytes and no REWRITE_COMMIT: a crash hit the rewrite.
    List<NodeLog.Rec> staged = new ArrayList<>();
    for (long i = 1; i <= 5; i++) {
      byte[] p = LogEntryV2CodecFactory.getInstance().encoder().encode(data(i, 1, "copy" + i));
      staged.add(new NodeLog.Rec(LogFormat.REWRITE_ENTRY, i, 1,
          LogFormat.recordHeader(LogFormat.REWRITE_ENTRY, g.index.nameBytes, i, 1, p, 0, p.length), p, 0, p.length));
    }
    l.commit(g, staged);
    assertThat(text(s.getEntry(3))).isEqualTo("orig3");
    l = reopen(l, NodeLog.DEFAULT_SEGMENT_BYTES);
    s = storage(l, "p0");
    assertThat(s.getLastLogIndex()).isEqualTo(5);
    assertThat(text(s.getEntry(3))).isEqualTo("orig3");
  }

  @Test
  void aDamagedEntryReadWhileRunningIsRefusedNotReturned() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    GroupLogStorage s = storage(l, "p0");
    appendRange(s, 1, 5, 1, "x");
    flipByte(l.segmentFiles().get(0), payloadOffset(l, "p0", 4) + 3);
    assertThat(s.getEntry(4)).isNull();
    assertThat(text(s.getEntry(5))).isEqualTo("x5");
  }

  @Test
  void concurrentAppendsFromManyGroupsAllLandAndShareFsyncs() throws Exception {
    NodeLog l = openLog(1 << 20);
    int groups = 8;
    int perGroup = 300;
    ExecutorService pool = Executors.newFixedThreadPool(groups);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int gi = 0; gi < groups; gi++) {
        GroupLogStorage s = storage(l, "p" + gi);
        int tag = gi;
        fs.add(pool.submit(() -> {
          for (int i = 1; i <= perGroup; i++) {
            assertThat(s.appendEntries(List.of(data(i, 1, "g" + tag + "-" + i)))).isEqualTo(1);
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long[] c = l.counters();
    System.out.printf("group commit: %d appends in %d batches, %d fsyncs%n", c[2], c[0], c[1]);
    assertThat(c[2]).isEqualTo((long) groups * perGroup);
    assertThat(c[1]).isLessThanOrEqualTo(c[0] + l.segmentFiles().size());
    l = reopen(l, 1 << 20);
    assertThat(l.damage()).isEmpty();
    for (int gi = 0; gi < groups; gi++) {
      GroupLogStorage s = storage(l, "p" + gi);
      assertThat(s.getLastLogIndex()).isEqualTo(perGroup);
      assertThat(text(s.getEntry(perGroup))).isEqualTo("g" + gi + "-" + perGroup);
    }
  }

  @Test
  void theTestHelperFindsEveryRecord() throws IOException {
    NodeLog l = openLog(NodeLog.DEFAULT_SEGMENT_BYTES);
    appendRange(storage(l, "p0"), 1, 7, 1, "x");
    appendRange(storage(l, "p1"), 1, 3, 1, "y");
    Path seg = l.segmentFiles().get(0);
    l.close();
    open.remove(l);
    List<LogFiles.Found> found = LogFiles.records(seg);
    assertThat(found).hasSize(10);
    assertThat(found.get(9).group()).isEqualTo("p1");
    assertThat(found.get(9).index()).isEqualTo(3);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Offset just past entry {@code index}'s record (where the next record starts when it is the last one). */
  private static long dataEnd(NodeLog l, String group, long index) {
    NodeLog.GroupState g = l.group(group);
    synchronized (g.index) {
      return GroupIndex.offsetOf(g.index.locOf(index)) + g.index.lenOf(index);
    }
  }

  /** Offset of the first payload byte of entry {@code index} of {@code group}. */
  private static long payloadOffset(NodeLog l, String group, long index) {
    NodeLog.GroupState g = l.group(group);
    synchronized (g.index) {
      return GroupIndex.offsetOf(g.index.locOf(index)) + LogFormat.RECORD_FIXED_BYTES + g.index.nameBytes.length;
    }
  }

  static void flipByte(Path file, long at) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.flip();
      byte v = b.get();
      ch.write(ByteBuffer.wrap(new byte[] {(byte) (v ^ 0x5A)}), at);
    }
  }

  private static void writeAt(Path file, long at, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), at);
    }
  }
}
