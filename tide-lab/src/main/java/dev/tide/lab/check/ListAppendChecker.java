package dev.tide.lab.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * List-append histories (Jepsen's list-append, which its Redis tests use): transactions of
 * micro-operations {@code ["append", k, v]} (RPUSH) and {@code ["r", k, elements]} (LRANGE 0 -1),
 * every appended value unique per key. A transaction of one micro-operation is a plain command.
 *
 * <p>Because lists only grow by appends, every read of a key must be a prefix of one order of
 * its elements; the longest read gives that order (the key's version order). Checks:
 * <ul>
 *   <li><b>duplicate</b>: an element twice in one read;</li>
 *   <li><b>phantom</b>: an element no client appended; <b>aborted-read</b> (G1a): an element whose
 *       append definitely failed;</li>
 *   <li><b>incompatible-order</b>: two reads that are not prefixes of one order (reordered or
 *       diverged lists);</li>
 *   <li><b>lost-write</b>: an element acknowledged (or already seen by a read) and missing from a
 *       read that began afterwards — reported by value with the append and the reads around it;</li>
 *   <li><b>realtime-order</b>: an element ordered before one whose append had been acknowledged
 *       before the first was even sent;</li>
 *   <li><b>dependency cycles</b>, as Elle infers them: write-write edges between consecutive
 *       appends of the version order, write-read edges from the append of a read's last element to
 *       the reader, read-write (anti-dependency) edges from a reader to the append of the next
 *       element it did not see; then real-time edges (A completed before B began). A cycle of
 *       write-write edges only is G0, with write-read edges G1c, with one anti-dependency
 *       G-single, with more G2; "-realtime" when the cycle needs a real-time edge (a violation of
 *       strict serializability but not of serializability). Cycles are found as strongly
 *       connected components (Tarjan) and one shortest cycle per component is reported.</li>
 * </ul>
 */
public final class ListAppendChecker {

  public static final String WORKLOAD = "list";
  /** Cycles reported (one per strongly connected component). */
  static final int MAX_CYCLES = 10;
  /** Steps between looks at the budget's clock. */
  static final int CLOCK_EVERY_STEPS = 1 << 12;

  private ListAppendChecker() {
  }

  /** A read micro-operation that completed. */
  record Read(Op op, String key, List<Long> elements) {
  }

  public static CheckResult check(List<Op> history, Budget budget) {
    List<Op> ops = history.stream().filter(o -> WORKLOAD.equals(o.workload())).toList();
    if (ops.isEmpty()) {
      return CheckResult.skipped(WORKLOAD, "no list-append operations in the history");
    }
    CheckResult.Builder out = new CheckResult.Builder(WORKLOAD, ops);
    Map<String, Map<Long, Op>> appends = new TreeMap<>();
    Map<String, List<Read>> reads = new TreeMap<>();
    for (Op op : ops) {
      List<Object> mops = op.ok() && op.result() != null ? op.resultList() : op.valueList();
      for (Object o : mops) {
        List<?> m = (List<?>) o;
        String f = (String) m.get(0);
        String key = (String) m.get(1);
        if (f.equals("append")) {
          appends.computeIfAbsent(key, k -> new HashMap<>()).put((Long) m.get(2), op);
        } else if (f.equals("r")) {
          if (op.ok()) {
            @SuppressWarnings("unchecked")
            List<Long> els = m.get(2) == null ? List.of() : (List<Long>) m.get(2);
            reads.computeIfAbsent(key, k -> new ArrayList<>()).add(new Read(op, key, els));
          }
        } else {
          throw new IllegalArgumentException("list op " + op.id() + " has unknown micro-operation '" + f
              + "' (append, r)");
        }
      }
    }
    Set<String> keys = new java.util.TreeSet<>(appends.keySet());
    keys.addAll(reads.keySet());
    Map<String, List<Long>> versionOrders = new HashMap<>();
    for (String key : keys) {
      Map<Long, Op> app = appends.getOrDefault(key, Map.of());
      List<Read> rs = reads.getOrDefault(key, List.of());
      versionOrders.put(key, checkKey(key, app, rs, out));
    }
    if (budget.spent()) {
      out.incomplete("list-append: time budget spent before the dependency graph was searched");
      return out.build();
    }
    cycles(ops, appends, reads, versionOrders, budget, out);
    return out.build();
  }

  /** The per-key element checks; returns the key's version order (its longest read). */
  static List<Long> checkKey(String key, Map<Long, Op> app, List<Read> rs, CheckResult.Builder out) {
    List<Long> longest = List.of();
    Read longestRead = null;
    for (Read r : rs) {
      if (r.elements.size() > longest.size()) {
        longest = r.elements;
        longestRead = r;
      }
    }
    Map<Long, Integer> index = new HashMap<>();
    for (int i = 0; i < longest.size(); i++) {
      index.putIfAbsent(longest.get(i), i);
    }
    Set<Long> reportedPhantoms = new HashSet<>();
    for (Read r : rs) {
      Set<Long> seen = new HashSet<>();
      for (Long e : r.elements) {
        if (!seen.add(e)) {
          Op a = app.get(e);
          out.add("duplicate", key, "element " + e + " appears twice in one read", null,
              a == null ? List.of(r.op) : List.of(a, r.op));
        }
        Op a = app.get(e);
        if (a == null && reportedPhantoms.add(e)) {
          out.add("phantom", key, "element " + e + " was read but no client appended it", null, List.of(r.op));
        } else if (a != null && a.outcome() == Outcome.FAIL && reportedPhantoms.add(e)) {
          out.add("aborted-read", key, "element " + e + " was read although its append failed (G1a)", null,
              List.of(a, r.op));
        }
      }
      if (!isPrefix(r.elements, longest)) {
        int at = firstDifference(r.elements, longest);
        out.add("incompatible-order", key, "two reads disagree at position " + at + ": " + elementAt(r.elements, at)
            + " vs " + elementAt(longest, at) + " (lists only grow by appends, so one must be a prefix of the other)",
            null, List.of(r.op, longestRead.op));
      }
    }
    lost(key, app, rs, index, out);
    realtimeOrder(key, app, longest, out);
    return longest;
  }

  private static String elementAt(List<Long> l, int i) {
    return i < l.size() ? l.get(i).toString() : "(end)";
  }

  static boolean isPrefix(List<Long> a, List<Long> b) {
    if (a.size() > b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static int firstDifference(List<Long> a, List<Long> b) {
    int i = 0;
    while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
      i++;
    }
    return i;
  }

  /**
   * An element must be in every read that began after it was acknowledged, or after a read that
   * returned it completed. The first read breaking that is reported, with the append and the last
   * read that still had it.
   */
  static void lost(String key, Map<Long, Op> app, List<Read> rs, Map<Long, Integer> index, CheckResult.Builder out) {
    List<Read> byInvoke = new ArrayList<>(rs);
    byInvoke.sort(Comparator.comparingLong(r -> r.op.invokeNs()));
    // Each element: the earliest time after which it must be visible.
    Map<Long, Long> mustFrom = new HashMap<>();
    for (Map.Entry<Long, Op> e : app.entrySet()) {
      if (e.getValue().ok()) {
        mustFrom.put(e.getKey(), e.getValue().completeNs());
      }
    }
    Map<Long, Read> firstSeenBy = new HashMap<>();
    for (Read r : rs) {
      for (Long e : r.elements) {
        mustFrom.merge(e, r.op.completeNs(), Math::min);
        Read prev = firstSeenBy.get(e);
        if (prev == null || r.op.completeNs() < prev.op.completeNs()) {
          firstSeenBy.put(e, r);
        }
      }
    }
    List<Map.Entry<Long, Long>> elements = new ArrayList<>(mustFrom.entrySet());
    elements.sort(Map.Entry.comparingByKey());
    for (Map.Entry<Long, Long> e : elements) {
      long element = e.getKey();
      long from = e.getValue();
      Read lastWith = null;
      for (Read r : byInvoke) {
        boolean has = contains(r.elements, element, index);
        if (r.op.invokeNs() > from && !has) {
          Op a = app.get(element);
          List<Op> around = new ArrayList<>();
          if (a != null) {
            around.add(a);
          }
          if (lastWith != null) {
            around.add(lastWith.op);
          } else if (firstSeenBy.containsKey(element)) {
            around.add(firstSeenBy.get(element).op);
          }
          around.add(r.op);
          String why = a != null && a.ok() ? "acknowledged append of " + element
              : "append of " + element + " (outcome " + (a == null ? "unrecorded" : a.outcome().json())
              + ", but a read had returned it)";
          out.add("lost-write", key, why + " is missing from a read that began after it"
              + (a != null && a.ok() ? " was acknowledged" : ""), element, around);
          break;
        }
        if (has) {
          lastWith = r;
        }
      }
    }
  }

  private static boolean contains(List<Long> read, long element, Map<Long, Integer> index) {
    Integer i = index.get(element);
    if (i != null && i < read.size() && read.get(i) == element) {
      return true;
    }
    return read.contains(element); // reads that are not prefixes of the order (already reported)
  }

  /** An element placed before one whose append was acknowledged before the first was even sent. */
  static void realtimeOrder(String key, Map<Long, Op> app, List<Long> order, CheckResult.Builder out) {
    long maxInvoke = Long.MIN_VALUE;
    Op latest = null;
    for (Long e : order) {
      Op a = app.get(e);
      if (a == null) {
        continue;
      }
      if (a.ok() && latest != null && maxInvoke > a.completeNs()) {
        out.add("realtime-order", key, "element " + e + " is ordered after an element whose append began only after "
            + e + " was acknowledged", null, List.of(a, latest));
      }
      if (a.invokeNs() > maxInvoke) {
        maxInvoke = a.invokeNs();
        latest = a;
      }
    }
  }

  // ---------------------------------------------------------------- dependency graph

  /** Edge kinds, weakest first: a cycle is classified by the kinds it needs. */
  enum Dep {
    WW, WR, RW, RT
  }

  /** Adjacency: for each node, its successors and the kind of each edge (the weakest kind kept). */
  static final class Graph {
    final List<Map<Integer, Dep>> succ = new ArrayList<>();

    Graph(int n) {
      for (int i = 0; i < n; i++) {
        succ.add(new LinkedHashMap<>());
      }
    }

    void add(int from, int to, Dep d) {
      if (from == to) {
        return;
      }
      succ.get(from).merge(to, d, (a, b) -> a.ordinal() <= b.ordinal() ? a : b);
    }
  }

  static void cycles(List<Op> ops, Map<String, Map<Long, Op>> appends, Map<String, List<Read>> reads,
                     Map<String, List<Long>> orders, Budget budget, CheckResult.Builder out) {
    // Nodes: transactions that took effect or may have (unknown); failed ones did nothing.
    List<Op> nodes = ops.stream().filter(o -> o.outcome() != Outcome.FAIL).toList();
    Map<Op, Integer> id = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      id.put(nodes.get(i), i);
    }
    Graph g = new Graph(nodes.size());
    for (Map.Entry<String, List<Long>> e : orders.entrySet()) {
      String key = e.getKey();
      List<Long> order = e.getValue();
      Map<Long, Op> app = appends.getOrDefault(key, Map.of());
      for (int i = 0; i + 1 < order.size(); i++) {
        Op a = app.get(order.get(i));
        Op b = app.get(order.get(i + 1));
        if (a != null && b != null && id.containsKey(a) && id.containsKey(b)) {
          g.add(id.get(a), id.get(b), Dep.WW);
        }
      }
      for (Read r : reads.getOrDefault(key, List.of())) {
        if (!isPrefix(r.elements, order)) {
          continue; // already an anomaly; its edges would be meaningless
        }
        Integer reader = id.get(r.op);
        if (!r.elements.isEmpty()) {
          Op w = app.get(r.elements.get(r.elements.size() - 1));
          if (w != null && id.containsKey(w) && w != r.op) {
            g.add(id.get(w), reader, Dep.WR);
          }
        }
        if (r.elements.size() < order.size()) {
          Op next = app.get(order.get(r.elements.size()));
          if (next != null && id.containsKey(next)) {
            g.add(reader, id.get(next), Dep.RW);
          }
        }
      }
    }
    int found = searchCycles(g, nodes, false, budget, out);
    if (found == 0 && !budget.spent()) {
      realtimeEdges(nodes, g);
      searchCycles(g, nodes, true, budget, out);
    }
    if (budget.spent()) {
      out.incomplete("list-append: time budget spent during the cycle search");
    }
  }

  /**
   * Real-time edges A → B when A completed before B was invoked, without the transitive ones:
   * in time order, an invoked op gets an edge from every op of the current frontier (completed
   * ops with no completed successor yet); a completing op replaces its own predecessors in the
   * frontier. Linear in the history instead of quadratic.
   */
  static void realtimeEdges(List<Op> nodes, Graph g) {
    record Event(long time, boolean invoke, int node) {
    }
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Op op = nodes.get(i);
      events.add(new Event(op.invokeNs(), true, i));
      if (op.ok()) {
        events.add(new Event(op.completeNs(), false, i));
      }
    }
    // At equal times invocations first: ops that touch in time are concurrent, no edge.
    events.sort(Comparator.comparingLong(Event::time).thenComparing(e -> e.invoke ? 0 : 1));
    Set<Integer> frontier = new HashSet<>();
    Map<Integer, List<Integer>> preds = new HashMap<>();
    for (Event ev : events) {
      if (ev.invoke) {
        List<Integer> p = new ArrayList<>(frontier);
        preds.put(ev.node, p);
        for (int f : p) {
          g.add(f, ev.node, Dep.RT);
        }
      } else {
        frontier.removeAll(preds.getOrDefault(ev.node, List.of()));
        frontier.add(ev.node);
      }
    }
  }

  /** Tarjan's strongly connected components (iterative), then one shortest cycle per component. */
  static int searchCycles(Graph g, List<Op> nodes, boolean withRealtime, Budget budget, CheckResult.Builder out) {
    int n = nodes.size();
    int[] index = new int[n];
    int[] low = new int[n];
    boolean[] onStack = new boolean[n];
    java.util.Arrays.fill(index, -1);
    ArrayDeque<Integer> stack = new ArrayDeque<>();
    int counter = 0;
    int reported = 0;
    long steps = 0;
    List<List<Integer>> components = new ArrayList<>();
    for (int root = 0; root < n; root++) {
      if (index[root] >= 0) {
        continue;
      }
      // Explicit DFS stack of (node, iterator over successors).
      ArrayDeque<int[]> work = new ArrayDeque<>();
      Map<Integer, List<Integer>> succCache = new HashMap<>();
      index[root] = low[root] = counter++;
      stack.push(root);
      onStack[root] = true;
      work.push(new int[] {root, 0});
      while (!work.isEmpty()) {
        if (++steps % CLOCK_EVERY_STEPS == 0 && budget.spent()) {
          return reported;
        }
        int[] top = work.peek();
        int v = top[0];
        List<Integer> succ = succCache.computeIfAbsent(v, x -> new ArrayList<>(g.succ.get(x).keySet()));
        if (top[1] < succ.size()) {
          int w = succ.get(top[1]++);
          if (index[w] < 0) {
            index[w] = low[w] = counter++;
            stack.push(w);
            onStack[w] = true;
            work.push(new int[] {w, 0});
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
          continue;
        }
        work.pop();
        succCache.remove(v);
        if (!work.isEmpty()) {
          int parent = work.peek()[0];
          low[parent] = Math.min(low[parent], low[v]);
        }
        if (low[v] == index[v]) {
          List<Integer> comp = new ArrayList<>();
          int w;
          do {
            w = stack.pop();
            onStack[w] = false;
            comp.add(w);
          } while (w != v);
          if (comp.size() > 1) {
            components.add(comp);
          }
        }
      }
    }
    for (List<Integer> comp : components) {
      if (reported >= MAX_CYCLES || budget.spent()) {
        break;
      }
      List<int[]> cycle = shortestCycle(g, comp);
      if (cycle.isEmpty()) {
        continue;
      }
      reported++;
      Set<Dep> kinds = java.util.EnumSet.noneOf(Dep.class);
      int rw = 0;
      StringBuilder path = new StringBuilder();
      List<Op> around = new ArrayList<>();
      for (int[] edge : cycle) {
        Dep d = g.succ.get(edge[0]).get(edge[1]);
        kinds.add(d);
        if (d == Dep.RW) {
          rw++;
        }
        around.add(nodes.get(edge[0]));
        path.append('#').append(nodes.get(edge[0]).id()).append(" -").append(d.name().toLowerCase()).append("-> ");
      }
      path.append('#').append(nodes.get(cycle.get(0)[0]).id());
      String kind = rw == 0 ? (kinds.contains(Dep.WR) ? "G1c" : "G0") : rw == 1 ? "G-single" : "G2";
      if (kinds.contains(Dep.RT)) {
        kind += "-realtime";
      }
      out.add(kind, null, "dependency cycle over " + cycle.size() + " transactions: " + path
          + (withRealtime ? " (rt: completed before the next began)" : ""), null, around);
    }
    return reported;
  }

  /** A shortest cycle inside one strongly connected component, as edges [from, to]; BFS from its first node. */
  static List<int[]> shortestCycle(Graph g, List<Integer> comp) {
    Set<Integer> inComp = new HashSet<>(comp);
    int start = comp.get(0);
    Map<Integer, Integer> parent = new HashMap<>();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(start);
    parent.put(start, -1);
    while (!queue.isEmpty()) {
      int v = queue.poll();
      for (int w : g.succ.get(v).keySet()) {
        if (!inComp.contains(w)) {
          continue;
        }
        if (w == start) {
          List<int[]> edges = new ArrayList<>();
          edges.add(new int[] {v, start});
          int x = v;
          while (parent.get(x) != -1) {
            edges.add(new int[] {parent.get(x), x});
            x = parent.get(x);
          }
          java.util.Collections.reverse(edges);
          return edges;
        }
        if (!parent.containsKey(w)) {
          parent.put(w, v);
          queue.add(w);
        }
      }
    }
    return List.of();
  }
}
