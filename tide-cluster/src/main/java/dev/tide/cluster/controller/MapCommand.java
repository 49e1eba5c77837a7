package dev.tide.cluster.controller;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One change to the cluster map, as a controller log entry. Commands carry their inputs, never
 * the time or anything random, so every controller replica computes the same next state
 * ({@link ClusterState#apply}).
 *
 * <p>Encoding: byte version ({@link #VERSION}), byte kind, then the fields of the kind (strings as
 * modified UTF-8, ints, longs). Unknown kinds and versions are refused on decode.
 */
public sealed interface MapCommand {

  int VERSION = 1;

  /** Records the first map of a cluster (its bootstrap map with the cluster id); no-op once recorded. */
  record Init(ClusterState state) implements MapCommand {
  }

  /** Adds a node that asked to join (state {@link MemberState#JOINING}), or re-admits one that left. */
  record AddMember(String name, String host, int port, int busPort, String zone) implements MapCommand {
  }

  /** Changes a member's name, state or zone; null fields stay as they are. */
  record UpdateMember(String id, String name, MemberState state, String zone) implements MapCommand {
  }

  /** Sets the replicas of a partition (member ids, preferred leader first). */
  record SetReplicas(int partition, List<String> memberIds) implements MapCommand {
    public SetReplicas {
      memberIds = List.copyOf(memberIds);
    }
  }

  /** Assigns slots {@code first..last} (inclusive) to a partition. */
  record SetSlots(int first, int last, int partition) implements MapCommand {
  }

  /** Starts moving partition {@code partition}'s replica on member {@code from} to member {@code to}. */
  record StartMove(int partition, String from, String to) implements MapCommand {
  }

  /** Records a finished move: {@code to} replaces {@code from} in the partition's replica list. */
  record FinishMove(int partition, String from, String to) implements MapCommand {
  }

  /** Forgets a move that cannot finish (its destination never caught up); the replicas stay as they were. */
  record AbortMove(int partition, String from, String to) implements MapCommand {
  }

  /** Sets a cluster-wide setting ({@link Settings}). */
  record SetSetting(String name, long value) implements MapCommand {
  }

  /**
   * Sets the controller group's voters to {@code memberIds} (the target: nodes listed start a
   * controller replica; the controller leader then changes the group's Raft configuration to it)
   * and marks the change pending until {@link ControllersChanged}.
   */
  record SetControllers(List<String> memberIds) implements MapCommand {
    public SetControllers {
      memberIds = List.copyOf(memberIds);
    }
  }

  /** The controller group's Raft configuration now equals the map's voters: replicas of former voters may stop. */
  record ControllersChanged() implements MapCommand {
  }

  byte INIT = 1;
  byte ADD_MEMBER = 2;
  byte UPDATE_MEMBER = 3;
  byte SET_REPLICAS = 4;
  byte SET_SLOTS = 5;
  byte START_MOVE = 6;
  byte FINISH_MOVE = 7;
  byte ABORT_MOVE = 8;
  byte SET_SETTING = 9;
  byte SET_CONTROLLERS = 10;
  byte CONTROLLERS_CHANGED = 11;

  default byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      switch (this) {
        case Init init -> {
          out.writeByte(INIT);
          byte[] state = init.state().encode();
          out.writeInt(state.length);
          out.write(state);
        }
        case AddMember add -> {
          out.writeByte(ADD_MEMBER);
          out.writeUTF(add.name());
          out.writeUTF(add.host());
          out.writeInt(add.port());
          out.writeInt(add.busPort());
          out.writeUTF(add.zone());
        }
        case UpdateMember update -> {
          out.writeByte(UPDATE_MEMBER);
          out.writeUTF(update.id());
          writeOptional(out, update.name());
          out.writeByte(update.state() == null ? 0 : update.state().code());
          writeOptional(out, update.zone());
        }
        case SetReplicas set -> {
          out.writeByte(SET_REPLICAS);
          out.writeInt(set.partition());
          out.writeInt(set.memberIds().size());
          for (String id : set.memberIds()) {
            out.writeUTF(id);
          }
        }
        case SetSlots set -> {
          out.writeByte(SET_SLOTS);
          out.writeInt(set.first());
          out.writeInt(set.last());
          out.writeInt(set.partition());
        }
        case StartMove m -> writeMove(out, START_MOVE, m.partition(), m.from(), m.to());
        case FinishMove m -> writeMove(out, FINISH_MOVE, m.partition(), m.from(), m.to());
        case AbortMove m -> writeMove(out, ABORT_MOVE, m.partition(), m.from(), m.to());
        case SetSetting set -> {
          out.writeByte(SET_SETTING);
          out.writeUTF(set.name());
          out.writeLong(set.value());
        }
        case SetControllers set -> {
          out.writeByte(SET_CONTROLLERS);
          out.writeInt(set.memberIds().size());
          for (String id : set.memberIds()) {
            out.writeUTF(id);
          }
        }
        case ControllersChanged changed -> out.writeByte(CONTROLLERS_CHANGED);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream
    }
    return bytes.toByteArray();
  }

  /** Decodes {@link #encode}'s bytes; throws IllegalArgumentException naming what is wrong. */
  static MapCommand decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("map command version " + version + " is not supported");
      }
      byte kind = in.readByte();
      MapCommand command = switch (kind) {
        case INIT -> {
          int length = in.readInt();
          if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("map command: bad state length " + length);
          }
          byte[] state = in.readNBytes(length);
          yield new Init(ClusterState.decode(state));
        }
        case ADD_MEMBER -> new AddMember(in.readUTF(), in.readUTF(), in.readInt(), in.readInt(), in.readUTF());
        case UPDATE_MEMBER -> {
          String id = in.readUTF();
          String name = readOptional(in);
          int state = in.readByte();
          String zone = readOptional(in);
          yield new UpdateMember(id, name, state == 0 ? null : MemberState.ofCode(state), zone);
        }
        case SET_REPLICAS -> {
          int partition = in.readInt();
          int count = in.readInt();
          if (count < 0 || count > ClusterState.MAX_REPLICAS) {
            throw new IllegalArgumentException("map command: bad replica count " + count);
          }
          List<String> ids = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            ids.add(in.readUTF());
          }
          yield new SetReplicas(partition, ids);
        }
        case SET_SLOTS -> new SetSlots(in.readInt(), in.readInt(), in.readInt());
        case START_MOVE -> new StartMove(in.readInt(), in.readUTF(), in.readUTF());
        case FINISH_MOVE -> new FinishMove(in.readInt(), in.readUTF(), in.readUTF());
        case ABORT_MOVE -> new AbortMove(in.readInt(), in.readUTF(), in.readUTF());
        case SET_SETTING -> new SetSetting(in.readUTF(), in.readLong());
        case SET_CONTROLLERS -> {
          int count = in.readInt();
          if (count < 1 || count > ClusterState.MAX_CONTROLLERS) {
            throw new IllegalArgumentException("map command: bad controller count " + count);
          }
          List<String> ids = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            ids.add(in.readUTF());
          }
          yield new SetControllers(ids);
        }
        case CONTROLLERS_CHANGED -> new ControllersChanged();
        default -> throw new IllegalArgumentException("unknown map command kind " + kind);
      };
      if (in.available() != 0) {
        throw new IllegalArgumentException("map command: trailing bytes");
      }
      return command;
    } catch (IOException e) {
      throw new IllegalArgumentException("map command is truncated: " + e.getMessage());
    }
  }

  private static void writeMove(DataOutputStream out, byte kind, int partition, String from, String to)
      throws IOException {
    out.writeByte(kind);
    out.writeInt(partition);
    out.writeUTF(from);
    out.writeUTF(to);
  }

  private static void writeOptional(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String readOptional(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
