package dev.tide.cluster.raft.storage;

import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.snapshot.Snapshot;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotMetaTable;
import dev.tide.cluster.snapshot.SnapshotFile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Verifies a group's newest snapshot before JRaft loads it, so that a damaged one is quarantined
 * and recovered from peers instead of failing the node's start.
 *
 * <p>Checks: JRaft's meta file parses (it has no checksum of its own) and names the index in the
 * directory's name ({@code snapshot_<index>}), every file it lists exists, and Tide's partition
 * file passes its whole-file CRC32C ({@link SnapshotFile#verify}).
 */
final class SnapshotCheck {

  private SnapshotCheck() {
  }

  /** The newest {@code snapshot_<index>} directory under {@code snapshotDir}, or null. */
  static Path newest(Path snapshotDir) throws IOException {
    if (!Files.isDirectory(snapshotDir)) {
      return null;
    }
    Path best = null;
    long bestIndex = -1;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(snapshotDir, Snapshot.JRAFT_SNAPSHOT_PREFIX + "*")) {
      for (Path p : ds) {
        long index = indexOf(p);
        if (index > bestIndex && Files.isDirectory(p)) {
          best = p;
          bestIndex = index;
        }
      }
    }
    return best;
  }

  private static long indexOf(Path dir) {
    try {
      return Long.parseLong(dir.getFileName().toString().substring(Snapshot.JRAFT_SNAPSHOT_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Null when the snapshot in {@code dir} is whole; otherwise what is wrong, naming the file. */
  static String problem(Path dir) {
    Path metaFile = dir.resolve(Snapshot.JRAFT_SNAPSHOT_META_FILE);
    if (!Files.isRegularFile(metaFile)) {
      return metaFile + " is missing";
    }
    LocalSnapshotMetaTable table = new LocalSnapshotMetaTable(new RaftOptions());
    try {
      if (!table.loadFromFile(metaFile.toString()) || !table.hasMeta()) {
        return metaFile + " does not parse";
      }
    } catch (IOException | RuntimeException e) {
      return metaFile + " does not parse: " + e.getMessage();
    }
    SnapshotMeta meta = table.getMeta();
    long index = indexOf(dir);
    if (meta.getLastIncludedIndex() != index) {
      return metaFile + " says last included index " + meta.getLastIncludedIndex() + ", the directory " + index;
    }
    for (String name : table.listFiles()) {
      Path f = dir.resolve(name);
      if (!Files.isRegularFile(f)) {
        return f + " is missing (listed in " + metaFile + ")";
      }
      if (name.equals(SnapshotFile.FILE_NAME)) {
        try {
          SnapshotFile.verify(f);
        } catch (IOException e) {
          return e.getMessage() != null ? e.getMessage() : f + ": " + e;
        }
      }
    }
    return null;
  }
}
