package dev.tide.engine.types;

import java.util.Arrays;

/**
 * A sorted set: members ordered by {@code (score, member bytes)}, with Redis 7.0's two
 * encodings.
 *
 * <ul>
 *   <li><b>listpack</b> ({@link ZSetPack}): one packed byte array, linear operations, while the
 *       set has at most {@code zset-max-listpack-entries} members of at most
 *       {@code zset-max-listpack-value} bytes;</li>
 *   <li><b>skiplist</b> ({@link ZSetSkipList}): a span-counting skiplist plus a member → node
 *       dict, O(log n) inserts, deletes, ranks and range boundaries, O(1) score lookups.</li>
 * </ul>
 *
 * <p>The switch happens, as in Redis, when an insert would break a limit (the limits are passed
 * in so CONFIG SET takes effect at once); a set never converts back. Range commands work in
 * ranks: a score or lex range becomes the rank interval {@code [lo, hi]} through
 * {@link #countWhile} with a predicate that holds for a prefix of the order, then the entries of
 * the interval are visited, so both encodings share the command logic.
 *
 * <p>Not thread-safe; the owning keyspace shard serialises access.
 */
public final class SortedSetValue extends CollectionValue {

  /** Receives one entry; {@code buf[off, off+len)} is the member, valid only during the call. */
  @FunctionalInterface
  public interface EntryVisitor {
    void accept(byte[] buf, int off, int len, double score);
  }

  /** A condition on entries that holds for a prefix of the sorted order. */
  @FunctionalInterface
  public interface EntryPredicate {
    boolean test(byte[] buf, int off, int len, double score);
  }

  /** ZADD options (Redis's {@code ZADD_IN_*}). */
  public static final int ADD_NX = 1;
  public static final int ADD_XX = 1 << 1;
  public static final int ADD_GT = 1 << 2;
  public static final int ADD_LT = 1 << 3;
  public static final int ADD_INCR = 1 << 4;

  /** ZADD outcomes (Redis's {@code ZADD_OUT_*}); 0 means processed with the score unchanged. */
  public static final int OUT_ADDED = 1;
  public static final int OUT_UPDATED = 1 << 1;
  public static final int OUT_NOP = 1 << 2;
  public static final int OUT_NAN = 1 << 3;

  /** Heap of this object: header 12, two references 8, accountedBytes 8, padded. */
  private static final int OBJECT_BYTES = 32;

  private ZSetPack pack = new ZSetPack();
  private ZSetSkipList skiplist;

  @Override
  public ValueType type() {
    return ValueType.ZSET;
  }

  @Override
  public String encoding() {
    return pack != null ? "listpack" : "skiplist";
  }

  /** True while in the compact (listpack) form. */
  public boolean isCompact() {
    return pack != null;
  }

  @Override
  public long memoryBytes() {
    return OBJECT_BYTES + (pack != null ? pack.memoryBytes() : skiplist.memoryBytes());
  }

  @Override
  public int size() {
    return pack != null ? pack.count : skiplist.length();
  }

  /** The score of a member, or NaN when it is not in the set (a stored score is never NaN). */
  public double score(byte[] member) {
    if (pack != null) {
      int off = pack.find(member);
      return off < 0 ? Double.NaN : pack.scoreAt(off);
    }
    return skiplist.score(member);
  }

  /**
   * ZADD for one member (Redis's {@code zsetAdd}).
   *
   * @param flags {@code ADD_*} options
   * @param maxPackEntries {@code zset-max-listpack-entries}
   * @param maxPackValue {@code zset-max-listpack-value}
   * @param newScore receives the resulting score in {@code [0]} unless the outcome is NOP or NaN
   * @return {@code OUT_*} flags
   */
  public int add(byte[] member, double score, int flags, int maxPackEntries, int maxPackValue, double[] newScore) {
    boolean incr = (flags & ADD_INCR) != 0;
    double current = score(member);
    if (!Double.isNaN(current)) {
      if ((flags & ADD_NX) != 0) {
        return OUT_NOP;
      }
      if (incr) {
        score += current;
        if (Double.isNaN(score)) {
          return OUT_NAN;
        }
      }
      if (((flags & ADD_LT) != 0 && score >= current) || ((flags & ADD_GT) != 0 && score <= current)) {
        return OUT_NOP;
      }
      newScore[0] = score;
      if (score != current) {
        changeScore(member, score);
        return OUT_UPDATED;
      }
      return 0;
    }
    if ((flags & ADD_XX) != 0) {
      return OUT_NOP;
    }
    if (pack != null && (pack.count + 1 > maxPackEntries || member.length > maxPackValue)) {
      convertToSkipList();
    }
    insert(member, score);
    newScore[0] = score;
    return OUT_ADDED;
  }

