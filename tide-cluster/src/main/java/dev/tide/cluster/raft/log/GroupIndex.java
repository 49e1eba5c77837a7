package dev.tide.cluster.raft.log;

import java.nio.charset.StandardCharsets;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * Where one Raft group's entries are in the node log: for each index in [first, last] its
 * location (segment sequence and offset), record length and term, in a ring of parallel arrays
 * (20 bytes per entry, no object per entry).
 *
 * <p>The same operations serve replay at start-up and live appends, so the index rebuilt from
 * the files is the one the node had. An append at or below the last index first drops the
 * entries from there on (the log of a Raft follower is overwritten from the first conflicting
 * entry). A <em>hole</em> is an index whose record is damaged: its index and term are known
 * (the record's header was intact) but not its data; a group with a hole in its range cannot
 * serve its log and is recovered from its peers.
 *
 * <p>Not thread-safe: {@link NodeLog} guards each index with its own lock.
 */
final class GroupIndex {

  static final long HOLE = -1;
  private static final int INITIAL_CAPACITY = 64;
  /** The ring shrinks when less than a quarter is used and it is larger than this. */
  private static final int SHRINK_ABOVE_CAPACITY = 4096;

  final String name;
  final byte[] nameBytes;
  private long first = 1;
  private int size;
  private int head;
  private long[] locs = new long[INITIAL_CAPACITY];
  private int[] lens = new int[INITIAL_CAPACITY];
  private long[] terms = new long[INITIAL_CAPACITY];
  private final NavigableSet<Long> confIndexes = new TreeSet<>();
  private int holes;

  GroupIndex(String name) {
    this.name = name;
    this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
  }

  static long loc(long seq, long offset) {
    return (seq << 32) | offset;
  }

  static long seqOf(long loc) {
    return loc >>> 32;
  }

  static long offsetOf(long loc) {
    return loc & 0xFFFF_FFFFL;
  }

  long first() {
    return first;
  }

  long last() {
    return first + size - 1;
  }

  int size() {
    return size;
  }

  boolean contains(long index) {
    return index >= first && index < first + size;
  }

  long term(long index) {
    return contains(index) ? terms[slot(index)] : 0;
  }

  long locOf(long index) {
    return locs[slot(index)];
  }

  int lenOf(long index) {
    return lens[slot(index)];
  }

  boolean hasHoles() {
    return holes > 0;
  }

  /** The first hole in range, or -1. */
  long firstHole() {
    for (long i = first; i <= last(); i++) {
      if (locs[slot(i)] == HOLE) {
        return i;
      }
    }
    return -1;
  }

  NavigableSet<Long> confIndexes() {
    return confIndexes;
  }

  /**
   * Adds entry {@code index}; entries at and after it are dropped first. Returns false (and
   * changes nothing) when it would leave a gap after a non-empty log.
   */
  boolean append(long index, long term, long loc, int len, boolean conf, LongConsumer released) {
    if (size > 0 && index > last() + 1) {
      return false;
    }
    if (size > 0 && index <= last()) {
      if (index < first) {
        reset(index, released);
      } else {
        truncateSuffix(index - 1, released);
      }
    }
    if (size == 0) {
      first = index;
      head = 0;
    }
    if (size == locs.length) {
      resize(locs.length * 2);
    }
    int s = (head + size) & (locs.length - 1);
    locs[s] = loc;
    lens[s] = len;
    terms[s] = term;
    size++;
    if (loc == HOLE) {
      holes++;
    }
    if (conf) {
      confIndexes.add(index);
    }
    return true;
  }

  /** Drops entries before {@code firstKept}; past the last entry the log is empty and starts there. */
  void truncatePrefix(long firstKept, LongConsumer released) {
    if (firstKept <= first) {
      return;
    }
    long drop = Math.min(size, firstKept - first);
    for (long i = 0; i < drop; i++) {
      release(head, released);
      head = (head + 1) & (locs.length - 1);
    }
    size -= (int) drop;
    first = firstKept;
    if (size == 0) {
      head = 0;
    }
    confIndexes.headSet(firstKept, false).clear();
    maybeShrink();
  }

  /** Drops entries after {@code lastKept}. */
  void truncateSuffix(long lastKept, LongConsumer released) {
    if (lastKept >= last()) {
      return;
    }
    long keep = Math.max(0, lastKept - first + 1);
    for (long i = size - 1; i >= keep; i--) {
      release((int) ((head + i) & (locs.length - 1)), released);
    }
    size = (int) keep;
    confIndexes.tailSet(lastKept, false).clear();
    maybeShrink();
  }

  /** Drops every entry; the next one appended is {@code nextIndex}. */
  void reset(long nextIndex, LongConsumer released) {
    for (int i = 0; i < size; i++) {
      release((head + i) & (locs.length - 1), released);
    }
    size = 0;
    head = 0;
    first = nextIndex;
    confIndexes.clear();
    maybeShrink();
  }

  /** Calls {@code fn} with each entry's location (holes excluded), in index order. */
  void forEachLoc(LongConsumer fn) {
    for (int i = 0; i < size; i++) {
      long l = locs[(head + i) & (locs.length - 1)];
      if (l != HOLE) {
        fn.accept(l);
      }
    }
  }

  private void release(int slot, LongConsumer released) {
    long l = locs[slot];
    if (l == HOLE) {
      holes--;
    } else {
      released.accept(l);
    }
  }

  private int slot(long index) {
    return (int) ((head + (index - first)) & (locs.length - 1));
  }

  private void maybeShrink() {
    if (locs.length > SHRINK_ABOVE_CAPACITY && size < locs.length / 4) {
      resize(Math.max(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, size)) * 2));
    }
  }

  private void resize(int capacity) {
    long[] nl = new long[capacity];
    int[] nn = new int[capacity];
    long[] nt = new long[capacity];
    for (int i = 0; i < size; i++) {
      int s = (head + i) & (locs.length - 1);
      nl[i] = locs[s];
      nn[i] = lens[s];
      nt[i] = terms[s];
    }
    locs = nl;
    lens = nn;
    terms = nt;
    head = 0;
  }
}
