package dev.tide.cluster.controller;

import com.alipay.remoting.CustomSerializerManager;
import com.alipay.remoting.DefaultCustomSerializer;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.exception.DeserializationException;
import com.alipay.remoting.exception.SerializationException;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.ResponseCommand;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Bolt's serializer for {@link BusMessages}: Tide's own small binary encoding (a version byte,
 * then the fields; strings as modified UTF-8, byte arrays length-prefixed and bounded), registered
 * per class name with bolt's {@link CustomSerializerManager} the way JRaft registers its protobuf
 * messages. Without it bolt would fall back to Hessian, which needs reflective access into
 * {@code java.lang} on current JDKs (a warning at every start) and deserializes whatever class a
 * peer names.
 */
final class BusSerializer extends DefaultCustomSerializer {

  static final int VERSION = 1;
  /** Largest byte array accepted in a message: a cluster state fits with room to spare (StateFile's bound). */
  static final int MAX_BYTES = StateFile.MAX_PAYLOAD_BYTES;

  private static final BusSerializer INSTANCE = new BusSerializer();

  static {
    for (Class<?> type : new Class<?>[] {BusMessages.MapRequest.class, BusMessages.JoinRequest.class,
        BusMessages.ProposeRequest.class, BusMessages.MapNotice.class, BusMessages.Reply.class,
        BusMessages.MoveProbe.class, BusMessages.MoveProbeReply.class}) {
      CustomSerializerManager.registerCustomSerializer(type.getName(), INSTANCE);
    }
  }

  private BusSerializer() {
  }

  /** Makes sure the serializer is registered (class initialization does it once per JVM). */
  public static void register() {
    // the static initializer ran when this method's class was loaded
  }

  @Override
  public <T extends RequestCommand> boolean serializeContent(T request, InvokeContext ctx)
      throws SerializationException {
    RpcRequestCommand cmd = (RpcRequestCommand) request;
    try {
      cmd.setContent(encode(cmd.getRequestObject()));
      return true;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode " + cmd.getRequestObject().getClass().getSimpleName(), e);
    }
  }

  @Override
  public <T extends ResponseCommand> boolean serializeContent(T response) throws SerializationException {
    RpcResponseCommand cmd = (RpcResponseCommand) response;
    try {
      cmd.setContent(encode(cmd.getResponseObject()));
      return true;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode " + cmd.getResponseObject().getClass().getSimpleName(), e);
    }
  }

  @Override
  public <T extends RequestCommand> boolean deserializeContent(T request) throws DeserializationException {
    RpcRequestCommand cmd = (RpcRequestCommand) request;
    try {
      cmd.setRequestObject(decode(cmd.getRequestClass(), cmd.getContent()));
      return true;
    } catch (IOException | RuntimeException e) {
      throw new DeserializationException("cannot decode " + cmd.getRequestClass() + ": " + e.getMessage());
    }
  }

  @Override
  public <T extends ResponseCommand> boolean deserializeContent(T response, InvokeContext ctx)
      throws DeserializationException {
    RpcResponseCommand cmd = (RpcResponseCommand) response;
    try {
      cmd.setResponseObject(decode(cmd.getResponseClass(), cmd.getContent()));
      return true;
    } catch (IOException | RuntimeException e) {
      throw new DeserializationException("cannot decode " + cmd.getResponseClass() + ": " + e.getMessage());
    }
  }

  // ---- the encoding -------------------------------------------------------------------------------

  static byte[] encode(Object message) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      switch (message) {
        case BusMessages.MapRequest m -> {
          out.writeLong(m.knownEpoch);
          writeString(out, m.fromId);
        }
        case BusMessages.JoinRequest m -> {
          writeString(out, m.clusterId);
          writeString(out, m.name);
          writeString(out, m.host);
          out.writeInt(m.port);
          out.writeInt(m.busPort);
          writeString(out, m.zone);
        }
        case BusMessages.ProposeRequest m -> {
          writeString(out, m.clusterId);
          writeBytes(out, m.command);
        }
        case BusMessages.MapNotice m -> {
          writeString(out, m.clusterId);
          out.writeLong(m.epoch);
          writeString(out, m.leader);
        }
        case BusMessages.Reply m -> {
          out.writeInt(m.outcome);
          writeString(out, m.message);
          writeString(out, m.leader);
          writeString(out, m.controllers);
          writeBytes(out, m.state);
        }
        case BusMessages.MoveProbe m -> out.writeInt(m.partition);
        case BusMessages.MoveProbeReply m -> {
          writeString(out, m.role);
          writeString(out, m.phase);
          out.writeLong(m.lagEntries);
          out.writeLong(m.snapshotBytes);
          out.writeLong(m.snapshotSize);
          out.writeLong(m.appliedIndex);
          out.writeLong(m.lastLogIndex);
        }
        default -> throw new IOException("not a bus message: " + message.getClass().getName());
      }
    }
    return bytes.toByteArray();
  }

  static Object decode(String className, byte[] content) throws IOException {
    if (content == null) {
      throw new IOException("empty message");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(content))) {
      int version = in.readByte();
      if (version != VERSION) {
        throw new IOException("bus message version " + version + " is not supported (this Tide speaks " + VERSION + ")");
      }
      Object message;
      if (className.equals(BusMessages.MapRequest.class.getName())) {
        BusMessages.MapRequest m = new BusMessages.MapRequest();
        m.knownEpoch = in.readLong();
        m.fromId = readString(in);
        message = m;
      } else if (className.equals(BusMessages.JoinRequest.class.getName())) {
        BusMessages.JoinRequest m = new BusMessages.JoinRequest();
        m.clusterId = readString(in);
        m.name = readString(in);
        m.host = readString(in);
        m.port = in.readInt();
        m.busPort = in.readInt();
        m.zone = readString(in);
        message = m;
      } else if (className.equals(BusMessages.ProposeRequest.class.getName())) {
        BusMessages.ProposeRequest m = new BusMessages.ProposeRequest();
        m.clusterId = readString(in);
        m.command = readBytes(in);
        message = m;
      } else if (className.equals(BusMessages.MapNotice.class.getName())) {
        BusMessages.MapNotice m = new BusMessages.MapNotice();
        m.clusterId = readString(in);
        m.epoch = in.readLong();
        m.leader = readString(in);
        message = m;
      } else if (className.equals(BusMessages.Reply.class.getName())) {
        BusMessages.Reply m = new BusMessages.Reply();
        m.outcome = in.readInt();
        m.message = readString(in);
        m.leader = readString(in);
        m.controllers = readString(in);
        m.state = readBytes(in);
        message = m;
      } else if (className.equals(BusMessages.MoveProbe.class.getName())) {
        BusMessages.MoveProbe m = new BusMessages.MoveProbe();
        m.partition = in.readInt();
        message = m;
      } else if (className.equals(BusMessages.MoveProbeReply.class.getName())) {
        BusMessages.MoveProbeReply m = new BusMessages.MoveProbeReply();
        m.role = readString(in);
        m.phase = readString(in);
        m.lagEntries = in.readLong();
        m.snapshotBytes = in.readLong();
        m.snapshotSize = in.readLong();
        m.appliedIndex = in.readLong();
        m.lastLogIndex = in.readLong();
        message = m;
      } else {
        throw new IOException("not a bus message class: " + className);
      }
      if (in.available() != 0) {
        throw new IOException("trailing bytes");
      }
      return message;
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String readString(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > MAX_BYTES || length > in.available()) {
      throw new IOException("bad byte array length " + length);
    }
    return in.readNBytes(length);
  }
}