  private void insert(byte[] member, double score) {
    if (pack != null) {
      pack.insert(member, score);
    } else {
      skiplist.insert(member, score);
    }
  }

  private void changeScore(byte[] member, double score) {
    if (pack != null) {
      pack.deleteAt(pack.find(member));
      pack.insert(member, score);
    } else {
      skiplist.updateScore(member, score);
    }
  }

  private void convertToSkipList() {
    ZSetSkipList s = new ZSetSkipList();
    for (int off = 0; off < pack.used; off = pack.next(off)) {
      int m = pack.memberOff(off);
      s.insert(Arrays.copyOfRange(pack.buf, m, m + pack.memberLen(off)), pack.scoreAt(off));
    }
    skiplist = s;
    pack = null;
  }

  /** Removes a member; false when absent. */
  public boolean remove(byte[] member) {
    if (pack != null) {
      int off = pack.find(member);
      if (off < 0) {
        return false;
      }
      pack.deleteAt(off);
      return true;
    }
    return skiplist.remove(member);
  }

  /** 0-based rank of a member counted from the lowest score ({@code reverse}: from the highest), or -1. */
  public long rank(byte[] member, boolean reverse) {
    long r;
    if (pack != null) {
      int off = pack.find(member);
      if (off < 0) {
        return -1;
      }
      r = pack.rankOf(off);
    } else {
      r = skiplist.rank(member);
      if (r < 0) {
        return -1;
      }
    }
    return reverse ? size() - 1 - r : r;
  }

  /** How many leading entries (in order) satisfy {@code pred}; it must hold for a prefix of the order. */
  public long countWhile(EntryPredicate pred) {
    return pack != null ? pack.countWhile(pred) : skiplist.countWhile(pred);
  }

  /** The rank interval {@code [lo, hi]} of a score range; empty when {@code lo > hi}. */
  public long[] rankRange(ScoreRange range) {
    return new long[] {countWhile(range::belowMin), countWhile(range::withinMax) - 1};
  }

  /**
   * The rank interval {@code [lo, hi]} of a lex range for ZRANGEBYLEX and ZREMRANGEBYLEX; empty
   * when {@code lo > hi}. As Redis does, it finds the first member not below the minimum and walks
   * forward while members stay within the maximum. Lex ranges are meant for members of equal
   * score; on mixed scores this reproduces the listpack's answers exactly (the skiplist's depend
   * on its random levels, in Redis too).
   */
  public long[] rankRange(LexRange range) {
    if (!lexMayOverlap(range)) {
      return new long[] {0, -1};
    }
    long lo = countWhile(range::belowMin);
    return new long[] {lo, lo - 1 + countFrom(lo, range::withinMax)};
  }

  /** ZLEXCOUNT: as {@link #rankRange(LexRange)}, but O(log n) on the skiplist, as Redis finds both ends by descent. */
  public long lexCount(LexRange range) {
    if (!lexMayOverlap(range)) {
      return 0;
    }
    long lo = countWhile(range::belowMin);
    if (pack != null) {
      return countFrom(lo, range::withinMax);
    }
    return Math.max(0, countWhile(range::withinMax) - lo);
  }

  /**
   * Redis's {@code zslIsInLexRange} precheck: the range is not empty by its bounds, the last
   * member reaches the minimum and the first does not pass the maximum.
   */
  private boolean lexMayOverlap(LexRange range) {
    int cmp = range.min().compareTo(range.max());
    if (cmp > 0 || (cmp == 0 && (range.min().exclusive() || range.max().exclusive()))) {
      return false;
    }
    int n = size();
    if (n == 0) {
      return false;
    }
    boolean[] ok = {true};
    visit(n - 1, n - 1, false, (buf, off, len, score) -> ok[0] &= !range.belowMin(buf, off, len, score));
    visit(0, 0, false, (buf, off, len, score) -> ok[0] &= range.withinMax(buf, off, len, score));
    return ok[0];
  }

  /** How many consecutive entries from rank {@code from} satisfy {@code pred}. */
  public long countFrom(long from, EntryPredicate pred) {
    if (from >= size()) {
      return 0;
    }
    return pack != null ? pack.countFrom(from, pred) : skiplist.countFrom(from, pred);
  }

  /** Visits ranks {@code from..to} (0-based, in range, from ≤ to), highest rank first when {@code reverse}. */
  public void visit(long from, long to, boolean reverse, EntryVisitor visitor) {
    if (from < 0 || to >= size() || from > to) {
      throw new IndexOutOfBoundsException(from + ".." + to + " of " + size());
    }
    if (pack != null) {
      pack.visit(from, to, reverse, visitor);
    } else {
      skiplist.visit(from, to, reverse, visitor);
    }
  }

