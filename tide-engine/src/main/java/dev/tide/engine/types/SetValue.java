package dev.tide.engine.types;

import dev.tide.engine.command.Args;
import dev.tide.engine.dict.ByteDict;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A set of byte strings. Two encodings, as Redis 7.0 has (7.0 has no listpack sets):
 *
 * <p><b>intset</b>: while every member is a canonical integer (Redis's {@code string2ll} rules:
 * no '+', no leading zeros, no "-0", within a long) and there are at most
 * {@code set-max-intset-entries} of them, the members are kept sorted in one {@code byte[]} as
 * little-endian integers of the smallest width that holds them all (2, 4 or 8 bytes), exactly as
 * Redis's intset does. A set of 500 small numbers thus takes ~1 KiB instead of 4 KiB as a
 * {@code long[]} or ~40 KiB as a table. Membership is a binary search; adding or removing moves
 * the tail (bounded by the threshold, 512 × 8 bytes by default). Members iterate in ascending
 * order, which is also the order Redis replies in.
 *
 * <p><b>hashtable</b>: a {@link ByteDict} of members (null values), with SSCAN cursors. A set
 * converts when a non-integer member is added or the intset grows past the threshold; as in
 * Redis it never converts back.
 *
 * <p>{@link #memoryBytes()} is O(1). Not thread-safe: the owning keyspace shard serializes access.
 */
public final class SetValue extends CollectionValue {

  /** An object header: an array header less its 4-byte length. */
  private static final int OBJECT_HEADER = Memory.ARRAY_HEADER - 4;
  /** Heap bytes of this object: header, two references, a byte, an int and two longs. */
  private static final long SHELL = Memory.align(OBJECT_HEADER + 2L * Memory.REFERENCE + 1 + 4 + 2 * 8);
  /**
   * A {@link ByteDict} object (header, two table references, three ints, a boolean) and its
   * table's array header; the table's slots are counted from its capacity.
   */
  private static final long DICT_SHELL = Memory.align(OBJECT_HEADER + 2L * Memory.REFERENCE + 3 * 4 + 1)
      + Memory.ARRAY_HEADER;
  /**
   * Most members an intset holds whatever {@code set-max-intset-entries} says: 2^26 eight-byte
   * integers fill a 512 MiB array, well inside Java's array limit (Redis caps at 2^30 for its own
   * intset internals; a set this large is a hashtable in any sane configuration).
   */
  public static final int MAX_INTSET_ENTRIES = 1 << 26;
  private static final byte[] EMPTY = new byte[0];
  /** Shrink the intset's array when less than half of it is used and it is larger than this. */
  private static final int SHRINK_MIN_BYTES = 64;
  /** Distinct random picks try at most this many times the count before falling back to a copy. */
  private static final int RANDOM_DISTINCT_TRIES_FACTOR = 16;

  private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** intset: bytes per integer (2, 4 or 8); 0 in hashtable encoding. */
  private byte width;
  /** intset: the sorted integers; null in hashtable encoding. */
  private byte[] ints;
  private int intCount;
  /** hashtable: the members; null while an intset. */
  private ByteDict<Object> dict;
  /** hashtable: sum of per-member sizes. */
  private long dictEntryBytes;

  private SetValue() {
  }

  /** An empty intset. */
  public static SetValue createIntset() {
    SetValue s = new SetValue();
    s.width = 2;
    s.ints = EMPTY;
    return s;
  }

  /** An empty hashtable set. */
  public static SetValue createHashtable() {
    SetValue s = new SetValue();
    s.dict = new ByteDict<>();
    return s;
  }

  /** An empty set in the encoding Redis picks for a set whose first member is {@code member}. */
  public static SetValue createFor(byte[] member) {
    return Args.isCanonicalLong(member) ? createIntset() : createHashtable();
  }

  @Override
  public ValueType type() {
    return ValueType.SET;
  }

  @Override
  public String encoding() {
    return ints != null ? "intset" : "hashtable";
  }

  public boolean isIntset() {
    return ints != null;
  }

  @Override
  public int size() {
    return ints != null ? intCount : dict.size();
  }

  @Override
  public long memoryBytes() {
    if (ints != null) {
      return SHELL + Memory.bytes(ints.length);
    }
    return SHELL + DICT_SHELL + dict.capacity() * Memory.REFERENCE + dictEntryBytes;
  }

  /**
   * {@link #memoryBytes()} computed from scratch, O(n): for tests and assertions that the
   * incremental figure is right.
   */
  public long memoryBytesRecomputed() {
    if (ints != null) {
      return SHELL + Memory.bytes(ints.length);
    }
    long[] sum = {0};
    dict.forEach(n -> sum[0] += entryBytes(n.key()));
    return SHELL + DICT_SHELL + dict.capacity() * Memory.REFERENCE + sum[0];
  }

  private static long entryBytes(byte[] member) {
    return Memory.DICT_NODE + Memory.bytes(member);
  }

  // ---- membership ------------------------------------------------------------------------------

  public boolean contains(byte[] member) {
    if (ints == null) {
      return dict.containsKey(member);
    }
    long[] v = new long[1];
    return Args.tryParseLong(member, v) && search(v[0]) >= 0;
  }

  /**
   * Adds a member, converting to a hashtable when it is not an integer or the intset would hold
   * more than {@code maxIntsetEntries}. Returns true when it was not already present.
   */
  public boolean add(byte[] member, int maxIntsetEntries) {
    if (ints != null) {
      long[] v = new long[1];
      if (Args.tryParseLong(member, v)) {
        if (!addInt(v[0])) {
          return false;
        }
        if (intCount > Math.min(maxIntsetEntries, MAX_INTSET_ENTRIES)) {
          convertToHashtable();
        }
        return true;
      }
      convertToHashtable();
    }
    if (dict.containsKey(member)) {
      return false;
    }
    dict.insertNew(member, null);
    dictEntryBytes += entryBytes(member);
    return true;
  }

  /** Removes a member; true if it was present. */
  public boolean remove(byte[] member) {
    if (ints == null) {
      ByteDict.Node<Object> n = dict.remove(member);
      if (n == null) {
        return false;
      }
      dictEntryBytes -= entryBytes(n.key());
      return true;
    }
    long[] v = new long[1];
    if (!Args.tryParseLong(member, v)) {
      return false;
    }
    int i = search(v[0]);
    if (i < 0) {
      return false;
    }
    removeIntAt(i);
    return true;
  }

  /** Converts to hashtable encoding (one way). */
  public void convertToHashtable() {
    if (ints == null) {
      return;
    }
    ByteDict<Object> d = new ByteDict<>();
    long bytes = 0;
    for (int i = 0; i < intCount; i++) {
      byte[] m = Args.bytes(intAt(i));
      d.insertNew(m, null);
      bytes += entryBytes(m);
    }
    dict = d;
    dictEntryBytes = bytes;
    ints = null;
    intCount = 0;
    width = 0;
  }

  // ---- iteration and sampling ------------------------------------------------------------------

  /** Visits every member (intset: ascending). The action must not change the set. */
  public void forEach(Consumer<byte[]> action) {
    if (ints != null) {
      for (int i = 0; i < intCount; i++) {
        action.accept(Args.bytes(intAt(i)));
      }
      return;
    }
    dict.forEach(n -> action.accept(n.key()));
  }

  /** All members (intset: ascending). */
  public List<byte[]> members() {
    List<byte[]> out = new ArrayList<>(size());
    forEach(out::add);
    return out;
  }

  /** One SSCAN step: a hashtable by cursor, an intset whole (returns 0). */
  public long scan(long cursor, Consumer<byte[]> action) {
    if (ints != null) {
      forEach(action);
      return 0;
    }
    return dict.scan(cursor, n -> action.accept(n.key()));
  }

  /** A random member; the set must not be empty. */
  public byte[] randomMember(RandomGenerator random) {
    if (ints != null) {
      return Args.bytes(intAt(random.nextInt(intCount)));
    }
    return dict.randomNode(random).key();
  }

  /** Removes and returns a random member; the set must not be empty. */
  public byte[] popRandom(RandomGenerator random) {
    if (ints != null) {
      int i = random.nextInt(intCount);
      long v = intAt(i);
      removeIntAt(i);
      return Args.bytes(v);
    }
    byte[] m = dict.randomNode(random).key();
    remove(m);
    return m;
  }

  /**
   * {@code count} distinct random members, {@code 0 < count < size()} (SRANDMEMBER with a
   * positive count). Small sets and counts close to the size shuffle a copy; otherwise random
   * members are drawn until enough distinct ones are found.
   */
  public List<byte[]> randomDistinctMembers(int count, RandomGenerator random) {
    if (ints == null && (long) count * 3 <= size()) {
      ByteDict<Object> seen = new ByteDict<>();
      List<byte[]> picked = new ArrayList<>(count);
      long tries = (long) count * RANDOM_DISTINCT_TRIES_FACTOR;
      while (picked.size() < count && tries-- > 0) {
        byte[] m = dict.randomNode(random).key();
        if (!seen.containsKey(m)) {
          seen.insertNew(m, null);
          picked.add(m);
        }
      }
      if (picked.size() == count) {
        return picked;
      }
    }
    List<byte[]> all = members();
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(all.size() - i);
      byte[] t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
    }
    return new ArrayList<>(all.subList(0, count));
  }

  /** A deep copy in the same encoding. */
  public SetValue copy() {
    SetValue s = new SetValue();
    if (ints != null) {
      s.width = width;
      s.ints = intCount == 0 ? EMPTY : Arrays.copyOf(ints, alignedLength(intCount * width));
      s.intCount = intCount;
      return s;
    }
    ByteDict<Object> d = new ByteDict<>();
    dict.forEach(n -> d.insertNew(n.key().clone(), null));
    s.dict = d;
    s.dictEntryBytes = dictEntryBytes;
    return s;
  }

  // ---- intset internals ------------------------------------------------------------------------

  private long intAt(int i) {
    return switch (width) {
      case 2 -> (short) SHORTS.get(ints, i * 2);
      case 4 -> (int) INTS.get(ints, i * 4);
      default -> (long) LONGS.get(ints, i * 8);
    };
  }

  private static void put(byte[] a, int width, int i, long v) {
    switch (width) {
      case 2 -> SHORTS.set(a, i * 2, (short) v);
      case 4 -> INTS.set(a, i * 4, (int) v);
      default -> LONGS.set(a, i * 8, v);
    }
  }

  private static int widthFor(long v) {
    if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      return 2;
    }
    if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      return 4;
    }
    return 8;
  }

  /** Index of {@code v}, or {@code -(insertion point) - 1}. */
  private int search(long v) {
    if (widthFor(v) > width) {
      return v < 0 ? -1 : -intCount - 1;
    }
    int lo = 0;
    int hi = intCount - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long m = intAt(mid);
      if (m < v) {
        lo = mid + 1;
      } else if (m > v) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  private boolean addInt(long v) {
    int w = widthFor(v);
    if (w > width) {
      upgrade(w);
    }
    int i = search(v);
    if (i >= 0) {
      return false;
    }
    int at = -i - 1;
    int need = (intCount + 1) * width;
    if (need > ints.length) {
      ints = Arrays.copyOf(ints, alignedLength(need + (need >> 3)));
    }
    System.arraycopy(ints, at * width, ints, (at + 1) * width, (intCount - at) * width);
    put(ints, width, at, v);
    intCount++;
    return true;
  }

  private void upgrade(int newWidth) {
    byte[] wider = new byte[alignedLength((intCount + 1) * newWidth)];
    for (int i = 0; i < intCount; i++) {
      put(wider, newWidth, i, intAt(i));
    }
    ints = wider;
    width = (byte) newWidth;
  }

  private void removeIntAt(int i) {
    System.arraycopy(ints, (i + 1) * width, ints, i * width, (intCount - i - 1) * width);
    intCount--;
    int used = intCount * width;
    if (ints.length > SHRINK_MIN_BYTES && used < ints.length / 2) {
      ints = Arrays.copyOf(ints, alignedLength(used));
    }
  }

  /** The array length whose heap size ends exactly on the JVM's 8-byte alignment. */
  private static int alignedLength(int atLeast) {
    return (int) (Memory.bytes(atLeast) - Memory.ARRAY_HEADER);
  }
}
