package dev.tide.cluster.map;

import dev.tide.engine.slots.Slots;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cluster map: members, slot → partition, partition → replicas, and the epoch that orders
 * versions of the map. Immutable; a new epoch is a new object.
 *
 * <p>This is the state the controller Raft group owns ({@code dev.tide.cluster.controller}): nodes
 * cache it and refresh on a newer epoch. A new cluster starts from {@link #initial}, computed
 * identically on every bootstrap node (so partitions start at once), which the controller then
 * records; later epochs come from the controller's commands ({@link #withMember},
 * {@link #withReplicas}, {@link #withSlots}).
 *
 * <p>Leadership is not part of the map: it changes with every election and each node learns it
 * from its Raft groups (see {@code ClusterNode}).
 */
public final class ClusterMap {

  /** Most partitions a map may have: one per slot. */
  public static final int MAX_PARTITIONS = Slots.COUNT;
  /** Default partitions (issue 4): enough to spread load over a few nodes, few enough to keep idle Raft cost low. */
  public static final int DEFAULT_PARTITIONS = 16;
  /** Default replicas per partition (issue 4); capped at the member count. */
  public static final int DEFAULT_REPLICAS = 3;

  private final long epoch;
  private final List<Member> members;
  private final short[] slotToPartition;
  private final int[][] replicas;

  public ClusterMap(long epoch, List<Member> members, short[] slotToPartition, int[][] replicas) {
    if (slotToPartition.length != Slots.COUNT) {
      throw new IllegalArgumentException("slot map must cover " + Slots.COUNT + " slots");
    }
    for (int[] r : replicas) {
      if (r.length == 0) {
        throw new IllegalArgumentException("every partition needs at least one replica");
      }
      for (int m : r) {
        if (m < 0 || m >= members.size()) {
          throw new IllegalArgumentException("replica index " + m + " is not a member");
        }
      }
    }
    for (short p : slotToPartition) {
      if (p < 0 || p >= replicas.length) {
        throw new IllegalArgumentException("slot assigned to unknown partition " + p);
      }
    }
    this.epoch = epoch;
    this.members = List.copyOf(members);
    this.slotToPartition = slotToPartition.clone();
    this.replicas = new int[replicas.length][];
    for (int i = 0; i < replicas.length; i++) {
      this.replicas[i] = replicas[i].clone();
    }
  }

  /**
   * The phase-1 placement, a pure function of its inputs: slots are split into {@code partitions}
   * contiguous ranges of (nearly) equal size, and partition p is replicated on members
   * p, p+1, ..., p+rf-1 (mod n), so replicas and first-choice leaders spread evenly. Every node
   * must be given the same member list in the same order.
   */
  public static ClusterMap initial(List<Member> members, int partitions, int replicationFactor) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one member");
    }
    if (partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new IllegalArgumentException("partitions must be in 1.." + MAX_PARTITIONS + ", got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication factor must be at least 1, got " + replicationFactor);
    }
    long distinct = members.stream().map(Member::id).distinct().count();
    if (distinct != members.size()) {
      throw new IllegalArgumentException("the member list names the same bus address twice: " + members);
    }
    int rf = Math.min(replicationFactor, members.size());
    short[] slots = new short[Slots.COUNT];
    for (int s = 0; s < Slots.COUNT; s++) {
      slots[s] = (short) ((long) s * partitions / Slots.COUNT);
    }
    int[][] replicas = new int[partitions][rf];
    for (int p = 0; p < partitions; p++) {
      for (int i = 0; i < rf; i++) {
        replicas[p][i] = (p + i) % members.size();
      }
    }
    return new ClusterMap(1, members, slots, replicas);
  }

  // ---- derived maps (the controller's commands build new epochs from these) ----------------------

  /** This map with another epoch. */
  public ClusterMap withEpoch(long newEpoch) {
    return new ClusterMap(newEpoch, members, slotToPartition, replicas);
  }

  /** This map with {@code member} appended to the member list (it hosts nothing yet). */
  public ClusterMap withMember(Member member) {
    List<Member> more = new ArrayList<>(members);
    more.add(member);
    return new ClusterMap(epoch, more, slotToPartition, replicas);
  }

  /** This map with member {@code index} replaced by {@code member} (same position, so placement is kept). */
  public ClusterMap withMemberAt(int index, Member member) {
    List<Member> changed = new ArrayList<>(members);
    changed.set(index, member);
    return new ClusterMap(epoch, changed, slotToPartition, replicas);
  }

  /** This map with partition {@code p} replicated on the members at {@code memberIndexes}, first choice first. */
  public ClusterMap withReplicas(int p, int[] memberIndexes) {
    if (memberIndexes.length == 0) {
      throw new IllegalArgumentException("partition " + p + " needs at least one replica");
    }
    int[][] changed = replicas.clone();
    changed[p] = memberIndexes.clone();
    return new ClusterMap(epoch, members, slotToPartition, changed);
  }

  /** This map with slots {@code first..last} (inclusive) assigned to partition {@code p}. */
  public ClusterMap withSlots(int first, int last, int p) {
    short[] changed = slotToPartition.clone();
    Arrays.fill(changed, first, last + 1, (short) p);
    return new ClusterMap(epoch, members, changed, replicas);
  }

  /** Position of a member in {@link #members()} (what replica lists refer to), or -1. */
  public int memberIndex(String id) {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** Member positions of a partition's replicas, first choice first (a copy). */
  public int[] replicaIndexes(int partition) {
    return replicas[partition].clone();
  }

  /** The replica that should lead a partition when it is up: the first in its replica list. */
  public Member preferredLeader(int partition) {
    return members.get(replicas[partition][0]);
  }

  public long epoch() {
    return epoch;
  }

  public List<Member> members() {
    return members;
  }

  public int partitionCount() {
    return replicas.length;
  }

  public int partitionOf(int slot) {
    return slotToPartition[slot];
  }

  /** Replicas of a partition, first-choice leader first. */
  public List<Member> replicas(int partition) {
    List<Member> out = new ArrayList<>(replicas[partition].length);
    for (int m : replicas[partition]) {
      out.add(members.get(m));
    }
    return out;
  }

  public boolean isReplica(int partition, Member member) {
    for (int m : replicas[partition]) {
      if (members.get(m).id().equals(member.id())) {
        return true;
      }
    }
    return false;
  }

  /** Partitions that have a replica on {@code member}. */
  public List<Integer> partitionsOn(Member member) {
    List<Integer> out = new ArrayList<>();
    for (int p = 0; p < replicas.length; p++) {
      if (isReplica(p, member)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Contiguous slot ranges {first, last} of a partition, in slot order. */
  public List<int[]> slotRanges(int partition) {
    List<int[]> out = new ArrayList<>();
    int start = -1;
    for (int s = 0; s <= Slots.COUNT; s++) {
      boolean in = s < Slots.COUNT && slotToPartition[s] == partition;
      if (in && start < 0) {
        start = s;
      } else if (!in && start >= 0) {
        out.add(new int[] {start, s - 1});
        start = -1;
      }
    }
    return out;
  }

  public Member member(String id) {
    for (Member m : members) {
      if (m.id().equals(id)) {
        return m;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "ClusterMap{epoch=" + epoch + ", members=" + members.size() + ", partitions=" + replicas.length
        + ", rf=" + (replicas.length == 0 ? 0 : replicas[0].length) + ", first=" + Arrays.toString(replicas[0]) + "}";
  }
}
