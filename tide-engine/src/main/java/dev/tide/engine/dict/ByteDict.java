package dev.tide.engine.dict;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A hash table from byte-string keys to values, built the way Redis builds its {@code dict}:
 * separate chaining in power-of-two tables, incremental rehashing, and a reverse-binary cursor
 * for {@link #scan} that returns every element present for the whole scan at least once, even
 * while the table grows or shrinks in between calls.
 *
 * <p>Why not {@link java.util.HashMap}: a resize of a million-key HashMap rehashes everything in
 * one call (tens of milliseconds of tail latency), it offers no stable scan cursor, and no way to
 * sample random entries for eviction. Here each operation moves at most one bucket from the old
 * table to the new ({@link #REHASH_EMPTY_VISITS} empty buckets visited at most), so no single
 * command pays for a resize.
 *
 * <p>Not thread-safe: the owner (a keyspace shard, or a value inside one) serializes access.
 * Nodes carry a spare {@code int} ({@link Node#meta}) that the keyspace uses for LRU/LFU data.
 */
public final class ByteDict<V> {

  /** One key and its value, chained within a bucket. */
  public static final class Node<V> {
    final byte[] key;
    V value;
    Node<V> next;
    /** Free for the owner: the keyspace keeps the LRU clock or LFU counter here. */
    public int meta;

    Node(byte[] key, V value, Node<V> next) {
      this.key = key;
      this.value = value;
      this.next = next;
    }

    public byte[] key() {
      return key;
    }

    public V value() {
      return value;
    }

    public void setValue(V value) {
      this.value = value;
    }
  }

  /** Smallest table, as Redis's {@code DICT_HT_INITIAL_SIZE}. */
  private static final int INITIAL_CAPACITY = 4;
  /** Largest table: 2^30 buckets. */
  private static final int MAX_CAPACITY = 1 << 30;
  /** Empty buckets one rehash step may visit before it gives up (Redis: 10 × n). */
  private static final int REHASH_EMPTY_VISITS = 10;
  /** Shrink when fewer than 1 in this many buckets hold an element (Redis: 10%). */
  private static final int SHRINK_RATIO = 10;
  /** Per-process seed so that key hashes cannot be predicted by clients. */
  private static final int SEED = (int) System.nanoTime() | 1;

  private Node<V>[] table0 = newTable(INITIAL_CAPACITY);
  private Node<V>[] table1;
  private int size0;
  private int size1;
  /** Next bucket of table0 to move to table1, or -1 when not rehashing. */
  private int rehashIndex = -1;
  /** Suspends shrinking while a caller iterates with {@link #forEach} and deletes. */
  private boolean resizeAllowed = true;
  /**
   * Buckets of both tables, kept in one field so that memory accounting can read it from another
   * thread without the owner's lock (a moment old at worst, never torn: it is volatile, and only
   * written when a table is created or dropped).
   */
  private volatile long capacity = INITIAL_CAPACITY;

  @SuppressWarnings("unchecked")
  private static <V> Node<V>[] newTable(int capacity) {
    return (Node<V>[]) new Node[capacity];
  }

  public static int hash(byte[] key) {
    int h = Arrays.hashCode(key) ^ SEED;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  public int size() {
    return size0 + size1;
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** Buckets allocated in both tables, for memory accounting; safe to read without the owner's lock. */
  public long capacity() {
    return capacity;
  }

  public V get(byte[] key) {
    Node<V> node = getNode(key);
    return node == null ? null : node.value;
  }

  public boolean containsKey(byte[] key) {
    return getNode(key) != null;
  }

  public Node<V> getNode(byte[] key) {
    if (size() == 0) {
      return null;
    }
    rehashStep();
    int h = hash(key);
    Node<V> n = find(table0, h, key);
    if (n == null && table1 != null) {
      n = find(table1, h, key);
    }
    return n;
  }

  private static <V> Node<V> find(Node<V>[] table, int h, byte[] key) {
    for (Node<V> n = table[h & (table.length - 1)]; n != null; n = n.next) {
      if (Arrays.equals(n.key, key)) {
        return n;
      }
    }
    return null;
  }

  /** Sets the value for a key; returns the previous value or null. */
  public V put(byte[] key, V value) {
    Node<V> existing = getNode(key);
    if (existing != null) {
      V old = existing.value;
      existing.value = value;
      return old;
    }
    insertNew(key, value);
    return null;
  }

  /** Adds a key known to be absent and returns its node. */
  public Node<V> insertNew(byte[] key, V value) {
    expandIfNeeded();
    int h = hash(key);
    Node<V> node;
    if (table1 != null) {
      int i = h & (table1.length - 1);
      node = new Node<>(key, value, table1[i]);
      table1[i] = node;
      size1++;
    } else {
      int i = h & (table0.length - 1);
      node = new Node<>(key, value, table0[i]);
      table0[i] = node;
      size0++;
    }
    return node;
  }

  /** Removes a key; returns its node (with value) or null. */
  public Node<V> remove(byte[] key) {
    if (size() == 0) {
      return null;
    }
    rehashStep();
    int h = hash(key);
    Node<V> removed = unlink(table0, h, key);
    if (removed != null) {
      size0--;
    } else if (table1 != null) {
      removed = unlink(table1, h, key);
      if (removed != null) {
        size1--;
      }
    }
    if (removed != null) {
      shrinkIfNeeded();
    }
    return removed;
  }

  private static <V> Node<V> unlink(Node<V>[] table, int h, byte[] key) {
    int i = h & (table.length - 1);
    Node<V> prev = null;
    for (Node<V> n = table[i]; n != null; prev = n, n = n.next) {
      if (Arrays.equals(n.key, key)) {
        if (prev == null) {
          table[i] = n.next;
        } else {
          prev.next = n.next;
        }
        n.next = null;
        return n;
      }
    }
    return null;
  }

  public void clear() {
    table0 = newTable(INITIAL_CAPACITY);
    table1 = null;
    size0 = 0;
    size1 = 0;
    rehashIndex = -1;
    capacity = INITIAL_CAPACITY;
  }

  /**
   * Visits every node. The callback may change values but must not add or remove keys; use
   * {@link #scan} for that.
   */
  public void forEach(Consumer<Node<V>> action) {
    boolean wasAllowed = resizeAllowed;
    resizeAllowed = false;
    try {
      visitTable(table0, action);
      if (table1 != null) {
        visitTable(table1, action);
      }
    } finally {
      resizeAllowed = wasAllowed;
    }
  }

  private static <V> void visitTable(Node<V>[] table, Consumer<Node<V>> action) {
    for (Node<V> head : table) {
      for (Node<V> n = head; n != null; ) {
        Node<V> next = n.next;
        action.accept(n);
        n = next;
      }
    }
  }

  /**
   * One step of a cursor scan (Redis's {@code dictScan}): visits the bucket(s) the cursor names
   * and returns the next cursor, 0 when the scan is complete. Elements present during the whole
   * scan are returned at least once; some may be returned twice after a resize.
   */
  public long scan(long cursor, Consumer<Node<V>> action) {
    if (size() == 0) {
      return 0;
    }
    long v = cursor;
    if (table1 == null) {
      int mask = table0.length - 1;
      visitBucket(table0[(int) (v & mask)], action);
      v = nextCursor(v, mask);
    } else {
      Node<V>[] small = table0.length <= table1.length ? table0 : table1;
      Node<V>[] large = small == table0 ? table1 : table0;
      int smallMask = small.length - 1;
      int largeMask = large.length - 1;
      visitBucket(small[(int) (v & smallMask)], action);
      // Visit every bucket of the larger table that expands from the small table's bucket.
      do {
        visitBucket(large[(int) (v & largeMask)], action);
        v = nextCursor(v, largeMask);
      } while ((v & (largeMask ^ smallMask)) != 0);
    }
    return v;
  }

  private static long nextCursor(long v, int mask) {
    v |= ~(long) mask & 0xffffffffL;
    v = Integer.reverse((int) v) & 0xffffffffL;
    v = (v + 1) & 0xffffffffL;
    v = Integer.reverse((int) v) & 0xffffffffL;
    return v & mask;
  }

  private static <V> void visitBucket(Node<V> head, Consumer<Node<V>> action) {
    for (Node<V> n = head; n != null; ) {
      Node<V> next = n.next;
      action.accept(n);
      n = next;
    }
  }

  /** A uniformly chosen non-empty bucket's random node, as Redis's {@code dictGetFairRandomKey} approximates. */
  public Node<V> randomNode(RandomGenerator random) {
    if (size() == 0) {
      throw new NoSuchElementException("empty dict");
    }
    rehashStep();
    while (true) {
      Node<V> head;
      if (table1 != null) {
        long total = (long) table0.length + table1.length;
        long i = random.nextLong(total);
        head = i < table0.length ? table0[(int) i] : table1[(int) (i - table0.length)];
      } else {
        head = table0[random.nextInt(table0.length)];
      }
      if (head == null) {
        continue;
      }
      int chain = 0;
      for (Node<V> n = head; n != null; n = n.next) {
        chain++;
      }
      int pick = random.nextInt(chain);
      Node<V> n = head;
      while (pick-- > 0) {
        n = n.next;
      }
      return n;
    }
  }

  private void expandIfNeeded() {
    if (table1 != null) {
      return;
    }
    if (size0 >= table0.length && table0.length < MAX_CAPACITY) {
      startRehash(table0.length * 2);
    }
  }

  private void shrinkIfNeeded() {
    if (!resizeAllowed || table1 != null || table0.length <= INITIAL_CAPACITY) {
      return;
    }
    if ((long) size0 * SHRINK_RATIO < table0.length) {
      int capacity = INITIAL_CAPACITY;
      while (capacity < size0) {
        capacity <<= 1;
      }
      startRehash(capacity);
    }
  }

  private void startRehash(int capacity) {
    table1 = newTable(capacity);
    size1 = 0;
    rehashIndex = 0;
    this.capacity = (long) table0.length + capacity;
  }

  /** Moves one bucket (visiting at most {@link #REHASH_EMPTY_VISITS} empty ones) to the new table. */
  private void rehashStep() {
    if (table1 == null || !resizeAllowed) {
      return;
    }
    int emptyVisits = REHASH_EMPTY_VISITS;
    while (rehashIndex < table0.length && table0[rehashIndex] == null) {
      rehashIndex++;
      if (--emptyVisits == 0) {
        return;
      }
    }
    if (rehashIndex < table0.length) {
      int mask = table1.length - 1;
      for (Node<V> n = table0[rehashIndex]; n != null; ) {
        Node<V> next = n.next;
        int i = hash(n.key) & mask;
        n.next = table1[i];
        table1[i] = n;
        size0--;
        size1++;
        n = next;
      }
      table0[rehashIndex] = null;
      rehashIndex++;
    }
    if (size0 == 0) {
      table0 = table1;
      size0 = size1;
      table1 = null;
      size1 = 0;
      rehashIndex = -1;
      capacity = table0.length;
    }
  }

  /** Finishes any rehash in progress at once; for tests and snapshots. */
  public void rehashFully() {
    boolean wasAllowed = resizeAllowed;
    resizeAllowed = true;
    while (table1 != null) {
      rehashStep();
    }
    resizeAllowed = wasAllowed;
  }
}
