package dev.tide.engine.types;

import java.util.Arrays;

/**
 * A list, stored as Redis 7.0 stores it: a doubly linked chain of nodes, each node a packed byte
 * buffer holding many elements (Redis's quicklist of listpacks; OBJECT ENCODING "quicklist").
 *
 * <p><b>Layout of a node.</b> {@code buf[start, end)} holds {@code count} entries back to back.
 * An entry is {@code varint(len) bytes reversedVarint(len)}: the length before the bytes lets a
 * reader walk forward, the length after them (its varint bytes stored last-byte-first) lets a
 * reader walk backward from the node's end, as listpack's back-length does. An element under 128
 * bytes costs its length plus 2 bytes, close to a listpack's overhead; a Java object per element
 * would cost 16 to 24 bytes more. A node has free space before {@code start} and after
 * {@code end}, so pushes at either end of the list write in place; when a side is full the node
 * is re-laid out (or doubled, up to {@link #NODE_MAX_BYTES}) with the free space on that side,
 * which keeps pushes and pops O(1) amortised.
 *
 * <p><b>Costs.</b> Push and pop at both ends: O(1) amortised. Index access (LINDEX, LSET):
 * walks nodes from the nearer end, then entries within one node: O(nodes + node entries), as in
 * Redis. Range reads (LRANGE) hand out slices of the node buffers, so replies copy each element
 * once, straight into the output buffer. {@link #memoryBytes()} is O(1): the heap figure is kept
 * as nodes are allocated, resized and dropped.
 *
 * <p>Not thread-safe; the owning keyspace shard serialises access.
 */
public final class ListValue extends CollectionValue {

  /**
   * Largest node buffer: Redis's default {@code list-max-listpack-size -2} (8 KB per node). An
   * element larger than this gets a node of its own, sized to fit.
   */
  public static final int NODE_MAX_BYTES = 8 * 1024;
  /** First buffer of a new node; it doubles as elements arrive (a short list stays small). */
  static final int NODE_INITIAL_BYTES = 32;
  /** Heap of a {@link Node}: header 12, buf/prev/next references 12, start/end/count 12, padded. */
  static final int NODE_OBJECT_BYTES = 40;
  /** Heap of this object: header 12, head/tail 8, length 8, nodeCount 4, heapBytes 8, accountedBytes 8. */
  static final int LIST_OBJECT_BYTES = 48;

  /** A run of packed entries. */
  static final class Node {
    byte[] buf;
    int start;
    int end;
    int count;
    Node prev;
    Node next;

    Node(byte[] buf, int start, int end, int count) {
      this.buf = buf;
      this.start = start;
      this.end = end;
      this.count = count;
    }

    int used() {
      return end - start;
    }
  }

  /** Receives an element as a slice of a node buffer; valid only during the call. */
  @FunctionalInterface
  public interface ElementVisitor {
    void accept(byte[] buf, int offset, int length);
  }

  private Node head;
  private Node tail;
  private long length;
  private int nodeCount;
  /** Heap held by nodes and their buffers (object + array headers included). */
  private long nodeHeapBytes;

  @Override
  public ValueType type() {
    return ValueType.LIST;
  }

  /** Redis 7.0 reports every list as a quicklist (the small-list listpack came in 7.2). */
  @Override
  public String encoding() {
    return "quicklist";
  }

  @Override
  public long memoryBytes() {
    return LIST_OBJECT_BYTES + nodeHeapBytes;
  }

  @Override
  public int size() {
    return (int) Math.min(Integer.MAX_VALUE, length);
  }

  public long length() {
    return length;
  }

  /** Number of nodes, for tests and diagnostics. */
  int nodeCount() {
    return nodeCount;
  }

  // ---- entry encoding ---------------------------------------------------------------------------

  static int varintSize(int n) {
    if (n < (1 << 7)) {
      return 1;
    }
    if (n < (1 << 14)) {
      return 2;
    }
    if (n < (1 << 21)) {
      return 3;
    }
    if (n < (1 << 28)) {
      return 4;
    }
    return 5;
  }

