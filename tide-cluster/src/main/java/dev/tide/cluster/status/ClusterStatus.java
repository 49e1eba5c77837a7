package dev.tide.cluster.status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The cluster as seen by asking every member for its {@code TIDE.STATUS}: which nodes are up,
 * and per partition who leads it, in which term, and how far each follower is behind.
 *
 * <p>{@link #fetch} starts from seed addresses (any member), learns the member list from the
 * first node that answers, and asks all members in parallel; a member that does not answer
 * within the timeout is shown as down with the reason.
 */
public record ClusterStatus(List<NodeView> nodes, List<MoveView> moves) {

  public ClusterStatus(List<NodeView> nodes) {
    this(nodes, List.of());
  }

  /** A replica move in progress ({@code TIDE.REBALANCE STATUS}); -1 means not known yet. */
  public record MoveView(int partition, String from, String to, String phase, long bytesDone, long bytesPerSec,
                         long etaMs) {
  }

  /** One member: its status when it answered, else why not. */
  public record NodeView(String name, String address, String id, NodeStatus status, String error) {
    public boolean up() {
      return status != null;
    }
  }

  /**
   * A partition as the cluster reports it; {@code leader} is null while none serves, and
   * {@code reachable} is false when no answering node hosts it (then only its number is known).
   * {@code keys} are the leader's (or the most advanced replica's) key count.
   */
  public record PartitionView(int partition, boolean reachable, String slots, NodeView leader, List<String> replicaIds,
                              long term, long commitIndex, long appliedIndex, long keys,
                              List<NodeStatus.FollowerStatus> followers) {
  }

  /** A node address to contact. */
  public record Endpoint(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** Most members contacted at once: bounds the threads of one fetch (each is a virtual thread). */
  static final int MAX_MEMBERS = 1_000;

  /**
   * Asks the seeds (in order) until one answers, then every member of that node's map.
   *
   * @param names       display names for addresses of members that are down ("host:port" → name);
   *                    members that answer report their own name
   * @param timeoutMs   connect and reply timeout per node
   * @throws IOException when no seed answers; the message lists each seed's failure
   */
  public static ClusterStatus fetch(List<Endpoint> seeds, Map<String, String> names, int timeoutMs)
      throws IOException {
    NodeStatus first = null;
    StringBuilder failures = new StringBuilder();
    Map<String, Object> answered = new LinkedHashMap<>();
    for (Endpoint seed : seeds) {
      Object r = ask(seed, timeoutMs);
      answered.put(seed.toString(), r);
      if (r instanceof NodeStatus s) {
        first = s;
        break;
      }
      failures.append("\n  ").append(seed).append(": ").append(r);
    }
    if (first == null) {
      throw new IOException("no cluster node answered:" + failures);
    }
    List<NodeStatus.MemberInfo> members = first.members();
    if (members.size() > MAX_MEMBERS) {
      throw new IOException("the map lists " + members.size() + " members, more than " + MAX_MEMBERS);
    }
    List<NodeView> views = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Object>> replies = new ArrayList<>();
      for (NodeStatus.MemberInfo m : members) {
        Object known = answered.get(m.address());
        replies.add(known != null ? java.util.concurrent.CompletableFuture.completedFuture(known)
            : pool.submit(() -> ask(new Endpoint(m.host(), m.port()), timeoutMs)));
      }
      for (int i = 0; i < members.size(); i++) {
        NodeStatus.MemberInfo m = members.get(i);
        Object r;
        try {
          r = replies.get(i).get();
        } catch (Exception e) {
          r = e.toString();
        }
        if (r instanceof NodeStatus s) {
          views.add(new NodeView(s.name(), m.address(), m.id(), s, null));
        } else {
          views.add(new NodeView(names.getOrDefault(m.address(), "?"), m.address(), m.id(), null, String.valueOf(r)));
        }
      }
    }
    return new ClusterStatus(views, moves(seeds, answered, timeoutMs));
  }

  /** The moves in progress as the first seed that answered reports them (empty if it cannot say). */
  private static List<MoveView> moves(List<Endpoint> seeds, Map<String, Object> answered, int timeoutMs) {
    for (Endpoint seed : seeds) {
      if (!(answered.get(seed.toString()) instanceof NodeStatus)) {
        continue;
      }
      try (RespClient c = RespClient.connect(seed.host(), seed.port(), timeoutMs)) {
        Object reply = c.call("TIDE.REBALANCE", "STATUS");
        List<MoveView> out = new ArrayList<>();
        if (reply instanceof List<?> rows) {
          for (Object row : rows) {
            if (row instanceof List<?> f && f.size() == 7) {
              out.add(new MoveView(((Number) f.get(0)).intValue(), text(f.get(1)), text(f.get(2)), text(f.get(3)),
                  ((Number) f.get(4)).longValue(), ((Number) f.get(5)).longValue(), ((Number) f.get(6)).longValue()));
            }
          }
        }
        return out;
      } catch (IOException | RuntimeException e) {
        return List.of();
      }
    }
    return List.of();
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
  }

  /** A node's status, or a short reason (String) why there is none. */
  private static Object ask(Endpoint e, int timeoutMs) {
    try (RespClient c = RespClient.connect(e.host(), e.port(), timeoutMs)) {
      Object reply = c.call("TIDE.STATUS");
      if (reply instanceof RespClient.Error err) {
        return err.message().startsWith("ERR unknown command")
            ? "not a Tide cluster node (no TIDE.STATUS; a single-node server?)" : err.message();
      }
      return NodeStatus.parse(reply);
    } catch (java.net.ConnectException ex) {
      return "connection refused";
    } catch (java.net.SocketTimeoutException ex) {
      return "no answer within " + timeoutMs + " ms";
    } catch (IOException | RuntimeException ex) {
      return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }
  }

  public int upCount() {
    return (int) nodes.stream().filter(NodeView::up).count();
  }

  /** Name of the member with this id, or its id's first 8 characters when unknown. */
  public String nameOf(String id) {
    for (NodeView n : nodes) {
      if (n.id().equals(id)) {
        return n.name();
      }
    }
    return id.isEmpty() ? "-" : id.substring(0, Math.min(8, id.length()));
  }

  /**
   * Every partition any answering node hosts, in order. The leader is the node that reports
   * itself serving as leader (the highest term wins should two claim it, which Raft allows for
   * a moment after an election); term and indexes come from the leader, or from the most
   * advanced replica while there is none.
   */
  public List<PartitionView> partitions() {
    Map<Integer, List<Map.Entry<NodeView, NodeStatus.PartitionStatus>>> byPartition = new TreeMap<>();
    for (int p = 0; p < partitionCount(); p++) {
      byPartition.put(p, new ArrayList<>());
    }
    for (NodeView n : nodes) {
      if (n.up()) {
        for (NodeStatus.PartitionStatus p : n.status().partitions()) {
          byPartition.computeIfAbsent(p.partition(), k -> new ArrayList<>()).add(Map.entry(n, p));
        }
      }
    }
    List<PartitionView> out = new ArrayList<>();
    byPartition.forEach((p, replicas) -> {
      if (replicas.isEmpty()) {
        out.add(new PartitionView(p, false, "?", null, List.of(), -1, -1, -1, -1, List.of()));
        return;
      }
      Map.Entry<NodeView, NodeStatus.PartitionStatus> leader = replicas.stream()
          .filter(e -> e.getValue().serving())
          .max(Comparator.comparingLong(e -> e.getValue().term())).orElse(null);
      Map.Entry<NodeView, NodeStatus.PartitionStatus> ref = leader != null ? leader : replicas.stream()
          .max(Comparator.comparingLong(e -> e.getValue().commitIndex())).orElseThrow();
      NodeStatus.PartitionStatus ps = ref.getValue();
      out.add(new PartitionView(p, true, ps.slots(), leader == null ? null : leader.getKey(), ps.replicaIds(),
          ps.term(), ps.commitIndex(), ps.appliedIndex(), ps.keys(), leader == null ? List.of() : ps.followers()));
    });
    return out;
  }

  /** Partitions in the map of the answering nodes (the largest, should maps differ for a moment). */
  public int partitionCount() {
    int n = 0;
    for (NodeView v : nodes) {
      if (v.up()) {
        n = Math.max(n, v.status().mapPartitions());
      }
    }
    return n;
  }

  /**
   * True when each of {@code expectedPartitions} partitions has a serving leader and every
   * answering replica of it knows that leader (so a client sent to any replica is redirected
   * to the leader rather than told to try again).
   */
  public boolean allLed(int expectedPartitions) {
    List<PartitionView> parts = partitions();
    if (partitionCount() != expectedPartitions) {
      return false;
    }
    for (PartitionView pv : parts) {
      if (pv.leader() == null) {
        return false;
      }
      for (NodeView n : nodes) {
        if (n.up()) {
          for (NodeStatus.PartitionStatus ps : n.status().partitions()) {
            if (ps.partition() == pv.partition() && !ps.leaderId().equals(pv.leader().id())) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }

  /** Partitions with a serving leader. */
  public int ledCount() {
    return (int) partitions().stream().filter(p -> p.leader() != null).count();
  }
}
