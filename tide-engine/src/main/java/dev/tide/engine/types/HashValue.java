package dev.tide.engine.types;

import dev.tide.engine.dict.ByteDict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A hash: field → value, both byte strings. Two encodings, as Redis 7.0 has:
 *
 * <p><b>listpack</b> (small hashes). Every field and value lives in one {@code byte[]}, in
 * insertion order, each entry written as a length (unsigned LEB128 varint: 1 byte up to 127) and
 * then its bytes: {@code [len f1][f1][len v1][v1][len f2][f2]...}. Why one array rather than
 * parallel {@code byte[][]} arrays: every Java array costs a 16-byte header plus padding to 8
 * bytes, so a hash of 10 short fields would spend ~400 bytes on headers alone in parallel arrays,
 * against ~20 bytes of length prefixes here, which is what keeps small hashes near Redis's own
 * listpack size (the project goal is RSS within 1.25× of Redis). The price is Redis's: lookups
 * scan linearly and an insert may copy the array, both bounded by the conversion thresholds
 * (128 entries of ≤ 64 bytes by default, so at most ~16 KiB per scan). Updates keep an entry's
 * place, so replies list fields in the same order Redis does. The array keeps a little slack
 * (1/8, plus the JVM's 8-byte alignment, which is free) so HSET of one field rarely copies.
 *
 * <p><b>hashtable</b> (large hashes): a {@link ByteDict} from field to value, with incremental
 * rehashing and HSCAN cursors. A hash converts once it has more than
 * {@code hash-max-listpack-entries} fields or gets a field or value longer than
 * {@code hash-max-listpack-value} bytes; as in Redis it never converts back.
 *
 * <p>{@link #memoryBytes()} is O(1): the listpack's size is its array; the hashtable keeps a
 * running sum of its entries' sizes.
 *
 * <p>Not thread-safe: the keyspace shard that holds the value serializes access. Stored arrays
 * are never changed in place after they are handed in, so callers may keep them.
 */
public final class HashValue extends CollectionValue {

  /** An object header: an array header less its 4-byte length. */
  private static final int OBJECT_HEADER = Memory.ARRAY_HEADER - 4;
  /** Heap bytes of this object: header, two references, two ints and two longs. */
  private static final long SHELL = Memory.align(OBJECT_HEADER + 2L * Memory.REFERENCE + 2 * 4 + 2 * 8);
  /**
   * A {@link ByteDict} object (header, two table references, three ints, a boolean) and its
   * table's array header; the table's slots are counted from its capacity.
   */
  private static final long DICT_SHELL = Memory.align(OBJECT_HEADER + 2L * Memory.REFERENCE + 3 * 4 + 1)
      + Memory.ARRAY_HEADER;
  /**
   * Largest listpack array: past it the hash converts whatever the thresholds say (Redis's
   * {@code LISTPACK_MAX_SAFETY_SIZE}, 1 GiB), so a generous CONFIG SET cannot overflow an array.
   */
  public static final long LISTPACK_MAX_SAFETY_BYTES = 1L << 30;
  private static final byte[] EMPTY = new byte[0];
  /** Shrink the listpack's array when less than half of it is used and it is larger than this. */
  private static final int SHRINK_MIN_BYTES = 64;
  /** Distinct random picks try at most this many times the count before falling back to a copy. */
  private static final int RANDOM_DISTINCT_TRIES_FACTOR = 16;

  /** listpack encoding: entries; null once converted to a hashtable. */
  private byte[] packed;
  private int packedUsed;
  /** Number of fields in listpack encoding. */
  private int packedCount;
  /** hashtable encoding: field → value; null while a listpack. */
  private ByteDict<byte[]> dict;
  /** hashtable encoding: sum of {@link #entryBytes} over entries. */
  private long dictEntryBytes;

  /** Receives one entry; the bytes are valid only during the call (they may point into the listpack). */
  @FunctionalInterface
  public interface EntryVisitor {
    void visit(byte[] fieldBuf, int fieldOff, int fieldLen, byte[] valueBuf, int valueOff, int valueLen);
  }

  private HashValue() {
  }

  /** A new, empty hash in listpack encoding. */
  public static HashValue create() {
    HashValue h = new HashValue();
    h.packed = EMPTY;
    return h;
  }

  @Override
  public ValueType type() {
    return ValueType.HASH;
  }

  @Override
  public String encoding() {
    return packed != null ? "listpack" : "hashtable";
  }

  public boolean isListpack() {
    return packed != null;
  }

  @Override
  public int size() {
    return packed != null ? packedCount : dict.size();
  }

  @Override
  public long memoryBytes() {
    if (packed != null) {
      return SHELL + Memory.bytes(packed.length);
    }
    return SHELL + DICT_SHELL + dict.capacity() * Memory.REFERENCE + dictEntryBytes;
  }

  /**
   * {@link #memoryBytes()} computed from scratch, O(n): for tests and assertions that the
   * incremental figure is right.
   */
  public long memoryBytesRecomputed() {
    if (packed != null) {
      return SHELL + Memory.bytes(packed.length);
    }
    long[] sum = {0};
    dict.forEach(n -> sum[0] += entryBytes(n.key(), n.value()));
    return SHELL + DICT_SHELL + dict.capacity() * Memory.REFERENCE + sum[0];
  }

  private static long entryBytes(byte[] field, byte[] value) {
    return Memory.DICT_NODE + Memory.bytes(field) + Memory.bytes(value);
  }

  // ---- lookups ---------------------------------------------------------------------------------

  /** The value of a field (a copy for listpacks), or null. */
  public byte[] get(byte[] field) {
    if (packed == null) {
      return dict.get(field);
    }
    int pos = findField(field);
    if (pos < 0) {
      return null;
    }
    int valuePos = skipEntry(pos);
    int len = varintValue(packed, valuePos);
    int start = valuePos + varintSize(len);
    return Arrays.copyOfRange(packed, start, start + len);
  }

  public boolean contains(byte[] field) {
    return packed == null ? dict.containsKey(field) : findField(field) >= 0;
  }

  /** Length of a field's value, or -1 when absent (HSTRLEN). */
  public int valueLength(byte[] field) {
    if (packed == null) {
      byte[] v = dict.get(field);
      return v == null ? -1 : v.length;
    }
    int pos = findField(field);
    return pos < 0 ? -1 : varintValue(packed, skipEntry(pos));
  }

  // ---- changes ---------------------------------------------------------------------------------

  /**
   * Sets a field, converting to a hashtable first when the field or value is longer than
   * {@code maxListpackValue} bytes, and after when the hash has more than
   * {@code maxListpackEntries} fields. Returns true when the field is new.
   */
  public boolean put(byte[] field, byte[] value, int maxListpackEntries, int maxListpackValue) {
    if (packed != null && (field.length > maxListpackValue || value.length > maxListpackValue
        || packedUsed + 10L + field.length + value.length > LISTPACK_MAX_SAFETY_BYTES)) {
      convertToHashtable();
    }
    if (packed == null) {
      ByteDict.Node<byte[]> node = dict.getNode(field);
      if (node != null) {
        dictEntryBytes += Memory.bytes(value) - Memory.bytes(node.value());
        node.setValue(value);
        return false;
      }
      dict.insertNew(field, value);
      dictEntryBytes += entryBytes(field, value);
      return true;
    }
    int pos = findField(field);
    if (pos >= 0) {
      replaceValue(skipEntry(pos), value);
      return false;
    }
    int need = packedUsed + varintSize(field.length) + field.length + varintSize(value.length) + value.length;
    ensureCapacity(need);
    packedUsed = writeEntry(packed, packedUsed, field, 0, field.length);
    packedUsed = writeEntry(packed, packedUsed, value, 0, value.length);
    packedCount++;
    if (packedCount > maxListpackEntries) {
      convertToHashtable();
    }
    return true;
  }

  /** Removes a field; true if it was present. */
  public boolean remove(byte[] field) {
    if (packed == null) {
      ByteDict.Node<byte[]> node = dict.remove(field);
      if (node == null) {
        return false;
      }
      dictEntryBytes -= entryBytes(node.key(), node.value());
      return true;
    }
    int pos = findField(field);
    if (pos < 0) {
      return false;
    }
    int end = skipEntry(skipEntry(pos));
    System.arraycopy(packed, end, packed, pos, packedUsed - end);
    packedUsed -= end - pos;
    packedCount--;
    if (packed.length > SHRINK_MIN_BYTES && packedUsed < packed.length / 2) {
      packed = Arrays.copyOf(packed, alignedLength(packedUsed));
    }
    return true;
  }

  /** Converts to hashtable encoding (one way). */
  public void convertToHashtable() {
    if (packed == null) {
      return;
    }
    ByteDict<byte[]> d = new ByteDict<>();
    long bytes = 0;
    int pos = 0;
    while (pos < packedUsed) {
      int fieldLen = varintValue(packed, pos);
      int fieldStart = pos + varintSize(fieldLen);
      int valuePos = fieldStart + fieldLen;
      int valueLen = varintValue(packed, valuePos);
      int valueStart = valuePos + varintSize(valueLen);
      byte[] f = Arrays.copyOfRange(packed, fieldStart, fieldStart + fieldLen);
      byte[] v = Arrays.copyOfRange(packed, valueStart, valueStart + valueLen);
      d.insertNew(f, v);
      bytes += entryBytes(f, v);
      pos = valueStart + valueLen;
    }
    dict = d;
    dictEntryBytes = bytes;
    packed = null;
    packedUsed = 0;
    packedCount = 0;
  }

  // ---- iteration and sampling ------------------------------------------------------------------

  /** Visits every entry (listpack: insertion order). The visitor must not change the hash. */
  public void forEach(EntryVisitor visitor) {
    if (packed == null) {
      dict.forEach(n -> visitor.visit(n.key(), 0, n.key().length, n.value(), 0, n.value().length));
      return;
    }
    int pos = 0;
    while (pos < packedUsed) {
      int fieldLen = varintValue(packed, pos);
      int fieldStart = pos + varintSize(fieldLen);
      int valuePos = fieldStart + fieldLen;
      int valueLen = varintValue(packed, valuePos);
      int valueStart = valuePos + varintSize(valueLen);
      visitor.visit(packed, fieldStart, fieldLen, packed, valueStart, valueLen);
      pos = valueStart + valueLen;
    }
  }

  /**
   * One HSCAN step over a hashtable (see {@link ByteDict#scan}); a listpack is visited whole and
   * 0 returned, as Redis does for compact encodings.
   */
  public long scan(long cursor, EntryVisitor visitor) {
    if (packed != null) {
      forEach(visitor);
      return 0;
    }
    return dict.scan(cursor, n -> visitor.visit(n.key(), 0, n.key().length, n.value(), 0, n.value().length));
  }

  /** Copies of every entry as {field, value} pairs (listpack: insertion order). */
  public List<byte[][]> entries() {
    List<byte[][]> out = new ArrayList<>(size());
    forEach((fb, fo, fl, vb, vo, vl) -> out.add(new byte[][] {
        Arrays.copyOfRange(fb, fo, fo + fl), Arrays.copyOfRange(vb, vo, vo + vl)}));
    return out;
  }

  /** One random entry as {field, value}; the hash must not be empty. */
  public byte[][] randomEntry(RandomGenerator random) {
    if (packed == null) {
      ByteDict.Node<byte[]> n = dict.randomNode(random);
      return new byte[][] {n.key(), n.value()};
    }
    List<byte[][]> all = entries();
    return all.get(random.nextInt(all.size()));
  }

  /**
   * {@code count} random entries, repeats allowed (HRANDFIELD with a negative count). The hash
   * must not be empty.
   */
  public void randomEntriesWithRepeats(long count, RandomGenerator random, Consumer<byte[][]> out) {
    if (packed == null) {
      for (long i = 0; i < count; i++) {
        ByteDict.Node<byte[]> n = dict.randomNode(random);
        out.accept(new byte[][] {n.key(), n.value()});
      }
      return;
    }
    List<byte[][]> all = entries();
    for (long i = 0; i < count; i++) {
      out.accept(all.get(random.nextInt(all.size())));
    }
  }

  /**
   * {@code count} distinct random entries, {@code 0 < count < size()} (HRANDFIELD with a positive
   * count smaller than the hash). Small hashes, and counts close to the size, shuffle a copy;
   * otherwise random entries are drawn until enough distinct ones are found, as Redis does.
   */
  public List<byte[][]> randomDistinctEntries(int count, RandomGenerator random) {
    if (packed == null && (long) count * 3 <= size()) {
      List<byte[][]> picked = new ArrayList<>(count);
      HashSet<ByteKey> seen = new HashSet<>();
      long tries = (long) count * RANDOM_DISTINCT_TRIES_FACTOR;
      while (picked.size() < count && tries-- > 0) {
        ByteDict.Node<byte[]> n = dict.randomNode(random);
        if (seen.add(new ByteKey(n.key()))) {
          picked.add(new byte[][] {n.key(), n.value()});
        }
      }
      if (picked.size() == count) {
        return picked;
      }
    }
    List<byte[][]> all = entries();
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(all.size() - i);
      byte[][] t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
    }
    return new ArrayList<>(all.subList(0, count));
  }

  /** A byte string with value equality, for de-duplicating random picks. */
  record ByteKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  /** A deep copy in the same encoding. */
  public HashValue copy() {
    HashValue h = new HashValue();
    if (packed != null) {
      h.packed = packedUsed == 0 ? EMPTY : Arrays.copyOf(packed, alignedLength(packedUsed));
      h.packedUsed = packedUsed;
      h.packedCount = packedCount;
      return h;
    }
    ByteDict<byte[]> d = new ByteDict<>();
    dict.forEach(n -> d.insertNew(n.key().clone(), n.value().clone()));
    h.dict = d;
    h.dictEntryBytes = dictEntryBytes;
    return h;
  }

  // ---- listpack internals ----------------------------------------------------------------------

  /** Offset of the field's entry in the listpack, or -1. */
  private int findField(byte[] field) {
    int pos = 0;
    byte[] p = packed;
    while (pos < packedUsed) {
      int len = varintValue(p, pos);
      int start = pos + varintSize(len);
      if (len == field.length && Arrays.equals(p, start, start + len, field, 0, len)) {
        return pos;
      }
      pos = skipEntry(start + len); // skip the value
    }
    return -1;
  }

  /** Offset just past the entry at {@code pos}. */
  private int skipEntry(int pos) {
    int len = varintValue(packed, pos);
    return pos + varintSize(len) + len;
  }

  /** Replaces the value entry at {@code valuePos}, moving the tail when the size changes. */
  private void replaceValue(int valuePos, byte[] value) {
    int oldEnd = skipEntry(valuePos);
    int newSize = varintSize(value.length) + value.length;
    int delta = newSize - (oldEnd - valuePos);
    if (delta > 0) {
      ensureCapacity(packedUsed + delta);
    }
    if (delta != 0) {
      System.arraycopy(packed, oldEnd, packed, oldEnd + delta, packedUsed - oldEnd);
      packedUsed += delta;
    }
    writeEntry(packed, valuePos, value, 0, value.length);
  }

  private void ensureCapacity(int need) {
    if (need <= packed.length) {
      return;
    }
    packed = Arrays.copyOf(packed, alignedLength(need + (need >> 3)));
  }

  /** The array length whose heap size ends exactly on the JVM's 8-byte alignment. */
  private static int alignedLength(int atLeast) {
    return (int) (Memory.bytes(atLeast) - Memory.ARRAY_HEADER);
  }

  private static int writeEntry(byte[] dst, int pos, byte[] src, int off, int len) {
    pos = writeVarint(dst, pos, len);
    System.arraycopy(src, off, dst, pos, len);
    return pos + len;
  }

  static int varintSize(int v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  static int writeVarint(byte[] dst, int pos, int v) {
    while ((v & ~0x7f) != 0) {
      dst[pos++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    dst[pos++] = (byte) v;
    return pos;
  }

  static int varintValue(byte[] src, int pos) {
    int v = 0;
    int shift = 0;
    while (true) {
      int b = src[pos++];
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
      shift += 7;
    }
  }
}
