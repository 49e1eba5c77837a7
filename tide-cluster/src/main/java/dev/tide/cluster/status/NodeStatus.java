package dev.tide.cluster.status;

import dev.tide.protocol.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one cluster node reports about itself in {@code TIDE.STATUS}: identity, addresses,
 * uptime, keys and memory, the members it knows, and the Raft state of every partition replica
 * it hosts. {@link #write} is the wire format (a RESP3 map, a flat array under RESP2) and
 * {@link #parse} reads it back, so both ends share one definition.
 *
 * @param name        the node's name ({@code --node-id})
 * @param id          its 40-hex Redis Cluster node id
 * @param uptimeMs    since the node's server started
 * @param keys        keys held by this node's replicas (leaders and followers)
 * @param usedMemory  estimated bytes of those replicas' data ({@code used_memory} summed)
 * @param heapUsed    JVM heap in use
 * @param rss         resident set size of the process, -1 when unknown (not Linux)
 * @param mapEpoch    epoch of the cluster map the node serves
 * @param mapPartitions partitions in that map (this node hosts replicas of some of them)
 */
public record NodeStatus(String name, String id, String host, int port, int busPort, long pid, long uptimeMs,
                         long keys, long usedMemory, long heapUsed, long rss, long mapEpoch,
                         int mapPartitions, List<MemberInfo> members, List<PartitionStatus> partitions) {

  /** A member of the cluster as this node's map lists it. */
  public record MemberInfo(String id, String host, int port, int busPort) {
    public String address() {
      return host + ":" + port;
    }
  }

  /**
   * This node's replica of one partition.
   *
   * @param slots        slot ranges, e.g. {@code 0-1023} or {@code 0-9,20-29}
   * @param role         JRaft's state in lower case: leader, follower, candidate, transferring, error ...
   * @param serving      true on a leader that has applied its first entry and takes writes
   * @param leaderId     member id of the leader this replica knows, or "" while there is none
   * @param replicaIds   member ids of the partition's replicas, first-choice leader first
   * @param term         current Raft term, -1 when unknown
   * @param commitIndex  last committed log index this replica knows
   * @param appliedIndex last log index applied (JRaft counts configuration entries too, so an idle
   *                     leader shows applied = commit)
   * @param lastLogIndex last index in its log
   * @param followers    on a leader: each follower's replication state; empty otherwise
   */
  public record PartitionStatus(int partition, String slots, String role, boolean serving, String leaderId,
                                List<String> replicaIds, long term, long commitIndex, long appliedIndex,
                                long lastLogIndex, long keys, long usedMemory, List<FollowerStatus> followers) {
  }

  /**
   * A follower as its leader sees it.
   *
   * @param nextIndex     next log index the leader will send it; 0 before it first answered
   * @param lag           entries in the leader's log it has not confirmed (leader's last index − (next − 1)),
   *                      -1 while unknown (it has not answered since this leader took over)
   * @param alive         the leader heard from it within its lease (JRaft's {@code listAlivePeers})
   */
  public record FollowerStatus(String id, long nextIndex, long lag, boolean alive) {
  }

  public String address() {
    return host + ":" + port;
  }

  public String busAddress() {
    return host + ":" + busPort;
  }

  // ---- wire format -----------------------------------------------------------------------------

  /** Writes this status as the reply of TIDE.STATUS. */
  public void write(Reply r) {
    r.map(14);
    r.bulk("name");
    r.bulk(name);
    r.bulk("id");
    r.bulk(id);
    r.bulk("addr");
    r.bulk(address());
    r.bulk("bus");
    r.bulk(busAddress());
    r.bulk("pid");
    r.integer(pid);
    r.bulk("uptime_ms");
    r.integer(uptimeMs);
    r.bulk("keys");
    r.integer(keys);
    r.bulk("used_memory");
    r.integer(usedMemory);
    r.bulk("heap_used");
    r.integer(heapUsed);
    r.bulk("rss");
    r.integer(rss);
    r.bulk("map_epoch");
    r.integer(mapEpoch);
    r.bulk("map_partitions");
    r.integer(mapPartitions);
    r.bulk("members");
    r.array(members.size());
    for (MemberInfo m : members) {
      r.map(3);
      r.bulk("id");
      r.bulk(m.id());
      r.bulk("addr");
      r.bulk(m.address());
      r.bulk("bus");
      r.bulk(m.host() + ":" + m.busPort());
    }
    r.bulk("partitions");
    r.array(partitions.size());
    for (PartitionStatus p : partitions) {
      r.map(13);
      r.bulk("partition");
      r.integer(p.partition());
      r.bulk("slots");
      r.bulk(p.slots());
      r.bulk("role");
      r.bulk(p.role());
      r.bulk("serving");
      r.bool(p.serving());
      r.bulk("leader");
      r.bulk(p.leaderId());
      r.bulk("replicas");
      r.array(p.replicaIds().size());
      for (String id : p.replicaIds()) {
        r.bulk(id);
      }
      r.bulk("term");
      r.integer(p.term());
      r.bulk("commit_index");
      r.integer(p.commitIndex());
      r.bulk("applied_index");
      r.integer(p.appliedIndex());
      r.bulk("last_log_index");
      r.integer(p.lastLogIndex());
      r.bulk("keys");
      r.integer(p.keys());
      r.bulk("used_memory");
      r.integer(p.usedMemory());
      r.bulk("followers");
      r.array(p.followers().size());
      for (FollowerStatus f : p.followers()) {
        r.map(4);
        r.bulk("id");
        r.bulk(f.id());
        r.bulk("next_index");
        r.integer(f.nextIndex());
        r.bulk("lag");
        r.integer(f.lag());
        r.bulk("alive");
        r.bool(f.alive());
      }
    }
  }

  /**
   * Reads a TIDE.STATUS reply decoded by {@link RespClient} (a map under RESP3, a flat
   * key/value list under RESP2).
   *
   * @throws IllegalArgumentException when the reply is not a status (an error, a missing field)
   */
  public static NodeStatus parse(Object reply) {
    if (reply instanceof RespClient.Error e) {
      throw new IllegalArgumentException(e.message());
    }
    Fields f = Fields.of(reply);
    String[] addr = hostPort(f.str("addr"));
    String[] bus = hostPort(f.str("bus"));
    List<MemberInfo> members = new ArrayList<>();
    for (Object o : f.list("members")) {
      Fields m = Fields.of(o);
      String[] a = hostPort(m.str("addr"));
      String[] b = hostPort(m.str("bus"));
      members.add(new MemberInfo(m.str("id"), a[0], Integer.parseInt(a[1]), Integer.parseInt(b[1])));
    }
    List<PartitionStatus> parts = new ArrayList<>();
    for (Object o : f.list("partitions")) {
      Fields p = Fields.of(o);
      List<String> replicas = new ArrayList<>();
      for (Object id : p.list("replicas")) {
        replicas.add(String.valueOf(id));
      }
      List<FollowerStatus> followers = new ArrayList<>();
      for (Object fo : p.list("followers")) {
        Fields fs = Fields.of(fo);
        followers.add(new FollowerStatus(fs.str("id"), fs.num("next_index"), fs.num("lag"), fs.bool("alive")));
      }
      parts.add(new PartitionStatus((int) p.num("partition"), p.str("slots"), p.str("role"), p.bool("serving"),
          p.str("leader"), replicas, p.num("term"), p.num("commit_index"), p.num("applied_index"),
          p.num("last_log_index"), p.num("keys"), p.num("used_memory"), followers));
    }
    return new NodeStatus(f.str("name"), f.str("id"), addr[0], Integer.parseInt(addr[1]), Integer.parseInt(bus[1]),
        f.num("pid"), f.num("uptime_ms"), f.num("keys"), f.num("used_memory"), f.num("heap_used"), f.num("rss"),
        f.num("map_epoch"), (int) f.num("map_partitions"), members, parts);
  }

  private static String[] hostPort(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("bad address in status: '" + s + "'");
    }
    return new String[] {s.substring(0, colon), s.substring(colon + 1)};
  }

  /** Named fields of a map reply or a flat RESP2 key/value list. */
  private record Fields(Map<String, Object> values) {

    static Fields of(Object reply) {
      Map<String, Object> out = new java.util.HashMap<>();
      if (reply instanceof Map<?, ?> m) {
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
      } else if (reply instanceof List<?> l && l.size() % 2 == 0) {
        for (int i = 0; i < l.size(); i += 2) {
          out.put(String.valueOf(l.get(i)), l.get(i + 1));
        }
      } else {
        throw new IllegalArgumentException("not a status reply: " + reply);
      }
      return new Fields(out);
    }

    private Object get(String name) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("status reply lacks '" + name + "'");
      }
      return values.get(name);
    }

    String str(String name) {
      Object v = get(name);
      return v == null ? "" : v.toString();
    }

    long num(String name) {
      Object v = get(name);
      if (v instanceof Long l) {
        return l;
      }
      throw new IllegalArgumentException("status field '" + name + "' is not a number: " + v);
    }

    boolean bool(String name) {
      Object v = get(name);
      return v instanceof Boolean b ? b : v instanceof Long l && l != 0;
    }

    List<?> list(String name) {
      Object v = get(name);
      if (v instanceof List<?> l) {
        return l;
      }
      throw new IllegalArgumentException("status field '" + name + "' is not a list: " + v);
    }
  }
}
