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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

  /** Version 2 added replica moves and cluster settings; version 1 (neither) is still read. */
  public static final int FORMAT_VERSION = 2;
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
  /** Replica moves in progress, by partition (at most one per partition). */
  private final List<Move> moves;
  /** Cluster-wide settings that differ from their defaults ({@link Settings}). */
  private final Map<String, Long> settings;
  /** True from a {@link MapCommand.SetControllers} until the group's configuration matches it. */
  private final boolean controllerChangePending;

  /**
   * A replica of {@code partition} moving from member {@code from} to member {@code to}: the
   * destination catches up as a Raft learner, is promoted to voter and the source is removed; only
   * then does the map's replica list change ({@link MapCommand.FinishMove}). While it is recorded,
   * the destination runs the partition's group (as a learner) and the source keeps its replica.
   */
  public record Move(int partition, String from, String to) {
  }

  public ClusterState(String clusterId, ClusterMap map, List<MemberInfo> members, List<String> controllers) {
    this(clusterId, map, members, controllers, List.of(), Map.of());
  }

  public ClusterState(String clusterId, ClusterMap map, List<MemberInfo> members, List<String> controllers,
                      List<Move> moves, Map<String, Long> settings) {
    this(clusterId, map, members, controllers, moves, settings, false);
  }

  public ClusterState(String clusterId, ClusterMap map, List<MemberInfo> members, List<String> controllers,
                      List<Move> moves, Map<String, Long> settings, boolean controllerChangePending) {
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
    Set<Integer> moving = new HashSet<>();
    for (Move m : moves) {
      if (m.partition() < 0 || m.partition() >= map.partitionCount() || !moving.add(m.partition())) {
        throw new IllegalArgumentException("bad or duplicate move of partition " + m.partition());
      }
    }
    this.clusterId = clusterId;
    this.map = map;
    this.members = List.copyOf(members);
    this.controllers = List.copyOf(controllers);
    this.moves = moves.stream().sorted(java.util.Comparator.comparingInt(Move::partition)).toList();
    this.settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
    this.controllerChangePending = controllerChangePending;
  }

  /** True while the controller group's Raft configuration may still differ from {@link #controllers()}. */
  public boolean controllerChangePending() {
    return controllerChangePending;
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
    return new ClusterState(id, map.withEpoch(1), members, controllers, moves, settings, controllerChangePending);
  }

  /** Replica moves in progress, ordered by partition. */
  public List<Move> moves() {
    return moves;
  }

  /** The move of a partition in progress, or null. */
  public Move move(int partition) {
    for (Move m : moves) {
      if (m.partition() == partition) {
        return m;
      }
    }
    return null;
  }

  /** True when {@code memberId} is the source or destination of a move in progress. */
  public boolean isMoving(String memberId) {
    for (Move m : moves) {
      if (m.from().equals(memberId) || m.to().equals(memberId)) {
        return true;
      }
    }
    return false;
  }

  /** Settings that differ from their defaults (name → value). */
  public Map<String, Long> settings() {
    return settings;
  }

  /** A cluster setting's value: the recorded one, else its default. */
  public long setting(Settings.Setting setting) {
    Long v = settings.get(setting.name());
    return v == null ? setting.defaultValue() : v;
  }

  /** The largest replica count of any partition: the fewest active members the cluster needs. */
  public int replicationFactor() {
    int rf = 0;
    for (int p = 0; p < map.partitionCount(); p++) {
      rf = Math.max(rf, map.replicaIndexes(p).length);
    }
    return rf;
  }

  /** Members that may receive replicas: active ones (joining ones become active as soon as they serve). */
  public List<MemberInfo> placeableMembers() {
    return members.stream().filter(m -> m.state() == MemberState.ACTIVE).toList();
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
    return changed(nextMap, nextMembers, moves, settings);
  }

  private Result changed(ClusterMap nextMap, List<MemberInfo> nextMembers, List<Move> nextMoves,
                         Map<String, Long> nextSettings) {
    return new Result(new ClusterState(clusterId, nextMap.withEpoch(epoch() + 1), nextMembers, controllers, nextMoves,
        nextSettings, controllerChangePending), null, true);
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
      case MapCommand.StartMove start -> startMove(start);
      case MapCommand.FinishMove finish -> finishMove(finish);
      case MapCommand.AbortMove abort -> abortMove(abort);
      case MapCommand.SetSetting set -> setSetting(set);
      case MapCommand.SetControllers set -> setControllers(set);
      case MapCommand.ControllersChanged changed -> controllerChangePending
          ? new Result(new ClusterState(clusterId, map.withEpoch(epoch() + 1), members, controllers, moves, settings,
              false), null, true)
          : unchanged();
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
        if (isMoving(current.id())) {
          return refuse("member " + current.describe() + " is the source or destination of a replica move in "
              + "progress; wait until TIDE.REBALANCE STATUS no longer lists it");
        }
        if (isController(current.id())) {
          return refuse("member " + current.describe() + " is a controller voter; it cannot leave (remove another "
              + "node, or keep it: Tide does not move controller voters yet)");
        }
      }
      if (update.state() == MemberState.DRAINING) {
        int others = 0;
        for (MemberInfo m : members) {
          if (!m.id().equals(current.id()) && (m.state() == MemberState.ACTIVE || m.state() == MemberState.JOINING)) {
            others++;
          }
        }
        int rf = replicationFactor();
        if (others < rf) {
          return refuse("draining " + current.describe() + " would leave " + others + " active node"
              + (others == 1 ? "" : "s") + " for partitions of " + rf + " replicas; add a node first");
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

  private Result startMove(MapCommand.StartMove start) {
    int p = start.partition();
    if (p < 0 || p >= map.partitionCount()) {
      return refuse("no partition " + p + " (the map has " + map.partitionCount() + ")");
    }
    Move existing = move(p);
    if (existing != null) {
      if (existing.from().equals(start.from()) && existing.to().equals(start.to())) {
        return unchanged();
      }
      return refuse("partition " + p + " is already moving from " + existing.from() + " to " + existing.to());
    }
    MemberInfo from = info(start.from());
    MemberInfo to = info(start.to());
    if (from == null || to == null) {
      return refuse("no member with id " + (from == null ? start.from() : start.to()));
    }
    if (!map.isReplica(p, from.member())) {
      return refuse("member " + from.describe() + " holds no replica of partition " + p);
    }
    if (map.isReplica(p, to.member())) {
      return refuse("member " + to.describe() + " already holds a replica of partition " + p);
    }
    if (to.state() != MemberState.ACTIVE) {
      return refuse("member " + to.describe() + " is " + to.state().label() + "; only active members receive replicas");
    }
    List<Move> next = new ArrayList<>(moves);
    next.add(new Move(p, start.from(), start.to()));
    return changed(map, members, next, settings);
  }

  private Result finishMove(MapCommand.FinishMove finish) {
    int p = finish.partition();
    Move m = move(p);
    if (m == null || !m.from().equals(finish.from()) || !m.to().equals(finish.to())) {
      return refuse("partition " + p + " has no move from " + finish.from() + " to " + finish.to() + " in progress");
    }
    int[] current = map.replicaIndexes(p);
    int[] next = current.clone();
    int fromIndex = map.memberIndex(m.from());
    int toIndex = map.memberIndex(m.to());
    for (int i = 0; i < next.length; i++) {
      if (next[i] == fromIndex) {
        next[i] = toIndex; // the destination takes the source's place (and so its leader preference)
      }
    }
    List<Move> rest = new ArrayList<>(moves);
    rest.remove(m);
    return changed(map.withReplicas(p, next), members, rest, settings);
  }

  private Result abortMove(MapCommand.AbortMove abort) {
    Move m = move(abort.partition());
    if (m == null || !m.from().equals(abort.from()) || !m.to().equals(abort.to())) {
      return unchanged(); // already finished or aborted
    }
    List<Move> rest = new ArrayList<>(moves);
    rest.remove(m);
    return changed(map, members, rest, settings);
  }

  private Result setControllers(MapCommand.SetControllers set) {
    List<String> ids = set.memberIds();
    if (ids.isEmpty() || ids.size() > MAX_CONTROLLERS) {
      return refuse("the controller needs 1.." + MAX_CONTROLLERS + " voters, got " + ids.size());
    }
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      MemberInfo m = info(id);
      if (m == null || m.state() == MemberState.LEFT) {
        return refuse("no live member with id " + id + " to be a controller voter");
      }
      if (!seen.add(id)) {
        return refuse("member " + m.describe() + " is listed twice as a controller voter");
      }
    }
    if (controllerChangePending) {
      return refuse("a change of the controller voters is still in progress");
    }
    Set<String> current = new HashSet<>(controllers);
    int added = 0;
    for (String id : ids) {
      if (!current.contains(id)) {
        added++;
      }
    }
    int removed = current.size() - (ids.size() - added);
    if (added > 1 || removed > 1) {
      return refuse("the controller voters change by at most one added and one removed at a time");
    }
    if (current.equals(seen)) {
      return unchanged();
    }
    return new Result(new ClusterState(clusterId, map.withEpoch(epoch() + 1), members, ids, moves, settings, true),
        null, true);
  }

  private Result setSetting(MapCommand.SetSetting set) {
    Settings.Setting setting = Settings.byName(set.name());
    if (setting == null) {
      return refuse("unknown setting '" + set.name() + "'; settings are " + Settings.names());
    }
    String bad = setting.check(set.value());
    if (bad != null) {
      return refuse(bad);
    }
    if (setting(setting) == set.value()) {
      return unchanged();
    }
    Map<String, Long> next = new TreeMap<>(settings);
    if (set.value() == setting.defaultValue()) {
      next.remove(setting.name());
    } else {
      next.put(setting.name(), set.value());
    }
    return changed(map, members, moves, next);
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
      out.writeInt(moves.size());
      for (Move m : moves) {
        out.writeInt(m.partition());
        out.writeUTF(m.from());
        out.writeUTF(m.to());
      }
      out.writeInt(settings.size());
      for (Map.Entry<String, Long> e : settings.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
      out.writeBoolean(controllerChangePending);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream
    }
    return bytes.toByteArray();
  }

  /** Decodes {@link #encode}'s bytes; throws IllegalArgumentException naming what is wrong. */
  public static ClusterState decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readInt();
      if (version != FORMAT_VERSION && version != 1) {
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
      List<Move> moves = new ArrayList<>();
      Map<String, Long> settings = new TreeMap<>();
      boolean controllerChangePending = false;
      if (version >= 2) {
        int moveCount = in.readInt();
        check(moveCount >= 0 && moveCount <= partitions, "move count " + moveCount);
        for (int i = 0; i < moveCount; i++) {
          moves.add(new Move(in.readInt(), in.readUTF(), in.readUTF()));
        }
        int settingCount = in.readInt();
        check(settingCount >= 0 && settingCount <= Settings.MAX_SETTINGS, "setting count " + settingCount);
        for (int i = 0; i < settingCount; i++) {
          settings.put(in.readUTF(), in.readLong());
        }
        controllerChangePending = in.readBoolean();
      }
      check(in.available() == 0, "trailing bytes");
      try {
        return new ClusterState(clusterId, new ClusterMap(epoch, list, slots, replicas), infos, controllers, moves,
            settings, controllerChangePending);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cluster state is damaged: " + e.getMessage());
      }
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
        + ", members=" + liveMembers().size() + "/" + members.size() + ", partitions=" + map.partitionCount()
        + (moves.isEmpty() ? "" : ", moves=" + moves.size()) + "}";
  }
}
