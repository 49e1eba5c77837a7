package dev.tide.lab.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * What one fsync costs on the file system the nodes write their Raft logs to: small appends,
 * each followed by {@code fdatasync} ({@link FileChannel#force force(false)}), as a log append
 * with {@code sync=true} does. A commit needs one on the leader and one on a follower, so this
 * bounds write latency from below.
 */
public final class FsyncProbe {

  /** Appends measured (each one fsync). */
  static final int SYNCS = 200;
  /** Bytes per append: a small Raft entry. */
  static final int APPEND_BYTES = 256;
  /** Stops early after this long on a slow disk. */
  static final long MAX_NS = 3_000_000_000L;

  private FsyncProbe() {
  }

  /** @param count syncs measured; p50/p99/max of one append + fdatasync, µs */
  public record Result(int count, double p50Us, double p99Us, double maxUs) {
  }

  /** Measures in a temporary file under {@code dir}, which is removed afterwards. */
  public static Result measure(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.allocate(APPEND_BYTES);
      long[] took = new long[SYNCS];
      int n = 0;
      long deadline = System.nanoTime() + MAX_NS;
      while (n < SYNCS && System.nanoTime() < deadline) {
        buf.clear();
        long t = System.nanoTime();
        ch.write(buf);
        ch.force(false);
        took[n++] = System.nanoTime() - t;
      }
      long[] s = Arrays.copyOf(took, n);
      Arrays.sort(s);
      if (n == 0) {
        return new Result(0, Double.NaN, Double.NaN, Double.NaN);
      }
      return new Result(n, s[(int) Math.ceil(0.50 * n) - 1] / 1e3, s[(int) Math.ceil(0.99 * n) - 1] / 1e3,
          s[n - 1] / 1e3);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
