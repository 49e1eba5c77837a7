package dev.tide.cluster.controller;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A {@link ClusterState} on disk: the controller's snapshot and every node's cached map.
 *
 * <pre>
 *   "TIDEMAP\0" (8 bytes), int file version, int payload length, payload ({@link ClusterState#encode}),
 *   int CRC32C of every byte before it
 * </pre>
 *
 * The map is small (kilobytes), so the file is built in memory, written to a temporary file,
 * fsynced, renamed over the final name and the directory fsynced: a crash leaves the old file
 * or the whole new one. Reading checks magic, version, length and checksum before decoding and
 * names the file in any refusal.
 */
public final class StateFile {

  private static final byte[] MAGIC = "TIDEMAP\0".getBytes(StandardCharsets.US_ASCII);
  public static final int FILE_VERSION = 1;
  /** Largest payload accepted: 1000 members and 16384 slot runs fit in well under 1 MiB. */
  static final int MAX_PAYLOAD_BYTES = 4 << 20;

  private StateFile() {
  }

  public static void write(Path file, ClusterState state) throws IOException {
    byte[] payload = state.encode();
    ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 8 + payload.length + 4);
    buf.put(MAGIC).putInt(FILE_VERSION).putInt(payload.length).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    buf.flip();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // some file systems cannot fsync a directory; the rename itself is atomic
    }
  }

  /** Reads and verifies a state file; IOException naming the file when it is damaged. */
  public static ClusterState read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAGIC.length + 8 + MAX_PAYLOAD_BYTES + 4) {
      throw new IOException(file + " is not a Tide cluster map (" + size + " bytes, too large)");
    }
    byte[] all = Files.readAllBytes(file);
    if (all.length < MAGIC.length + 12 || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException(file + " is not a Tide cluster map (bad header)");
    }
    ByteBuffer buf = ByteBuffer.wrap(all);
    buf.position(MAGIC.length);
    int version = buf.getInt();
    if (version != FILE_VERSION) {
      throw new IOException(file + ": cluster map file version " + version + " is not supported (this Tide reads "
          + FILE_VERSION + ")");
    }
    int length = buf.getInt();
    if (length < 0 || length != all.length - MAGIC.length - 12) {
      throw new IOException(file + " is damaged: payload length " + length + " does not match the file size");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    int stored = ByteBuffer.wrap(all, all.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IOException(file + " is damaged: checksum mismatch");
    }
    try {
      return ClusterState.decode(Arrays.copyOfRange(all, MAGIC.length + 8, all.length - 4));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
