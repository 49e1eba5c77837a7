package dev.tide.cluster.controller;

import dev.tide.cluster.map.ClusterMap;
import dev.tide.cluster.map.Member;
import dev.tide.engine.slots.Slots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The controller's state machine logic without Raft: commands, refusals, epochs, encodings, the state file. */
class ClusterStateTest {

  @TempDir
  Path dir;

  private static List<Member> members(int n) {
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Member.of("127.0.0.1", 7101 + i, 17101 + i));
    }
    return out;
  }

  /** A recorded 3-member, 4-partition state whose members registered their names n1..n3. */
  private static ClusterState recorded() {
    ClusterState s = ClusterState.bootstrap(ClusterMap.initial(members(3), 4, 3)).recorded("test-cluster");
    for (int i = 0; i < 3; i++) {
      s = ok(s, new MapCommand.UpdateMember(s.map().members().get(i).id(), "n" + (i + 1), null, null));
    }
    return s;
  }

  private static ClusterState ok(ClusterState s, MapCommand c) {
    ClusterState.Result r = s.apply(c);
    assertThat(r.error()).as("refusal of %s", c).isNull();
    return r.state();
  }

  private static String refused(ClusterState s, MapCommand c) {
    ClusterState.Result r = s.apply(c);
    assertThat(r.ok()).as("%s should be refused", c).isFalse();
    assertThat(r.state()).isSameAs(s);
    assertThat(r.changed()).isFalse();
    return r.error();
  }

  @Test
  void bootstrapIsProvisionalEpochZeroAndTheControllerRecordsItAsEpochOne() {
    ClusterState boot = ClusterState.bootstrap(ClusterMap.initial(members(7), 16, 3));
    assertThat(boot.epoch()).isZero();
    assertThat(boot.isRecorded()).isFalse();
    assertThat(boot.controllers()).hasSize(ClusterState.MAX_CONTROLLERS)
        .containsExactlyElementsOf(members(7).subList(0, 5).stream().map(Member::id).toList());
    ClusterState rec = boot.recorded("id-1");
    assertThat(rec.epoch()).isEqualTo(1);
    assertThat(rec.clusterId()).isEqualTo("id-1");
    assertThat(rec.liveMembers()).allMatch(m -> m.state() == MemberState.ACTIVE && m.name().isEmpty());
    assertThat(ClusterState.bootstrap(ClusterMap.initial(members(2), 4, 3)).controllers()).hasSize(2);
  }

  @Test
  void everyChangeBumpsTheEpochByOneAndARepeatedCommandChangesNothing() {
    ClusterState s = recorded();
    assertThat(s.epoch()).isEqualTo(4);
    MapCommand.AddMember add = new MapCommand.AddMember("n4", "127.0.0.1", 7104, 17104, "z1");
    ClusterState joined = ok(s, add);
    assertThat(joined.epoch()).isEqualTo(5);
    MemberInfo n4 = joined.info(Member.idFor("127.0.0.1", 17104));
    assertThat(n4.name()).isEqualTo("n4");
    assertThat(n4.zone()).isEqualTo("z1");
    assertThat(n4.state()).isEqualTo(MemberState.JOINING);
    assertThat(joined.map().partitionsOn(n4.member())).isEmpty();
    // the same node asking again (a lost reply) is not a new member and no new epoch
    ClusterState.Result again = joined.apply(add);
    assertThat(again.ok()).isTrue();
    assertThat(again.changed()).isFalse();
    assertThat(again.state().epoch()).isEqualTo(5);
    ClusterState active = ok(joined, new MapCommand.UpdateMember(n4.id(), null, MemberState.ACTIVE, null));
    assertThat(active.epoch()).isEqualTo(6);
    assertThat(active.info(n4.id()).state()).isEqualTo(MemberState.ACTIVE);
    assertThat(active.apply(new MapCommand.UpdateMember(n4.id(), "n4", MemberState.ACTIVE, "z1")).changed()).isFalse();
  }

  @Test
  void joinsThatWouldConfuseTheMapAreRefusedSayingWhatToFix() {
    ClusterState s = recorded();
    assertThat(refused(s, new MapCommand.AddMember("n2", "127.0.0.1", 7199, 17199, "")))
        .contains("node name 'n2' is already used by member 'n2' at 127.0.0.1:7102@17102 (active)")
        .contains("choose another --node-id");
    assertThat(refused(s, new MapCommand.AddMember("other", "127.0.0.1", 7102, 17102, "")))
        .contains("bus address 127.0.0.1:17102 already belongs to member 'n2'");
    assertThat(refused(s, new MapCommand.AddMember("bad name", "127.0.0.1", 7199, 17199, "")))
        .contains("--node-id must be");
    assertThat(refused(s, new MapCommand.AddMember("n9", "127.0.0.1", 7199, 17199, "bad zone")))
        .contains("--zone must be");
    assertThat(refused(s, new MapCommand.UpdateMember(s.map().members().get(0).id(), "n3", null, null)))
        .contains("node name 'n3' is already used");
  }

  @Test
  void aMemberLeavesOnlyWhenItHoldsNothingAndCanJoinAgainAtTheSamePosition() {
    ClusterState s = ok(recorded(), new MapCommand.AddMember("n4", "127.0.0.1", 7104, 17104, ""));
    String n4 = Member.idFor("127.0.0.1", 17104);
    String n1 = s.map().members().get(0).id();
    assertThat(refused(s, new MapCommand.UpdateMember(n1, null, MemberState.LEFT, null)))
        .contains("still holds replicas of partitions");
    ClusterState left = ok(s, new MapCommand.UpdateMember(n4, null, MemberState.LEFT, null));
    assertThat(left.liveMembers()).hasSize(3);
    assertThat(left.liveByName("n4")).isNull();
    assertThat(refused(left, new MapCommand.SetReplicas(0, List.of(n4)))).contains("has left");
    assertThat(refused(left, new MapCommand.UpdateMember(n4, "x", null, null))).contains("has left the cluster");
    // the name is free again, and the address can come back
    ClusterState back = ok(left, new MapCommand.AddMember("n5", "127.0.0.1", 7104, 17104, ""));
    assertThat(back.map().members()).hasSize(4);
    assertThat(back.map().memberIndex(n4)).isEqualTo(3);
    assertThat(back.info(n4).name()).isEqualTo("n5");
    assertThat(back.info(n4).state()).isEqualTo(MemberState.JOINING);
  }

  @Test
  void replicasAndSlotsChangeOnlyToValidPlacements() {
    ClusterState s = ok(recorded(), new MapCommand.AddMember("n4", "127.0.0.1", 7104, 17104, ""));
    String n4 = Member.idFor("127.0.0.1", 17104);
    String n1 = s.map().members().get(0).id();
    ClusterState moved = ok(s, new MapCommand.SetReplicas(2, List.of(n4, n1)));
    assertThat(moved.map().preferredLeader(2).id()).isEqualTo(n4);
    assertThat(moved.map().partitionsOn(moved.info(n4).member())).containsExactly(2);
    assertThat(moved.apply(new MapCommand.SetReplicas(2, List.of(n4, n1))).changed()).isFalse();
    assertThat(refused(s, new MapCommand.SetReplicas(2, List.of(n4, n4)))).contains("listed twice");
    assertThat(refused(s, new MapCommand.SetReplicas(9, List.of(n4)))).contains("no partition 9");
    assertThat(refused(s, new MapCommand.SetReplicas(2, List.of()))).contains("needs 1..");
    assertThat(refused(s, new MapCommand.SetReplicas(2, List.of("nobody")))).contains("no member with id nobody");

    ClusterState slots = ok(s, new MapCommand.SetSlots(0, 99, 3));
    assertThat(slots.map().partitionOf(0)).isEqualTo(3);
    assertThat(slots.map().partitionOf(99)).isEqualTo(3);
    assertThat(slots.map().partitionOf(100)).isEqualTo(s.map().partitionOf(100));
    assertThat(slots.apply(new MapCommand.SetSlots(0, 99, 3)).changed()).isFalse();
    assertThat(refused(s, new MapCommand.SetSlots(5, Slots.COUNT, 0))).contains("is not within");
    assertThat(refused(s, new MapCommand.SetSlots(9, 5, 0))).contains("is not within");
  }

  @Test
  void statesAndCommandsSurviveTheirEncodings() {
    ClusterState s = recorded();
    s = ok(s, new MapCommand.AddMember("n4", "127.0.0.1", 7104, 17104, "zone-b"));
    s = ok(s, new MapCommand.SetSlots(10, 5000, 1));
    s = ok(s, new MapCommand.SetReplicas(1, List.of(Member.idFor("127.0.0.1", 17104), s.map().members().get(0).id())));
    ClusterState decoded = ClusterState.decode(s.encode());
    assertThat(decoded).isEqualTo(s);
    assertThat(decoded.epoch()).isEqualTo(s.epoch());
    assertThat(decoded.map().slotRanges(1)).usingRecursiveComparison().isEqualTo(s.map().slotRanges(1));
    assertThat(decoded.info(Member.idFor("127.0.0.1", 17104)).zone()).isEqualTo("zone-b");

    List<MapCommand> commands = List.of(new MapCommand.Init(s),
        new MapCommand.AddMember("n", "h", 1, 2, ""),
        new MapCommand.UpdateMember("id", null, MemberState.DRAINING, "z"),
        new MapCommand.UpdateMember("id", "name", null, null),
        new MapCommand.SetReplicas(3, List.of("a", "b")),
        new MapCommand.SetSlots(1, 2, 3));
    for (MapCommand c : commands) {
      MapCommand back = MapCommand.decode(c.encode());
      if (c instanceof MapCommand.Init init) {
        assertThat(((MapCommand.Init) back).state()).isEqualTo(init.state());
      } else {
        assertThat(back).isEqualTo(c);
      }
    }
    byte[] bad = new MapCommand.SetSlots(1, 2, 3).encode();
    bad[1] = 99;
    assertThatThrownBy(() -> MapCommand.decode(bad)).hasMessageContaining("unknown map command kind 99");
    byte[] truncated = java.util.Arrays.copyOf(s.encode(), 40);
    assertThatThrownBy(() -> ClusterState.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theStateFileRoundTripsAndRefusesDamage() throws IOException {
    ClusterState s = recorded();
    Path file = dir.resolve("cluster.map");
    StateFile.write(file, s);
    assertThat(StateFile.read(file)).isEqualTo(s);

    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(file, bytes);
    assertThatThrownBy(() -> StateFile.read(file)).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("checksum");

    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 30));
    assertThatThrownBy(() -> StateFile.read(file)).isInstanceOf(IOException.class).hasMessageContaining("damaged");

    Files.writeString(file, "hello");
    assertThatThrownBy(() -> StateFile.read(file)).isInstanceOf(IOException.class)
        .hasMessageContaining("not a Tide cluster map");
  }
}
