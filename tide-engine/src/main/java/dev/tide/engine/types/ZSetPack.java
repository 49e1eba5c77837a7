package dev.tide.engine.types;

import java.util.Arrays;

/**
 * The compact form of a small sorted set (Redis's listpack encoding): one byte array holding
 * {@code (member, score)} entries sorted by score, then member bytes.
 *
 * <p>An entry is {@code varint(memberLength) member score}. The score is a varint {@code V}: when
 * {@code V} is even the score is the integer {@code zigzag(V >> 1)} (integral scores within
 * ±2^53, the usual case for counters, ranks and millisecond timestamps, take 1 to 8 bytes); when
 * {@code V} is 1 the 8 bytes of the IEEE double follow. A member of 10 bytes with a small integer
 * score takes 12 bytes, about what a listpack takes.
 *
 * <p>Every operation is a linear scan, as in a listpack; the set converts to the skiplist form
 * long before that matters ({@code zset-max-listpack-entries}, 128 by default).
 */
final class ZSetPack {

  /** Heap of this object: header 12, buf reference 4, used 4, count 4. */
  static final int OBJECT_BYTES = 24;
  /** Largest integral score stored as an integer; beyond it doubles lose integer precision anyway. */
  private static final double MAX_PACKED_INTEGER = 9007199254740992.0; // 2^53

  private static final byte[] EMPTY = new byte[0];

  byte[] buf = EMPTY;
  int used;
  int count;

  ZSetPack() {
  }

  ZSetPack(ZSetPack other) {
    this.buf = Arrays.copyOf(other.buf, other.used);
    this.used = other.used;
    this.count = other.count;
  }

  long memoryBytes() {
    return OBJECT_BYTES + Memory.bytes(buf.length);
  }