  /** Removes ranks {@code from..to} (0-based, in range, from ≤ to). */
  public void removeRange(long from, long to) {
    if (from < 0 || to >= size() || from > to) {
      throw new IndexOutOfBoundsException(from + ".." + to + " of " + size());
    }
    if (pack != null) {
      pack.removeRange(from, to);
    } else {
      skiplist.removeRange(from, to);
    }
  }

  /**
   * One step of a cursor scan over the skiplist form's dict; the compact form visits everything
   * and returns 0 (Redis replies with the whole listpack at once).
   */
  public long scanStep(long cursor, EntryVisitor visitor) {
    if (pack != null) {
      if (pack.count > 0) {
        visit(0, pack.count - 1, false, visitor);
      }
      return 0;
    }
    return skiplist.scan(cursor, visitor);
  }

  /** A deep copy in the same encoding. */
  @Override
  public SortedSetValue copy() {
    SortedSetValue c = new SortedSetValue();
    if (pack != null) {
      c.pack = new ZSetPack(pack);
    } else {
      c.pack = null;
      c.skiplist = skiplist.copy();
    }
    return c;
  }

  /** Checks the internal structure; for tests. */
  void checkInvariants() {
    if ((pack == null) == (skiplist == null)) {
      throw new IllegalStateException("exactly one encoding must be set");
    }
    if (skiplist != null) {
      skiplist.checkInvariants();
      return;
    }
    int n = 0;
    double prevScore = Double.NEGATIVE_INFINITY;
    byte[] prevMember = null;
    for (int off = 0; off < pack.used; off = pack.next(off)) {
      int m = pack.memberOff(off);
      byte[] member = Arrays.copyOfRange(pack.buf, m, m + pack.memberLen(off));
      double s = pack.scoreAt(off);
      if (prevMember != null && (s < prevScore || (s == prevScore && Arrays.compareUnsigned(prevMember, member) >= 0))) {
        throw new IllegalStateException("pack order");
      }
      prevScore = s;
      prevMember = member;
      n++;
    }
    if (n != pack.count) {
      throw new IllegalStateException("pack count");
    }
  }

  // ---- ranges -----------------------------------------------------------------------------------

  /** A score interval as ZRANGEBYSCORE takes it: {@code (} before a bound makes it exclusive. */
  public record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {

    /** True for entries below the interval's lower bound. */
    public boolean belowMin(byte[] buf, int off, int len, double score) {
      return minExclusive ? score <= min : score < min;
    }

    /** True for entries not above the interval's upper bound. */
    public boolean withinMax(byte[] buf, int off, int len, double score) {
      return maxExclusive ? score < max : score <= max;
    }
  }

  /**
   * A lexicographic interval as ZRANGEBYLEX takes it. A bound is {@code -} (below everything),
   * {@code +} (above everything), or a value, inclusive ({@code [}) or exclusive ({@code (}).
   * Members compare as unsigned bytes, a prefix first.
   */
  public record LexRange(Bound min, Bound max) {

    public enum Kind { MINUS_INFINITY, PLUS_INFINITY, VALUE }

    public record Bound(Kind kind, byte[] value, boolean exclusive) {

      /** Orders bounds as Redis's {@code sdscmplex}: {@code -} below every value, {@code +} above. */
      int compareTo(Bound other) {
        if (kind == other.kind && kind != Kind.VALUE) {
          return 0;
        }
        if (kind == Kind.MINUS_INFINITY || other.kind == Kind.PLUS_INFINITY) {
          return -1;
        }
        if (kind == Kind.PLUS_INFINITY || other.kind == Kind.MINUS_INFINITY) {
          return 1;
        }
        return Arrays.compareUnsigned(value, other.value);
      }

      /** Compares a member with this bound (a member never equals an infinity). */
      int compareMember(byte[] buf, int off, int len) {
        return switch (kind) {
          case MINUS_INFINITY -> 1;
          case PLUS_INFINITY -> -1;
          case VALUE -> Arrays.compareUnsigned(buf, off, off + len, value, 0, value.length);
        };
      }
    }

    public boolean belowMin(byte[] buf, int off, int len, double score) {
      int c = min.compareMember(buf, off, len);
      return min.exclusive() ? c <= 0 : c < 0;
    }

    public boolean withinMax(byte[] buf, int off, int len, double score) {
      int c = max.compareMember(buf, off, len);
      return max.exclusive() ? c < 0 : c <= 0;
    }
  }
}