  static int entrySize(int len) {
    return len + 2 * varintSize(len);
  }

  /** Writes one entry at {@code pos}; returns the position after it. */
  static int writeEntry(byte[] buf, int pos, byte[] src, int srcOff, int len) {
    int vs = varintSize(len);
    int v = len;
    for (int i = 0; i < vs; i++) {
      int b = v & 0x7f;
      v >>>= 7;
      byte out = (byte) (i < vs - 1 ? b | 0x80 : b);
      buf[pos + i] = out;
      // the back length: the same bytes, low group last, so a backward reader meets it first
      buf[pos + vs + len + vs - 1 - i] = out;
    }
    System.arraycopy(src, srcOff, buf, pos + vs, len);
    return pos + len + 2 * vs;
  }

  /** Length of the entry starting at {@code pos}. */
  static int lengthAt(byte[] buf, int pos) {
    int len = 0;
    int shift = 0;
    while (true) {
      int b = buf[pos++];
      len |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return len;
      }
      shift += 7;
    }
  }

  /** Offset of the data of the entry starting at {@code pos}. */
  static int dataAt(byte[] buf, int pos) {
    return pos + varintSize(lengthAt(buf, pos));
  }

  /** Position after the entry starting at {@code pos}. */
  static int nextEntry(byte[] buf, int pos) {
    return pos + entrySize(lengthAt(buf, pos));
  }

  /** Start of the entry that ends at {@code end}. */
  static int prevEntry(byte[] buf, int end) {
    int len = 0;
    int shift = 0;
    int p = end - 1;
    while (true) {
      int b = buf[p];
      len |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      p--;
    }
    return end - entrySize(len);
  }

  // ---- node bookkeeping -------------------------------------------------------------------------

  private static long nodeHeap(int bufLength) {
    return NODE_OBJECT_BYTES + Memory.bytes(bufLength);
  }

  private Node newNode(int capacity) {
    Node n = new Node(new byte[capacity], 0, 0, 0);
    nodeCount++;
    nodeHeapBytes += nodeHeap(capacity);
    return n;
  }

  private void linkAfter(Node prev, Node n) {
    n.prev = prev;
    if (prev == null) {
      n.next = head;
      if (head != null) {
        head.prev = n;
      }
      head = n;
    } else {
      n.next = prev.next;
      if (prev.next != null) {
        prev.next.prev = n;
      }
      prev.next = n;
    }
    if (n.next == null) {
      tail = n;
    }
  }

  private void unlink(Node n) {
    if (n.prev == null) {
      head = n.next;
    } else {
      n.prev.next = n.next;
    }
    if (n.next == null) {
      tail = n.prev;
    } else {
      n.next.prev = n.prev;
    }
    n.prev = null;
    n.next = null;
    nodeCount--;
    nodeHeapBytes -= nodeHeap(n.buf.length);
  }

  /** Replaces a node's buffer, keeping the heap figure right. */
  private void replaceBuffer(Node n, byte[] buf, int start, int end) {
    nodeHeapBytes += Memory.bytes(buf.length) - Memory.bytes(n.buf.length);
    n.buf = buf;
    n.start = start;
    n.end = end;
  }

  /** Growth target when {@code need} more bytes must fit into {@code n}; stays under the node limit. */
  private static int grownCapacity(Node n, int need) {
    int used = n.used() + need;
    if (used <= n.buf.length / 2) {
      return n.buf.length; // plenty of room: just move the data
    }
    return Math.max(used, Math.min(NODE_MAX_BYTES, n.buf.length * 2));
  }

  private static boolean fits(Node n, int need) {
    return n.used() + need <= NODE_MAX_BYTES;
  }

  /**
   * Gives a node that is being left behind (a new node starts beyond it) a buffer of its exact
   * size when more than a quarter of its buffer is free, so full nodes carry little slack.
   */
  private void seal(Node n) {
    int used = n.used();
    if (n.buf.length - used > n.buf.length / 4) {
      replaceBuffer(n, Arrays.copyOfRange(n.buf, n.start, n.end), 0, used);
    }
  }

  // ---- pushes and pops --------------------------------------------------------------------------

  public void pushTail(byte[] e) {
    int need = entrySize(e.length);
    Node t = tail;
    if (t == null || (!fits(t, need) && t.count > 0)) {
      if (t != null) {
        seal(t);
      }
      t = newNode(Math.max(need, Math.min(NODE_MAX_BYTES, NODE_INITIAL_BYTES)));
      linkAfter(tail, t);
    } else if (t.end + need > t.buf.length) {
      int cap = grownCapacity(t, need);
      int used = t.used();
      if (cap == t.buf.length) {
        System.arraycopy(t.buf, t.start, t.buf, 0, used);
        t.start = 0;
        t.end = used;
      } else {
        byte[] nb = new byte[cap];
        System.arraycopy(t.buf, t.start, nb, 0, used);
        replaceBuffer(t, nb, 0, used);
      }
    }
    t.end = writeEntry(t.buf, t.end, e, 0, e.length);
    t.count++;
    length++;
  }

  public void pushHead(byte[] e) {
    int need = entrySize(e.length);
    Node h = head;
    if (h == null || (!fits(h, need) && h.count > 0)) {
      if (h != null) {
        seal(h);
      }
      int cap = Math.max(need, Math.min(NODE_MAX_BYTES, NODE_INITIAL_BYTES));
      h = newNode(cap);
      h.start = cap;
      h.end = cap;
      linkAfter(null, h);
    } else if (h.start < need) {
      int cap = grownCapacity(h, need);
      int used = h.used();
      if (cap == h.buf.length) {
        System.arraycopy(h.buf, h.start, h.buf, cap - used, used);
      } else {
        byte[] nb = new byte[cap];
        System.arraycopy(h.buf, h.start, nb, cap - used, used);
        replaceBuffer(h, nb, cap - used, cap);
      }
      h.start = cap - used;
      h.end = cap;
    }
    h.start -= need;
    writeEntry(h.buf, h.start, e, 0, e.length);
    h.count++;
    length++;
  }

  public void push(byte[] e, boolean atHead) {
    if (atHead) {
      pushHead(e);
    } else {
      pushTail(e);
    }
  }

  /** Removes and returns the first element, or null when empty. */
  public byte[] popHead() {
    Node h = head;
    if (h == null) {
      return null;
    }
    int len = lengthAt(h.buf, h.start);
    int data = h.start + varintSize(len);
    byte[] out = Arrays.copyOfRange(h.buf, data, data + len);
    h.start = data + len + varintSize(len);
    removedFrom(h, 1);
    return out;
  }

  /** Removes and returns the last element, or null when empty. */
  public byte[] popTail() {
    Node t = tail;
    if (t == null) {
      return null;
    }
    int s = prevEntry(t.buf, t.end);
    int len = lengthAt(t.buf, s);
    int data = s + varintSize(len);
    byte[] out = Arrays.copyOfRange(t.buf, data, data + len);
    t.end = s;
    removedFrom(t, 1);
    return out;
  }

  public byte[] pop(boolean atHead) {
    return atHead ? popHead() : popTail();
  }

  private void removedFrom(Node n, int entries) {
    n.count -= entries;
    length -= entries;
    if (n.count == 0) {
      unlink(n);
    }
  }

  // ---- positional access ------------------------------------------------------------------------

  /** A position: a node and the offset of an entry in it. */
  private record Position(Node node, int offset) {
  }

  /** The entry at a 0-based index in {@code [0, length)}. */
  private Position locate(long index) {
    if (index < length / 2) {
      long skip = index;
      Node n = head;
      while (skip >= n.count) {
        skip -= n.count;
        n = n.next;
      }
      return new Position(n, seekInNode(n, (int) skip));
    }
    long skip = length - 1 - index; // entries to skip from the tail
    Node n = tail;
    while (skip >= n.count) {
      skip -= n.count;
      n = n.prev;
    }
    return new Position(n, seekInNode(n, n.count - 1 - (int) skip));
  }

  /** Offset of the i-th entry of a node, walking from the nearer end of the node. */
  private static int seekInNode(Node n, int i) {
    if (i <= n.count / 2) {
      int p = n.start;
      for (int k = 0; k < i; k++) {
        p = nextEntry(n.buf, p);
      }
      return p;
    }
    int p = n.end;
    for (int k = n.count; k > i; k--) {
      p = prevEntry(n.buf, p);
    }
    return p;
  }

  /** A copy of the element at {@code index} (negative counts from the tail), or null when out of range. */
  public byte[] get(long index) {
    if (index < 0) {
      index += length;
    }
    if (index < 0 || index >= length) {
      return null;
    }
    Position p = locate(index);
    byte[] buf = p.node.buf;
    int len = lengthAt(buf, p.offset);
    int data = p.offset + varintSize(len);
    return Arrays.copyOfRange(buf, data, data + len);
  }

  /** Replaces the element at {@code index} (negative counts from the tail); false when out of range. */
  public boolean set(long index, byte[] value) {
    if (index < 0) {
      index += length;
    }
    if (index < 0 || index >= length) {
      return false;
    }
    Position p = locate(index);
    Node n = p.node;
    int oldEnd = nextEntry(n.buf, p.offset);
    splice(n, p.offset, oldEnd, 0, value); // one entry replaced by one
    return true;
  }

  /**
   * Replaces {@code buf[from, to)} of a node with the entry {@code insert} (null: nothing),
   * changing its entry count by {@code entryDelta}, giving the node an exact-size buffer, then
   * splits it if it grew past the node limit.
   */
  private void splice(Node n, int from, int to, int entryDelta, byte[] insert) {
    int insertSize = insert == null ? 0 : entrySize(insert.length);
    int newUsed = n.used() - (to - from) + insertSize;
    byte[] nb = new byte[newUsed];
    int head = from - n.start;
    System.arraycopy(n.buf, n.start, nb, 0, head);
    int pos = head;
    if (insert != null) {
      pos = writeEntry(nb, pos, insert, 0, insert.length);
    }
    System.arraycopy(n.buf, to, nb, pos, n.end - to);
    replaceBuffer(n, nb, 0, newUsed);
    n.count += entryDelta;
    if (newUsed > NODE_MAX_BYTES && n.count > 1) {
      split(n);
    }
  }

  /** Splits an over-full node into two near its middle byte. */
  private void split(Node n) {
    int half = n.used() / 2;
    int p = n.start;
    int k = 0;
    while (k < n.count - 1) {
      int next = nextEntry(n.buf, p);
      k++;
      p = next;
      if (p - n.start >= half) {
        break;
      }
    }
    Node right = newNode(n.end - p);
    System.arraycopy(n.buf, p, right.buf, 0, n.end - p);
    right.end = n.end - p;
    right.count = n.count - k;
    replaceBuffer(n, Arrays.copyOfRange(n.buf, n.start, p), 0, p - n.start);
    n.count = k;
    linkAfter(n, right);
  }

  // ---- bulk operations --------------------------------------------------------------------------

  /**
   * Visits the elements with indexes {@code from..to} (inclusive, already clamped to the list,
   * {@code from <= to}) in order.
   */
  public void forEach(long from, long to, ElementVisitor visitor) {
    if (from > to || from < 0 || to >= length) {
      throw new IndexOutOfBoundsException(from + ".." + to + " of " + length);
    }
    Position start = locate(from);
    Node n = start.node;
    int p = start.offset;
    for (long remaining = to - from + 1; remaining > 0; remaining--) {
      if (p >= n.end) {
        n = n.next;
        p = n.start;
      }
      int len = lengthAt(n.buf, p);
      int data = p + varintSize(len);
      visitor.accept(n.buf, data, len);
      p = data + len + varintSize(len);
    }
  }

  /** An iterator from either end that can compare entries without copying them. */
  public final class Cursor {
    private final boolean fromTail;
    private Node node;
    private int pos; // start of the current entry
    private int dataOff;
    private int dataLen;
    private boolean started;

    private Cursor(boolean fromTail) {
      this.fromTail = fromTail;
    }

    /** Moves to the next element (the first on the first call); false at the end. */
    public boolean next() {
      if (!started) {
        started = true;
        node = fromTail ? tail : head;
        if (node == null) {
          return false;
        }
        pos = fromTail ? prevEntry(node.buf, node.end) : node.start;
      } else if (node == null) {
        return false;
      } else if (fromTail) {
        if (pos == node.start) {
          node = node.prev;
          if (node == null) {
            return false;
          }
          pos = prevEntry(node.buf, node.end);
        } else {
          pos = prevEntry(node.buf, pos);
        }
      } else {
        int after = nextEntry(node.buf, pos);
        if (after >= node.end) {
          node = node.next;
          if (node == null) {
            return false;
          }
          pos = node.start;
        } else {
          pos = after;
        }
      }
      dataLen = lengthAt(node.buf, pos);
      dataOff = pos + varintSize(dataLen);
      return true;
    }

    public boolean currentEquals(byte[] value) {
      return Arrays.equals(node.buf, dataOff, dataOff + dataLen, value, 0, value.length);
    }

    public byte[] current() {
      return Arrays.copyOfRange(node.buf, dataOff, dataOff + dataLen);
    }
  }

  /** A cursor from the head ({@code fromTail} false) or the tail. */
  public Cursor cursor(boolean fromTail) {
    return new Cursor(fromTail);
  }

  /**
   * Inserts {@code value} before or after the first element equal to {@code pivot} (searching
   * from the head). Returns false when there is no such element.
   */
  public boolean insert(byte[] pivot, byte[] value, boolean after) {
    for (Node n = head; n != null; n = n.next) {
      for (int p = n.start; p < n.end; p = nextEntry(n.buf, p)) {
        int len = lengthAt(n.buf, p);
        int data = p + varintSize(len);
        if (Arrays.equals(n.buf, data, data + len, pivot, 0, pivot.length)) {
          int at = after ? data + len + varintSize(len) : p;
          splice(n, at, at, 1, value);
          length++;
          return true;
        }
      }
    }
    return false;
  }

  /**
   * LREM: removes elements equal to {@code value}: the first {@code count} from the head when
   * positive, from the tail when negative, all when 0. Returns how many were removed.
   */
  public long remove(byte[] value, long count) {
    boolean fromTail = count < 0;
    long limit = fromTail ? -count : count; // Long.MIN_VALUE stays negative: no limit, as in Redis
    long removed = 0;
    int[] marks = new int[16];
    for (Node n = fromTail ? tail : head; n != null; ) {
      Node following = fromTail ? n.prev : n.next;
      int marked = 0;
      if (fromTail) {
        for (int end = n.end; end > n.start && (limit == 0 || removed != limit); ) {
          int s = prevEntry(n.buf, end);
          if (entryEquals(n.buf, s, value)) {
            marks = mark(marks, marked++, s);
            removed++;
          }
          end = s;
        }
      } else {
        for (int p = n.start; p < n.end && (limit == 0 || removed != limit); p = nextEntry(n.buf, p)) {
          if (entryEquals(n.buf, p, value)) {
            marks = mark(marks, marked++, p);
            removed++;
          }
        }
      }
      if (marked > 0) {
        removeEntries(n, marks, marked);
      }
      if (limit != 0 && removed == limit) {
        break;
      }
      n = following;
    }
    return removed;
  }

  private static int[] mark(int[] marks, int i, int offset) {
    if (i == marks.length) {
      marks = Arrays.copyOf(marks, marks.length * 2);
    }
    marks[i] = offset;
    return marks;
  }

  private static boolean entryEquals(byte[] buf, int pos, byte[] value) {
    int len = lengthAt(buf, pos);
    if (len != value.length) {
      return false;
    }
    int data = pos + varintSize(len);
    return Arrays.equals(buf, data, data + len, value, 0, len);
  }

  /** Drops the entries starting at the given offsets (any order) from a node. */
  private void removeEntries(Node n, int[] offsets, int k) {
    Arrays.sort(offsets, 0, k);
    length -= k;
    if (k == n.count) {
      unlink(n);
      return;
    }
    int removedBytes = 0;
    for (int i = 0; i < k; i++) {
      removedBytes += entrySize(lengthAt(n.buf, offsets[i]));
    }
    byte[] nb = new byte[n.used() - removedBytes];
    int out = 0;
    int from = n.start;
    for (int i = 0; i < k; i++) {
      int s = offsets[i];
      System.arraycopy(n.buf, from, nb, out, s - from);
      out += s - from;
      from = nextEntry(n.buf, s);
    }
    System.arraycopy(n.buf, from, nb, out, n.end - from);
    out += n.end - from;
    replaceBuffer(n, nb, 0, out);
    n.count -= k;
  }

  /** Removes {@code k} elements from the head (k at most the length). */
  public void trimHead(long k) {
    while (k > 0) {
      Node h = head;
      if (k >= h.count) {
        k -= h.count;
        length -= h.count;
        unlink(h);
      } else {
        int p = h.start;
        for (int i = 0; i < k; i++) {
          p = nextEntry(h.buf, p);
        }
        h.start = p;
        removedFrom(h, (int) k);
        compactIfSparse(h);
        k = 0;
      }
    }
  }

  /** Removes {@code k} elements from the tail (k at most the length). */
  public void trimTail(long k) {
    while (k > 0) {
      Node t = tail;
      if (k >= t.count) {
        k -= t.count;
        length -= t.count;
        unlink(t);
      } else {
        int p = t.end;
        for (int i = 0; i < k; i++) {
          p = prevEntry(t.buf, p);
        }
        t.end = p;
        removedFrom(t, (int) k);
        compactIfSparse(t);
        k = 0;
      }
    }
  }

  /** After a bulk removal, gives back a buffer that is mostly empty. */
  private void compactIfSparse(Node n) {
    if (n.used() < n.buf.length / 4) {
      replaceBuffer(n, Arrays.copyOfRange(n.buf, n.start, n.end), 0, n.used());
    }
  }

  /** A deep copy: the same elements, no shared buffers. */
  @Override
  public ListValue copy() {
    ListValue c = new ListValue();
    for (Node n = head; n != null; n = n.next) {
      Node m = c.newNode(n.used());
      System.arraycopy(n.buf, n.start, m.buf, 0, n.used());
      m.end = n.used();
      m.count = n.count;
      c.linkAfter(c.tail, m);
    }
    c.length = length;
    return c;
  }

  /** Checks the internal invariants (counts, links, entry framing, heap figure); for tests. */
  void checkInvariants() {
    long total = 0;
    int nodes = 0;
    long heap = 0;
    Node prev = null;
    for (Node n = head; n != null; prev = n, n = n.next) {
      if (n.prev != prev) {
        throw new IllegalStateException("broken prev link");
      }
      if (n.count <= 0) {
        throw new IllegalStateException("empty node kept");
      }
      int k = 0;
      int p = n.start;
      while (p < n.end) {
        p = nextEntry(n.buf, p);
        k++;
      }
      if (p != n.end || k != n.count) {
        throw new IllegalStateException("node framing: " + k + " entries, count " + n.count);
      }
      int q = n.end;
      int back = 0;
      while (q > n.start) {
        q = prevEntry(n.buf, q);
        back++;
      }
      if (q != n.start || back != n.count) {
        throw new IllegalStateException("node back framing");
      }
      total += n.count;
      nodes++;
      heap += nodeHeap(n.buf.length);
    }
    if (prev != tail || total != length || nodes != nodeCount || heap != nodeHeapBytes) {
      throw new IllegalStateException("list totals: length " + length + " counted " + total + ", nodes "
          + nodeCount + " counted " + nodes + ", heap " + nodeHeapBytes + " counted " + heap);
    }
  }
}
