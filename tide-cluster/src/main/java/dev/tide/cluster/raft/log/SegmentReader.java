package dev.tide.cluster.raft.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a segment's records in order through a window buffer, checking both checksums of each.
 * Used when the node log opens (replay) and to look for valid records after a bad one.
 */
final class SegmentReader {

  /** Window size: large enough that most records are checked without a second read. */
  static final int WINDOW_BYTES = 1 << 20;

  enum Status {
    /** A whole, valid record. */
    OK,
    /** Only zeros: the end of the data. */
    ZERO,
    /** The header is intact (group, type, index, term are known) but the payload does not match its checksum. */
    BAD_PAYLOAD,
    /** The header is damaged: nothing in it can be trusted, not even the record's length. */
    BAD_HEADER
  }

  /** What {@link #read} found at a position (one instance reused per reader). */
  static final class Parsed {
    Status status;
    String why;
    byte type;
    String group;
    int length;
    long index;
    long term;
  }

  private final Segment seg;
  private final ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
  private long windowPos;
  private int windowLen;
  final Parsed parsed = new Parsed();

  SegmentReader(Segment seg) {
    this.seg = seg;
  }

  /** Makes [pos, pos + n) available in the window; false when the file ends first. */
  private boolean ensure(long pos, int n) throws IOException {
    if (pos >= windowPos && pos + n <= windowPos + windowLen) {
      return true;
    }
    window.clear();
    int total = 0;
    while (total < window.capacity()) {
      int r = seg.channel.read(window, pos + total);
      if (r < 0) {
        break;
      }
      total += r;
    }
    windowPos = pos;
    windowLen = total;
    return n <= total;
  }

  private int at(long pos) {
    return (int) (pos - windowPos);
  }

  /** Parses the record at {@code pos}. */
  Parsed read(long pos) throws IOException {
    Parsed p = parsed;
    p.group = null;
    p.why = null;
    long room = seg.fileBytes - pos;
    if (room < LogFormat.RECORD_FIXED_BYTES || !ensure(pos, LogFormat.RECORD_FIXED_BYTES)) {
      p.status = Status.ZERO;
      return p;
    }
    byte[] w = window.array();
    int o = at(pos);
    boolean zero = true;
    for (int i = 0; i < LogFormat.RECORD_FIXED_BYTES; i++) {
      if (w[o + i] != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      p.status = Status.ZERO;
      return p;
    }
    ByteBuffer b = ByteBuffer.wrap(w, o, LogFormat.RECORD_FIXED_BYTES);
    int magic = b.getInt();
    int headerCrc = b.getInt();
    byte type = b.get();
    int nameLen = b.get() & 0xFF;
    b.getShort();
    int payloadLen = b.getInt();
    int payloadCrc = b.getInt();
    long index = b.getLong();
    long term = b.getLong();
    if (magic != LogFormat.RECORD_MAGIC) {
      return bad(p, "no record marker");
    }
    if (payloadLen < 0 || payloadLen > LogFormat.MAX_PAYLOAD_BYTES
        || (long) LogFormat.RECORD_FIXED_BYTES + nameLen + payloadLen > room) {
      return bad(p, "impossible record length");
    }
    int headerLen = LogFormat.RECORD_FIXED_BYTES + nameLen;
    if (!ensure(pos, headerLen)) {
      return bad(p, "header cut short by the end of the file");
    }
    o = at(pos);
    if (LogFormat.crc(w, o + 8, headerLen - 8) != headerCrc) {
      return bad(p, "header checksum mismatch");
    }
    if (!LogFormat.isValidType(type) || (nameLen == 0) != (type == LogFormat.SEAL)) {
      return bad(p, "unknown record type " + type);
    }
    p.type = type;
    p.group = new String(w, o + LogFormat.RECORD_FIXED_BYTES, nameLen, StandardCharsets.UTF_8);
    p.length = headerLen + payloadLen;
    p.index = index;
    p.term = term;
    if (payloadLen > 0 && payloadCrc(pos + headerLen, payloadLen) != payloadCrc) {
      p.status = Status.BAD_PAYLOAD;
      p.why = LogFormat.typeName(type) + " " + index + " (term " + term + ") of group " + p.group
          + ": payload checksum mismatch";
      return p;
    }
    p.status = Status.OK;
    return p;
  }

  private static Parsed bad(Parsed p, String why) {
    p.status = Status.BAD_HEADER;
    p.why = why;
    return p;
  }

  private int payloadCrc(long pos, int len) throws IOException {
    CRC32C c = new CRC32C();
    long end = pos + len;
    while (pos < end) {
      int n = (int) Math.min(WINDOW_BYTES, end - pos);
      if (!ensure(pos, n)) {
        return ~0; // cut short: cannot match a stored checksum of a whole payload... unless by chance
      }
      c.update(window.array(), at(pos), n);
      pos += n;
    }
    return (int) c.getValue();
  }

  /** What lies after a bad spot in the newest segment. */
  record Tail(long validRecordAt, long lastNonZero) {
  }

  /**
   * Scans [from, end of file): the offset of the first valid record (both checksums) or -1, and
   * the offset of the last non-zero byte or -1. All-zero stretches (the sparse rest of a
   * segment) are skipped with a vectorized comparison.
   */
  Tail scanTail(long from) throws IOException {
    long validAt = -1;
    long lastNonZero = -1;
    ByteBuffer scan = ByteBuffer.allocate(WINDOW_BYTES);
    byte[] w = scan.array();
    long pos = from;
    while (pos < seg.fileBytes) {
      scan.clear();
      scan.limit((int) Math.min(WINDOW_BYTES, seg.fileBytes - pos));
      int n = 0;
      while (scan.hasRemaining()) {
        int r = seg.channel.read(scan, pos + n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      if (n == 0) {
        break;
      }
      int firstNz = Arrays.mismatch(w, 0, n, ZEROS, 0, n);
      if (firstNz >= 0) {
        for (int i = n - 1; i >= firstNz; i--) {
          if (w[i] != 0) {
            lastNonZero = pos + i;
            break;
          }
        }
        // A record starts with its marker; look for one whose checksums hold (bytes before the
        // first non-zero one cannot start a record).
        for (int i = Math.max(0, firstNz - 3); validAt < 0 && i + 4 <= n; i++) {
          if (w[i] == 0x54 && ByteBuffer.wrap(w, i, 4).getInt() == LogFormat.RECORD_MAGIC
              && read(pos + i).status == Status.OK) {
            validAt = pos + i;
          }
        }
      }
      // Overlap chunks by 3 bytes so that a marker across a chunk boundary is seen.
      pos += pos + n < seg.fileBytes && n > 3 ? n - 3 : n;
    }
    return new Tail(validAt, lastNonZero);
  }

  private static final byte[] ZEROS = new byte[WINDOW_BYTES];
}
