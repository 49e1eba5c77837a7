package dev.tide.cluster.controller;

import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.engine.slots.Slots;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the controller group holds: the {@link ClusterMap} (members, slot → partition,
 * partition → replicas, epoch), what it knows about each member ({@link MemberInfo}: name, state,
 * zone), which members are the controller group's voters, and the cluster's id. Immutable; every
 * change is a new object with a higher epoch, made by {@link #apply} from a {@link MapCommand}.
 *
 * <p><b>Epochs.</b> Epoch 0 is a bootstrap node's provisional map, computed locally from
 * {@code --bootstrap} before the controller has recorded anything (the node serves from it at
 * once). The controller records that same map as epoch 1 together with a cluster id chosen by its
 * first leader; every command that changes something bumps the epoch by one, a command that
 * changes nothing leaves it. Nodes keep the map with the highest epoch they have seen.
 *
 * <p><b>Encoding</b> ({@link #encode}, version {@link #FORMAT_VERSION}): cluster id, epoch,
 * members (id, host, port, bus port, name, state, zone), controller voter ids, per partition its
 * replica positions, and the slot map as runs {@code (first, last, partition)} — a few KB for
 * hundreds of members. Lengths are bounded on decode; files and snapshots wrap it in
 * {@link StateFile} (magic, version, CRC32C).
 */
public final class ClusterState {

  public static final int FORMAT_VERSION = 1;
  /** Most members a map records, left ones included: Redis Cluster's documented ceiling of ~1000 nodes. */
  public static final int MAX_MEMBERS = 1000;
  /** Most controller voters: 5 tolerates two failures; more only slows the controller's commits (DESIGN.md). */
  public static final int MAX_CONTROLLERS = 5;
  /** Most replicas of a partition: a Raft group of 7 survives 3 failures; more costs writes for nothing. */
  public static final int MAX_REPLICAS = 7;
  /** Longest cluster id accepted when decoding (a UUID is 36). */
  static final int MAX_ID_LENGTH = 64;

  private final String clusterId;
  private final ClusterMap map;
  private final List<MemberInfo> members;
  private final List<String> controllers;

  public ClusterState(String clusterId, ClusterMap map, List<MemberInfo> members, List<String> controllers) {
    if (members.size() != map.members().size()) {
      throw new IllegalArgumentException("member info must cover every member of the map");
    }
    for (int i = 0; i < members.size(); i++) {
      if (!members.get(i).member().equals(map.members().get(i))) {
        throw new IllegalArgumentException("member info " + i + " does not match the map's member");
      }
    }
    if (controllers.isEmpty() || controllers.size() > MAX_CONTROLLERS) {
      throw new IllegalArgumentException("controller voters must be 1.." + MAX_CONTROLLERS + ", got " + controllers.size());
    }
    for (String c : controllers) {
      if (map.memberIndex(c) < 0) {
        throw new IllegalArgumentException("controller voter " + c + " is not a member");
      }
    }
    this.clusterId = clusterId;
    this.map = map;
    this.members = List.copyOf(members);
    this.controllers = List.copyOf(controllers);
  }

  /**
   * The provisional state of a cluster formed from {@code --bootstrap} (epoch 0, no cluster id):
   * the members are active and unnamed, and the first min(5, n) of them are the controller's voters
   * (every bootstrap node derives the same list without talking).
   */
  public static ClusterState bootstrap(ClusterMap initial) {
    List<MemberInfo> infos = new ArrayList<>();
    for (Member m : initial.members()) {
      infos.add(new MemberInfo(m, "", MemberState.ACTIVE, ""));
    }
    List<String> controllers = new ArrayList<>();
    for (int i = 0; i < Math.min(MAX_CONTROLLERS, initial.members().size()); i++) {
      controllers.add(initial.members().get(i).id());
    }
    return new ClusterState("", initial.withEpoch(0), infos, controllers);
  }

  /** The state the controller records for a bootstrap state: same map, epoch 1, with the cluster's id. */
  public ClusterState recorded(String id) {
    return new ClusterState(id, map.withEpoch(1), members, controllers);
  }

  public String clusterId() {
    return clusterId;
  }

  /** True once the controller has recorded this state (it has a cluster id). */
  public boolean isRecorded() {
    return !clusterId.isEmpty();
  }

  public long epoch() {
    return map.epoch();
  }

  public ClusterMap map() {
    return map;
  }

  /** Member info in map order (position i describes {@code map().members().get(i)}). */
  public List<MemberInfo> members() {
    return members;
  }

  /** Member ids of the controller group's voters. */
  public List<String> controllers() {
    return controllers;
  }

  public boolean isController(String memberId) {
    return controllers.contains(memberId);
  }

  /** The controller voters as members. */
  public List<Member> controllerMembers() {
    List<Member> out = new ArrayList<>();
    for (String id : controllers) {
      out.add(map.member(id));
    }
    return out;
  }

  /** Info of a member by id, or null. */
  public MemberInfo info(String memberId) {
    int i = map.memberIndex(memberId);
    return i < 0 ? null : members.get(i);
  }

  /** The member that is not {@link MemberState#LEFT} and carries {@code name}, or null. */
  public MemberInfo liveByName(String name) {
    for (MemberInfo m : members) {
      if (m.state() != MemberState.LEFT && m.name().equals(name)) {
        return m;
      }
    }
    return null;
  }

  /** Members that have not left, in map order. */
  public List<MemberInfo> liveMembers() {
    return members.stream().filter(m -> m.state() != MemberState.LEFT).toList();
  }

  /** The member whose bus address is {@code host:busPort}, or null. */
  public Member memberAtBus(String host, int busPort) {
    for (Member m : map.members()) {
      if (m.busPort() == busPort && m.host().equals(host)) {
        return m;
      }
    }
    return null;
  }

  // ---- commands -----------------------------------------------------------------------------------

  /** The outcome of a command: the next state (this one when unchanged or refused) and the refusal text. */
  public record Result(ClusterState state, String error, boolean changed) {
    public boolean ok() {
      return error == null;
    }
  }

  private Result refuse(String error) {
    return new Result(this, error, false);
  }

  private Result unchanged() {
    return new Result(this, null, false);
  }

  private Result changed(ClusterMap nextMap, List<MemberInfo> nextMembers) {
    return new Result(new ClusterState(clusterId, nextMap.withEpoch(epoch() + 1), nextMembers, controllers), null,
        true);
  }

  /**
   * Applies a command deterministically (the same result on every controller replica). A command
   * that would break the map is refused with a message saying what to fix; one that changes nothing
   * returns this state with the same epoch.
   */
  public Result apply(MapCommand command) {
    return switch (command) {
      case MapCommand.Init init -> unchanged(); // the controller already holds a map
      case MapCommand.AddMember add -> addMember(add);
      case MapCommand.UpdateMember update -> updateMember(update);
      case MapCommand.SetReplicas set -> setReplicas(set);
      case MapCommand.SetSlots set -> setSlots(set);
    };
  }

  private Result addMember(MapCommand.AddMember add) {
    String bad = MemberInfo.checkName("--node-id", add.name());
    if (bad == null && !add.zone().isEmpty()) {
      bad = MemberInfo.checkName("--zone", add.zone());
    }
    if (bad != null) {
      return refuse(bad);
    }
    Member joining;
    try {
      joining = Member.of(add.host(), add.port(), add.busPort());
    } catch (IllegalArgumentException e) {
      return refuse(e.getMessage());
    }
    MemberInfo sameName = liveByName(add.name());
    if (sameName != null && !sameName.id().equals(joining.id())) {
      return refuse("node name '" + add.name() + "' is already used by member " + sameName.describe()
          + "; choose another --node-id");
    }
    int index = map.memberIndex(joining.id());
    if (index >= 0) {
      MemberInfo existing = members.get(index);
      if (existing.state() != MemberState.LEFT) {
        if (existing.name().equals(add.name()) && existing.member().port() == add.port()) {
          return unchanged(); // the same node asking again (it may have lost the first reply)
        }
        return refuse("bus address " + joining.busAddress() + " already belongs to member " + existing.describe()
            + "; start that node from its own --data-dir instead of joining again, or use another --bus-port");
      }
      List<MemberInfo> next = new ArrayList<>(members);
      next.set(index, new MemberInfo(joining, add.name(), MemberState.JOINING, add.zone()));
      return changed(map.withMemberAt(index, joining), next);
    }
    if (members.size() >= MAX_MEMBERS) {
      return refuse("the cluster map already records " + MAX_MEMBERS + " members (the limit)");
    }
    List<MemberInfo> next = new ArrayList<>(members);
    next.add(new MemberInfo(joining, add.name(), MemberState.JOINING, add.zone()));
    return changed(map.withMember(joining), next);
  }

  private Result updateMember(MapCommand.UpdateMember update) {
    int index = map.memberIndex(update.id());
    if (index < 0) {
      return refuse("no member with id " + update.id());
    }
    MemberInfo current = members.get(index);
    MemberInfo next = current;
    if (current.state() == MemberState.LEFT) {
      return refuse("member " + current.describe() + " has left the cluster; join it again with --join");
    }
    if (update.name() != null && !update.name().equals(current.name())) {
      String bad = MemberInfo.checkName("--node-id", update.name());
      if (bad != null) {
        return refuse(bad);
      }
      MemberInfo sameName = liveByName(update.name());
      if (sameName != null && !sameName.id().equals(update.id())) {
        return refuse("node name '" + update.name() + "' is already used by member " + sameName.describe()
            + "; choose another --node-id");
      }
      next = next.withName(update.name());
    }
    if (update.zone() != null && !update.zone().equals(current.zone())) {
      if (!update.zone().isEmpty()) {
        String bad = MemberInfo.checkName("--zone", update.zone());
        if (bad != null) {
          return refuse(bad);
        }
      }
      next = next.withZone(update.zone());
    }
    if (update.state() != null && update.state() != current.state()) {
      if (update.state() == MemberState.LEFT) {
        List<Integer> hosted = map.partitionsOn(current.member());
        if (!hosted.isEmpty()) {
          return refuse("member " + current.describe() + " still holds replicas of partitions " + hosted
              + "; move them away before it leaves");
        }
        if (isController(current.id())) {
          return refuse("member " + current.describe() + " is a controller voter; it cannot leave yet");
        }
      }
      next = next.withState(update.state());
    }
    if (next.equals(current)) {
      return unchanged();
    }
    List<MemberInfo> infos = new ArrayList<>(members);
    infos.set(index, next);
    return changed(map, infos);
  }

  private Result setReplicas(MapCommand.SetReplicas set) {
    if (set.partition() < 0 || set.partition() >= map.partitionCount()) {
      return refuse("no partition " + set.partition() + " (the map has " + map.partitionCount() + ")");
    }
    if (set.memberIds().isEmpty() || set.memberIds().size() > MAX_REPLICAS) {
      return refuse("a partition needs 1.." + MAX_REPLICAS + " replicas, got " + set.memberIds().size());
    }
    Set<String> seen = new HashSet<>();
    int[] indexes = new int[set.memberIds().size()];
    for (int i = 0; i < indexes.length; i++) {
      String id = set.memberIds().get(i);
      if (!seen.add(id)) {
        return refuse("member " + id + " is listed twice as a replica of partition " + set.partition());
      }
      int index = map.memberIndex(id);
      if (index < 0) {
        return refuse("no member with id " + id);
      }
      if (members.get(index).state() == MemberState.LEFT) {
        return refuse("member " + members.get(index).describe() + " has left; it cannot hold replicas");
      }
      indexes[i] = index;
    }
    if (java.util.Arrays.equals(indexes, map.replicaIndexes(set.partition()))) {
      return unchanged();
    }
    return changed(map.withReplicas(set.partition(), indexes), members);
  }

  private Result setSlots(MapCommand.SetSlots set) {
    if (set.first() < 0 || set.last() >= Slots.COUNT || set.first() > set.last()) {
      return refuse("slot range " + set.first() + "-" + set.last() + " is not within 0-" + (Slots.COUNT - 1));
    }
    if (set.partition() < 0 || set.partition() >= map.partitionCount()) {
      return refuse("no partition " + set.partition() + " (the map has " + map.partitionCount() + ")");
    }
    boolean same = true;
    for (int s = set.first(); s <= set.last() && same; s++) {
      same = map.partitionOf(s) == set.partition();
    }
    if (same) {
      return unchanged();
    }
    return changed(map.withSlots(set.first(), set.last(), set.partition()), members);
  }

  // ---- encoding -----------------------------------------------------------------------------------

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(clusterId);
      out.writeLong(map.epoch());
      out.writeInt(members.size());
      for (MemberInfo m : members) {
        out.writeUTF(m.member().id());
        out.writeUTF(m.member().host());
        out.writeInt(m.member().port());
        out.writeInt(m.member().busPort());
        out.writeUTF(m.name());
        out.writeByte(m.state().code());
        out.writeUTF(m.zone());
      }
      out.writeInt(controllers.size());
      for (String c : controllers) {
        out.writeUTF(c);
      }
      out.writeInt(map.partitionCount());
      for (int p = 0; p < map.partitionCount(); p++) {
        int[] r = map.replicaIndexes(p);
        out.writeInt(r.length);
        for (int m : r) {
          out.writeInt(m);
        }
      }
      List<int[]> runs = new ArrayList<>();
      int start = 0;
      for (int s = 1; s <= Slots.COUNT; s++) {
        if (s == Slots.COUNT || map.partitionOf(s) != map.partitionOf(start)) {
          runs.add(new int[] {start, s - 1, map.partitionOf(start)});
          start = s;
        }
      }
      out.writeInt(runs.size());
      for (int[] run : runs) {
        out.writeShort(run[0]);
        out.writeShort(run[1]);
        out.writeShort(run[2]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream
    }
    return bytes.toByteArray();
  }

  /** Decodes {@link #encode}'s bytes; throws IllegalArgumentException naming what is wrong. */
  public static ClusterState decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException("cluster state format " + version + " is not supported (this Tide reads "
            + FORMAT_VERSION + ")");
      }
      String clusterId = in.readUTF();
      check(clusterId.length() <= MAX_ID_LENGTH, "cluster id too long");
      long epoch = in.readLong();
      check(epoch >= 0, "negative epoch");
      int memberCount = in.readInt();
      check(memberCount >= 1 && memberCount <= MAX_MEMBERS, "member count " + memberCount);
      List<Member> list = new ArrayList<>(memberCount);
      List<MemberInfo> infos = new ArrayList<>(memberCount);
      for (int i = 0; i < memberCount; i++) {
        Member m = new Member(in.readUTF(), in.readUTF(), in.readInt(), in.readInt());
        String name = in.readUTF();
        MemberState state = MemberState.ofCode(in.readByte());
        String zone = in.readUTF();
        list.add(m);
        infos.add(new MemberInfo(m, name, state, zone));
      }
      int controllerCount = in.readInt();
      check(controllerCount >= 1 && controllerCount <= MAX_CONTROLLERS, "controller count " + controllerCount);
      List<String> controllers = new ArrayList<>();
      for (int i = 0; i < controllerCount; i++) {
        controllers.add(in.readUTF());
      }
      int partitions = in.readInt();
      check(partitions >= 1 && partitions <= ClusterMap.MAX_PARTITIONS, "partition count " + partitions);
      int[][] replicas = new int[partitions][];
      for (int p = 0; p < partitions; p++) {
        int rf = in.readInt();
        check(rf >= 1 && rf <= MAX_REPLICAS, "replica count " + rf + " of partition " + p);
        replicas[p] = new int[rf];
        for (int i = 0; i < rf; i++) {
          replicas[p][i] = in.readInt();
        }
      }
      int runs = in.readInt();
      check(runs >= 1 && runs <= Slots.COUNT, "slot run count " + runs);
      short[] slots = new short[Slots.COUNT];
      int next = 0;
      for (int i = 0; i < runs; i++) {
        int first = in.readShort();
        int last = in.readShort();
        short p = in.readShort();
        check(first == next && last >= first && last < Slots.COUNT, "slot runs are not contiguous at " + first);
        java.util.Arrays.fill(slots, first, last + 1, p);
        next = last + 1;
      }
      check(next == Slots.COUNT, "slot runs end at " + next + ", not " + Slots.COUNT);
      check(in.available() == 0, "trailing bytes");
      return new ClusterState(clusterId, new ClusterMap(epoch, list, slots, replicas), infos, controllers);
    } catch (IOException e) {
      throw new IllegalArgumentException("cluster state is truncated: " + e.getMessage());
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("cluster state is damaged: " + what);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterState other && java.util.Arrays.equals(encode(), other.encode());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "ClusterState{cluster=" + (clusterId.isEmpty() ? "(unrecorded)" : clusterId) + ", epoch=" + epoch()
        + ", members=" + liveMembers().size() + "/" + members.size() + ", partitions=" + map.partitionCount() + "}";
  }
}