  // ---- varints and score encoding ---------------------------------------------------------------

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7fL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static int writeVarint(byte[] b, int pos, long v) {
    while ((v & ~0x7fL) != 0) {
      b[pos++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
    return pos;
  }

  private long readVarint(int pos) {
    long v = 0;
    int shift = 0;
    while (true) {
      int b = buf[pos++];
      v |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
      shift += 7;
    }
  }

  private static boolean packsAsInteger(double score) {
    return score == Math.rint(score) && Math.abs(score) <= MAX_PACKED_INTEGER;
  }

  private static long scoreHeader(double score) {
    if (packsAsInteger(score)) {
      long v = (long) score;
      long zigzag = (v << 1) ^ (v >> 63);
      return zigzag << 1;
    }
    return 1;
  }

  private static int scoreSize(double score) {
    long header = scoreHeader(score);
    return varintSize(header) + (header == 1 ? 8 : 0);
  }

  private static int writeScore(byte[] b, int pos, double score) {
    long header = scoreHeader(score);
    pos = writeVarint(b, pos, header);
    if (header == 1) {
      long bits = Double.doubleToRawLongBits(score);
      for (int i = 7; i >= 0; i--) {
        b[pos++] = (byte) (bits >>> (8 * i));
      }
    }
    return pos;
  }

  /** The score of the entry at {@code off}. */
  double scoreAt(int off) {
    int s = scoreOff(off);
    long header = readVarint(s);
    if (header != 1) {
      long zigzag = header >>> 1;
      return (double) ((zigzag >>> 1) ^ -(zigzag & 1));
    }
    int p = s + 1;
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (buf[p + i] & 0xff);
    }
    return Double.longBitsToDouble(bits);
  }

  int memberLen(int off) {
    return (int) readVarint(off);
  }

  int memberOff(int off) {
    return off + varintSize(memberLen(off));
  }

  private int scoreOff(int off) {
    int len = memberLen(off);
    return off + varintSize(len) + len;
  }

  /** Offset just past the entry at {@code off}. */
  int next(int off) {
    int s = scoreOff(off);
    long header = readVarint(s);
    return s + varintSize(header) + (header == 1 ? 8 : 0);
  }

  // ---- queries ----------------------------------------------------------------------------------

  /** Offset of the entry holding {@code member}, or -1. */
  int find(byte[] member) {
    for (int off = 0; off < used; off = next(off)) {
      int len = memberLen(off);
      if (len == member.length) {
        int m = off + varintSize(len);
        if (Arrays.equals(buf, m, m + len, member, 0, len)) {
          return off;
        }
      }
    }
    return -1;
  }

  /** Offset of the entry at 0-based {@code rank} (must be in range). */
  int offsetOfRank(long rank) {
    int off = 0;
    for (long i = 0; i < rank; i++) {
      off = next(off);
    }
    return off;
  }

  /** Rank of the entry at {@code target} offset. */
  long rankOf(int target) {
    long r = 0;
    for (int off = 0; off < target; off = next(off)) {
      r++;
    }
    return r;
  }

  /** How many leading entries satisfy {@code before} (a predicate true for a prefix of the order). */
  long countWhile(SortedSetValue.EntryPredicate before) {
    long n = 0;
    for (int off = 0; off < used; off = next(off)) {
      int len = memberLen(off);
      if (!before.test(buf, off + varintSize(len), len, scoreAt(off))) {
        break;
      }
      n++;
    }
    return n;
  }

  /** How many consecutive entries from rank {@code from} (in range) satisfy {@code pred}. */
  long countFrom(long from, SortedSetValue.EntryPredicate pred) {
    long n = 0;
    for (int off = offsetOfRank(from); off < used; off = next(off)) {
      int len = memberLen(off);
      if (!pred.test(buf, off + varintSize(len), len, scoreAt(off))) {
        break;
      }
      n++;
    }
    return n;
  }

  // ---- changes ----------------------------------------------------------------------------------

  /** Inserts a member known to be absent, keeping the order. -0.0 is stored as 0, as in Redis's listpack. */
  void insert(byte[] member, double score) {
    if (score == 0) {
      score = 0.0; // the listpack stores a zero score as the integer 0, dropping the sign
    }
    int off = 0;
    for (; off < used; off = next(off)) {
      double s = scoreAt(off);
      if (s > score) {
        break;
      }
      if (s == score) {
        int len = memberLen(off);
        int m = off + varintSize(len);
        if (Arrays.compareUnsigned(buf, m, m + len, member, 0, member.length) > 0) {
          break;
        }
      }
    }
    int need = varintSize(member.length) + member.length + scoreSize(score);
    if (used + need > buf.length) {
      // grow by at least a quarter so a run of inserts reallocates O(log n) times
      buf = Arrays.copyOf(buf, Math.max(used + need, used + used / 4));
    }
    System.arraycopy(buf, off, buf, off + need, used - off);
    int p = writeVarint(buf, off, member.length);
    System.arraycopy(member, 0, buf, p, member.length);
    writeScore(buf, p + member.length, score);
    used += need;
    count++;
  }

  /** Removes the entry at {@code off}. */
  void deleteAt(int off) {
    deleteRange(off, next(off), 1);
  }

  /** Removes entries occupying {@code [from, to)}. */
  void deleteRange(int from, int to, int entries) {
    System.arraycopy(buf, to, buf, from, used - to);
    used -= to - from;
    count -= entries;
    if (used < buf.length / 2) {
      buf = Arrays.copyOf(buf, used);
    }
  }

  /** Visits entries with ranks {@code from..to} (in range), forward or backward. */
  void visit(long from, long to, boolean reverse, SortedSetValue.EntryVisitor visitor) {
    int n = (int) (to - from + 1);
    int off = offsetOfRank(from);
    if (!reverse) {
      for (int i = 0; i < n; i++) {
        int len = memberLen(off);
        visitor.accept(buf, off + varintSize(len), len, scoreAt(off));
        off = next(off);
      }
      return;
    }
    int[] offsets = new int[n];
    for (int i = 0; i < n; i++) {
      offsets[i] = off;
      off = next(off);
    }
    for (int i = n - 1; i >= 0; i--) {
      int o = offsets[i];
      int len = memberLen(o);
      visitor.accept(buf, o + varintSize(len), len, scoreAt(o));
    }
  }

  /** Removes entries with ranks {@code from..to} (in range). */
  void removeRange(long from, long to) {
    int start = offsetOfRank(from);
    int end = start;
    for (long i = from; i <= to; i++) {
      end = next(end);
    }
    deleteRange(start, end, (int) (to - from + 1));
  }
}
