package dev.tide.cluster.raft.storage;

import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.snapshot.Snapshot;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotMetaTable;
import dev.tide.cluster.raft.log.Durability;
import dev.tide.cluster.snapshot.SnapshotFile;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which groups must recover (and not vote) after which stops, and what is quarantined. */
class NodeStorageTest {

  @TempDir
  Path dir;

  private final List<NodeStorage> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (NodeStorage s : open) {
      s.close();
    }
  }

  private NodeStorage open(Durability durability, String bootId) throws IOException {
    return open(durability, bootId, false);
  }

  private NodeStorage open(Durability durability, String bootId, boolean voteWhileRecovering) throws IOException {
    Path boot = dir.resolve("boot_id");
    Files.writeString(boot, bootId + "\n");
    NodeStorage.Options o = new NodeStorage.Options(dir.resolve("data"));
    o.durability = durability;
    o.bootIdFile = boot;
    o.voteWhileRecovering = voteWhileRecovering;
    o.nowMs = 1_700_000_000_000L;
    NodeStorage s = NodeStorage.open(o);
    open.add(s);
    return s;
  }

  private void crash(NodeStorage s) {
    s.crashForTest();
    open.remove(s);
  }

  private void stopCleanly(NodeStorage s) {
    s.close();
    open.remove(s);
  }

  private Path groupDir(String group) {
    return dir.resolve("data").resolve("partitions").resolve(group);
  }

  @Test
  void aProcessCrashInReplicatedModeLosesNothingSoGroupsVote() throws IOException {
    crash(open(Durability.REPLICATED, "boot-1"));
    NodeStorage s = open(Durability.REPLICATED, "boot-1");
    assertThat(s.prepareGroup("p0", groupDir("p0"))).isFalse();
    assertThat(s.recovering()).isEmpty();
  }

  @Test
  void aMachineRestartAfterAnUncleanStopInReplicatedModeMakesEveryGroupRecover() throws IOException {
    crash(open(Durability.REPLICATED, "boot-1"));
    NodeStorage s = open(Durability.REPLICATED, "boot-2");
    assertThat(s.prepareGroup("p0", groupDir("p0"))).isTrue();
    assertThat(s.prepareGroup("p1", groupDir("p1"))).isTrue();
    assertThat(s.isRecovering("p0")).isTrue();
    assertThat(s.recovering().get("p0")).contains("machine restarted");
  }

  @Test
  void aMachineRestartAfterACleanStopOrInFsyncModeLosesNothing() throws IOException {
    stopCleanly(open(Durability.REPLICATED, "boot-1"));
    NodeStorage s = open(Durability.REPLICATED, "boot-2");
    assertThat(s.prepareGroup("p0", groupDir("p0"))).isFalse();
    crash(s);
    crash(open(Durability.FSYNC, "boot-2"));
    s = open(Durability.FSYNC, "boot-3");
    assertThat(s.prepareGroup("p0", groupDir("p0"))).isFalse();
  }

  @Test
  void aGroupStillRecoveringWhenTheNodeStopsStillRecoversAfterARestart() throws IOException {
    crash(open(Durability.REPLICATED, "boot-1"));
    NodeStorage s = open(Durability.REPLICATED, "boot-2");
    assertThat(s.prepareGroup("p3", groupDir("p3"))).isTrue();
    stopCleanly(s); // it never caught up
    s = open(Durability.REPLICATED, "boot-2");
    assertThat(s.prepareGroup("p3", groupDir("p3"))).isTrue();
    assertThat(s.recovering().get("p3")).contains("had not caught up");
    assertThat(s.prepareGroup("p4", groupDir("p4"))).isFalse();
  }

  @Test
  void voteWhileRecoveringLetsALossyGroupVote() throws IOException {
    crash(open(Durability.REPLICATED, "boot-1"));
    NodeStorage s = open(Durability.REPLICATED, "boot-2", true);
    assertThat(s.prepareGroup("p0", groupDir("p0"))).isFalse();
    assertThat(s.recovering()).isEmpty();
  }

  /** A JRaft snapshot directory as JRaft writes it: meta file naming Tide's partition file. */
  private Path snapshot(String group, long index, long metaIndex) throws IOException {
    Path d = groupDir(group).resolve("snapshot").resolve(Snapshot.JRAFT_SNAPSHOT_PREFIX + index);
    Files.createDirectories(d);
    SnapshotFile.write(d.resolve(SnapshotFile.FILE_NAME), new Database(new EngineConfig(), 1), 42);
    LocalSnapshotMetaTable table = new LocalSnapshotMetaTable(new RaftOptions());
    table.setMeta(SnapshotMeta.newBuilder().setLastIncludedIndex(metaIndex).setLastIncludedTerm(1).build());
    table.addFile(SnapshotFile.FILE_NAME, LocalFileMeta.newBuilder().build());
    assertThat(table.saveToFile(d.resolve(Snapshot.JRAFT_SNAPSHOT_META_FILE).toString())).isTrue();
    return d;
  }

  @Test
  void aSoundSnapshotPassesAndAMismatchedMetaIsQuarantined() throws IOException {
    stopCleanly(open(Durability.FSYNC, "boot-1")); // the node log exists (else every group recovers)
    snapshot("p0", 10, 10);
    snapshot("p1", 20, 21); // the meta names another index than its directory
    NodeStorage s = open(Durability.FSYNC, "boot-1");
    assertThat(s.prepareGroup("p0", groupDir("p0"))).isFalse();
    assertThat(s.prepareGroup("p1", groupDir("p1"))).isTrue();
    assertThat(s.recovering().get("p1")).contains("last included index 21");
    assertThat(groupDir("p1").resolve("snapshot")).doesNotExist();
    assertThat(s.quarantineDir().resolve("p1").resolve("snapshot").resolve("snapshot_20")
        .resolve(SnapshotFile.FILE_NAME)).exists();
    assertThat(groupDir("p0").resolve("snapshot").resolve("snapshot_10")).exists();
  }

  @Test
  void aSnapshotMissingItsFileIsQuarantined() throws IOException {
    stopCleanly(open(Durability.FSYNC, "boot-1"));
    Path d = snapshot("p2", 30, 30);
    Files.delete(d.resolve(SnapshotFile.FILE_NAME));
    NodeStorage s = open(Durability.FSYNC, "boot-1");
    assertThat(s.prepareGroup("p2", groupDir("p2"))).isTrue();
    assertThat(s.recovering().get("p2")).contains("missing");
  }

  @Test
  void aDataDirectoryWithPerGroupRocksDbLogsIsRefusedWithAClearMessage() throws IOException {
    Path old = groupDir("p0").resolve("log");
    Files.createDirectories(old);
    Files.writeString(old.resolve("CURRENT"), "MANIFEST-000001\n");
    assertThatThrownBy(() -> open(Durability.FSYNC, "boot-1")).isInstanceOf(IOException.class)
        .hasMessageContaining("RocksDB").hasMessageContaining("empty --data-dir");
  }

  @Test
  void aMissingNodeLogWhilePartitionsExistMakesEveryGroupRecover() throws IOException {
    Files.createDirectories(groupDir("p0").resolve("meta"));
    NodeStorage s = open(Durability.FSYNC, "boot-1");
    assertThat(s.prepareGroup("p0", groupDir("p0"))).isTrue();
    assertThat(s.recovering().get("p0")).contains("missing");
  }
}
