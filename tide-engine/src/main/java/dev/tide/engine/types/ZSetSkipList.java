package dev.tide.engine.types;

import dev.tide.engine.dict.ByteDict;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The large form of a sorted set (Redis's skiplist encoding): a skiplist ordered by
 * {@code (score, member bytes)} whose links carry spans (how many nodes a link jumps), so rank
 * queries, rank lookups and range boundaries are O(log n); plus a {@link ByteDict} from member
 * to node for O(1) ZSCORE and for ZSCAN's cursor.
 *
 * <p><b>Memory.</b> A node keeps its level-0 link in a field and only nodes of level 2 or more
 * (a quarter of them, with p = 1/4) carry arrays for their upper links and spans; the level-0
 * span is always 1 and is not stored. The dict's key and the node share the member array, and
 * the dict's value is the node itself, so a score is stored once. Per member this comes to about
 * 110 bytes plus the member, near what Redis spends on a skiplist node, its sds and a dict entry.
 */
final class ZSetSkipList {

  /** Levels of the header, as Redis's {@code ZSKIPLIST_MAXLEVEL}: enough for 4^32 elements. */
  static final int MAX_LEVEL = 32;
  /** A node reaches each next level with probability 1/4 (Redis's {@code ZSKIPLIST_P}). */
  private static final int LEVEL_UP_ONE_IN = 4;

  /** Heap of a node object: header 12, member/backward/next0/up/upSpan references 20, score 8. */
  static final int NODE_OBJECT_BYTES = 40;
  /**
   * Heap of this object (header, 6 fields: 32), its header node with its 31 upper links and
   * spans, and the dict object with its smallest table (about 48).
   */
  static final long FIXED_BYTES = 32 + NODE_OBJECT_BYTES
      + 2 * Memory.align(Memory.ARRAY_HEADER + 4L * (MAX_LEVEL - 1)) + 48;

  static final class Node {
    final byte[] member;
    double score;
    Node backward;
    Node next0;
    /** Links of levels 1.. (null for a level-1 node). */
    Node[] up;
    /** Spans of levels 1.. (the level-0 span is 1). */
    int[] upSpan;

    Node(byte[] member, double score, int level) {
      this.member = member;
      this.score = score;
      if (level > 1) {
        up = new Node[level - 1];
        upSpan = new int[level - 1];
      }
    }

    int level() {
      return up == null ? 1 : up.length + 1;
    }

    Node forward(int i) {
      return i == 0 ? next0 : up[i - 1];
    }

    void setForward(int i, Node n) {
      if (i == 0) {
        next0 = n;
      } else {
        up[i - 1] = n;
      }
    }

    int span(int i) {
      return i == 0 ? 1 : upSpan[i - 1];
    }

    void setSpan(int i, int span) {
      if (i > 0) {
        upSpan[i - 1] = span;
      }
    }
  }

  private final Node header = new Node(null, 0, MAX_LEVEL);
  private Node tail;
  private int length;
  private int level = 1;
  final ByteDict<Node> dict = new ByteDict<>();
  /** Heap of nodes, their members and dict entries (dict buckets are added in {@link #memoryBytes}). */
  private long nodeBytes;

  int length() {
    return length;
  }

  long memoryBytes() {
    return FIXED_BYTES + nodeBytes + dict.capacity() * Memory.REFERENCE;
  }

  private static long nodeHeap(Node n) {
    long b = NODE_OBJECT_BYTES + Memory.bytes(n.member) + Memory.DICT_NODE;
    if (n.up != null) {
      b += 2 * Memory.align(Memory.ARRAY_HEADER + 4L * n.up.length);
    }
    return b;
  }

  private static int randomLevel() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int lvl = 1;
    while (lvl < MAX_LEVEL && r.nextInt(LEVEL_UP_ONE_IN) == 0) {
      lvl++;
    }
    return lvl;
  }

  /** True when node {@code n} sorts before {@code (score, member)}. */
  private static boolean before(Node n, double score, byte[] member) {
    return n.score < score || (n.score == score && Arrays.compareUnsigned(n.member, member) < 0);
  }

  /** Score of a member, or NaN when absent. */
  double score(byte[] member) {
    Node n = dict.get(member);
    return n == null ? Double.NaN : n.score;
  }

  /** Inserts a member known to be absent. */
  void insert(byte[] member, double score) {
    Node n = insertNode(member, score);
    dict.insertNew(member, n);
    nodeBytes += nodeHeap(n);
  }

  private Node insertNode(byte[] member, double score) {
    Node[] update = new Node[MAX_LEVEL];
    int[] rank = new int[MAX_LEVEL];
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      rank[i] = i == level - 1 ? 0 : rank[i + 1];
      while (x.forward(i) != null && before(x.forward(i), score, member)) {
        rank[i] += x.span(i);
        x = x.forward(i);
      }
      update[i] = x;
    }
    int lvl = randomLevel();
    if (lvl > level) {
      for (int i = level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = header;
        header.setSpan(i, length);
      }
      level = lvl;
    }
    Node n = new Node(member, score, lvl);
    for (int i = 0; i < lvl; i++) {
      n.setForward(i, update[i].forward(i));
      update[i].setForward(i, n);
      if (i > 0) {
        n.setSpan(i, update[i].span(i) - (rank[0] - rank[i]));
        update[i].setSpan(i, rank[0] - rank[i] + 1);
      }
    }
    for (int i = lvl; i < level; i++) {
      update[i].setSpan(i, update[i].span(i) + 1);
    }
    n.backward = update[0] == header ? null : update[0];
    if (n.next0 != null) {
      n.next0.backward = n;
    } else {
      tail = n;
    }
    length++;
    return n;
  }

  /** Removes a member; false when absent. */
  boolean remove(byte[] member) {
    ByteDict.Node<Node> d = dict.remove(member);
    if (d == null) {
      return false;
    }
    Node n = d.value();
    unlinkNode(n);
    nodeBytes -= nodeHeap(n);
    return true;
  }

  private void unlinkNode(Node target) {
    Node[] update = new Node[MAX_LEVEL];
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward(i) != null && x.forward(i) != target && before(x.forward(i), target.score, target.member)) {
        x = x.forward(i);
      }
      update[i] = x;
    }
    if (update[0].next0 != target) {
      throw new IllegalStateException("skiplist node not found where its score says");
    }
    for (int i = 0; i < level; i++) {
      if (update[i].forward(i) == target) {
        update[i].setSpan(i, update[i].span(i) + target.span(i) - 1);
        update[i].setForward(i, target.forward(i));
      } else {
        update[i].setSpan(i, update[i].span(i) - 1);
      }
    }
    if (target.next0 != null) {
      target.next0.backward = target.backward;
    } else {
      tail = target.backward;
    }
    while (level > 1 && header.forward(level - 1) == null) {
      level--;
    }
    length--;
  }

  /** Changes the score of a present member. */
  void updateScore(byte[] member, double newScore) {
    ByteDict.Node<Node> d = dict.getNode(member);
    Node n = d.value();
    // stays in place when still strictly between its neighbours (Redis's zslUpdateScore shortcut)
    if ((n.backward == null || n.backward.score < newScore) && (n.next0 == null || n.next0.score > newScore)) {
      n.score = newScore;
      return;
    }
    unlinkNode(n);
    long before = nodeHeap(n);
    Node fresh = insertNode(n.member, newScore);
    d.setValue(fresh);
    nodeBytes += nodeHeap(fresh) - before;
  }

  /** How many leading nodes satisfy {@code pred}, which must hold for a prefix of the order. */
  long countWhile(SortedSetValue.EntryPredicate pred) {
    long rank = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward(i) != null) {
        Node f = x.forward(i);
        if (!pred.test(f.member, 0, f.member.length, f.score)) {
          break;
        }
        rank += x.span(i);
        x = f;
      }
    }
    return rank;
  }

  /** How many consecutive nodes from rank {@code from} (in range) satisfy {@code pred}. */
  long countFrom(long from, SortedSetValue.EntryPredicate pred) {
    long n = 0;
    for (Node x = nodeAt(from); x != null && pred.test(x.member, 0, x.member.length, x.score); x = x.next0) {
      n++;
    }
    return n;
  }

  /** 0-based rank of a present member. */
  long rank(byte[] member) {
    Node n = dict.get(member);
    if (n == null) {
      return -1;
    }
    double score = n.score;
    return countWhile((b, off, len, s) -> s < score
        || (s == score && Arrays.compareUnsigned(b, off, off + len, member, 0, member.length) <= 0)) - 1;
  }

  /** The node at 0-based {@code rank} (in range). */
  Node nodeAt(long rank) {
    long target = rank + 1;
    long traversed = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward(i) != null && traversed + x.span(i) <= target) {
        traversed += x.span(i);
        x = x.forward(i);
      }
      if (traversed == target) {
        return x;
      }
    }
    throw new IllegalStateException("rank " + rank + " not in skiplist of " + length);
  }

  void visit(long from, long to, boolean reverse, SortedSetValue.EntryVisitor visitor) {
    long n = to - from + 1;
    Node x = nodeAt(reverse ? to : from);
    for (long i = 0; i < n; i++) {
      visitor.accept(x.member, 0, x.member.length, x.score);
      x = reverse ? x.backward : x.next0;
    }
  }

  void removeRange(long from, long to) {
    Node x = nodeAt(from);
    for (long i = from; i <= to; i++) {
      Node next = x.next0;
      remove(x.member);
      x = next;
    }
  }

  /** One ZSCAN step over the dict. */
  long scan(long cursor, SortedSetValue.EntryVisitor visitor) {
    return dict.scan(cursor, d -> visitor.accept(d.key(), 0, d.key().length, d.value().score));
  }

  ZSetSkipList copy() {
    ZSetSkipList c = new ZSetSkipList();
    for (Node x = header.next0; x != null; x = x.next0) {
      c.insert(x.member, x.score);
    }
    return c;
  }

  /** Checks order, spans, backward links, the dict and the heap figure; for tests. */
  void checkInvariants() {
    int n = 0;
    long heap = 0;
    Node prev = null;
    for (Node x = header.next0; x != null; x = x.next0) {
      if (x.backward != prev) {
        throw new IllegalStateException("backward link");
      }
      if (prev != null && !before(prev, x.score, x.member)) {
        throw new IllegalStateException("order");
      }
      if (dict.get(x.member) != x) {
        throw new IllegalStateException("dict does not point at node");
      }
      heap += nodeHeap(x);
      prev = x;
      n++;
    }
    if (prev != tail || n != length || dict.size() != length || heap != nodeBytes) {
      throw new IllegalStateException("skiplist totals");
    }
    // every span must equal the distance its link jumps
    for (int i = 1; i < level; i++) {
      Node x = header;
      while (x.forward(i) != null) {
        Node target = x.forward(i);
        long dist = 0;
        for (Node y = x; y != target; y = y.next0) {
          dist++;
          if (y == null) {
            throw new IllegalStateException("level link not reachable");
          }
        }
        if (dist != x.span(i)) {
          throw new IllegalStateException("span at level " + i + " is " + x.span(i) + ", distance " + dist);
        }
        x = target;
      }
    }
    for (int i = level; i < MAX_LEVEL; i++) {
      if (header.forward(i) != null) {
        throw new IllegalStateException("link above level");
      }
    }
  }
}
