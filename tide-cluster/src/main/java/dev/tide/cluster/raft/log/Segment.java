package dev.tide.cluster.raft.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One file of the node log: a fixed-length, preallocated (sparse) file with a header and records
 * appended one after the other. Only the newest segment is written; older ones are sealed and
 * only read, until no live entry is left in them and they are deleted.
 */
final class Segment {

  final long seq;
  final Path file;
  final long fileBytes;
  final FileChannel channel;
  /** Entries of any group that still point into this segment. */
  final AtomicInteger live = new AtomicInteger();
  /** Next write offset; written by the committing thread only. */
  long writePos;
  /** Records in the segment (for the seal). */
  long records;

  private Segment(long seq, Path file, long fileBytes, FileChannel channel, long writePos) {
    this.seq = seq;
    this.file = file;
    this.fileBytes = fileBytes;
    this.channel = channel;
    this.writePos = writePos;
  }

  static String fileName(long seq) {
    return String.format("%016d.tlog", seq);
  }

  /** Parses a segment file name, or -1 when it is not one. */
  static long seqOf(String fileName) {
    if (!fileName.endsWith(".tlog") || fileName.length() != 16 + 5) {
      return -1;
    }
    try {
      return Long.parseLong(fileName.substring(0, 16));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static Segment open(long seq, Path file, long fileBytes, boolean writable) throws IOException {
    FileChannel ch = writable
        ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : FileChannel.open(file, StandardOpenOption.READ);
    return new Segment(seq, file, fileBytes, ch, LogFormat.FILE_HEADER_BYTES);
  }

  /** Reads exactly {@code dst.remaining()} bytes at {@code pos}; false at end of file. */
  boolean readFully(ByteBuffer dst, long pos) throws IOException {
    while (dst.hasRemaining()) {
      int n = channel.read(dst, pos);
      if (n < 0) {
        return false;
      }
      pos += n;
    }
    return true;
  }

  void writeFully(ByteBuffer src, long pos) throws IOException {
    while (src.hasRemaining()) {
      pos += channel.write(src, pos);
    }
  }

  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a read-only or already failed file: nothing left to lose
    }
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
