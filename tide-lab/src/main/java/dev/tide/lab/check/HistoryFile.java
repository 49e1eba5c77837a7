package dev.tide.lab.check;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A history on disk: JSON lines, one {@link Op} per line, appended as operations complete
 * (so a run that dies still leaves what it recorded). Operations still in flight when the run
 * ends are written with outcome {@code unknown}.
 */
public final class HistoryFile implements AutoCloseable {

  /** Longest line read back: a list read of a few thousand elements fits many times over. */
  static final int MAX_LINE_CHARS = 16 * 1024 * 1024;

  private final Path path;
  private final BufferedWriter out;

  private HistoryFile(Path path, BufferedWriter out) {
    this.path = path;
    this.out = out;
  }

  public static HistoryFile create(Path path) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      return new HistoryFile(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create history " + path, e);
    }
  }

  public Path path() {
    return path;
  }

  /** Appends one op (thread-safe). */
  public synchronized void append(Op op) {
    try {
      out.write(JsonLines.encode(op));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write history " + path, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close history " + path, e);
    }
  }

  /** Writes a whole history. */
  public static void write(Path path, List<Op> ops) {
    try (HistoryFile f = create(path)) {
      ops.forEach(f::append);
    }
  }

  /** Reads a history back, ops sorted by id; names the line of any malformed entry. */
  public static List<Op> read(Path path) {
    List<Op> ops = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        if (line.length() > MAX_LINE_CHARS) {
          throw new IllegalArgumentException(path + ":" + n + ": line longer than " + MAX_LINE_CHARS + " characters");
        }
        try {
          ops.add(JsonLines.decodeOp(line));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(path + ":" + n + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read history " + path, e);
    }
    ops.sort(java.util.Comparator.comparingLong(Op::id));
    return ops;
  }
}
