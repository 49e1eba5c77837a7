package dev.tide.autoscaler.actuator;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link DrainHook} spoken over the Redis protocol to the node itself — the wire contract the
 * elasticity work is expected to implement on every node:
 * <pre>
 *   TIDE.NODE DRAIN        -> +OK                       start draining (idempotent)
 *   TIDE.NODE DRAINSTATUS  -> *2 $state $detail          state: serving | draining | drained | failed
 *   TIDE.NODE UNDRAIN      -> +OK                       back to serving (idempotent)
 * </pre>
 * An error reply, a reply of another shape, or a connection failure is {@code FAILED}: a node that
 * does not confirm its drain is never removed. Until the nodes implement the commands, every drain
 * fails with the node's own "unknown command" error and the Kubernetes actuator scales in nothing.
 * One short connection per call (calls are seconds apart); every read is bounded by a timeout and
 * by {@link #MAX_REPLY_BYTES}.
 */
public final class RespDrainHook implements DrainHook {

  /** A reply to these commands is a few words; anything longer is not one. */
  static final int MAX_REPLY_BYTES = 64 * 1024;

  private final int timeoutMs;
  private final String password;

  /**
   * @param timeoutMs  connect and read timeout of one call
   * @param password   AUTH password of the nodes, or null
   */
  public RespDrainHook(int timeoutMs, String password) {
    this.timeoutMs = timeoutMs;
    this.password = password;
  }

  @Override
  public void startDrain(Node node) throws IOException {
    expectOk(call(node, "TIDE.NODE", "DRAIN"), "TIDE.NODE DRAIN");
  }

  @Override
  public Progress progress(Node node) throws IOException {
    Object reply = call(node, "TIDE.NODE", "DRAINSTATUS");
    if (reply instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String state
        && l.get(1) instanceof String detail) {
      return switch (state) {
        case "drained" -> new Progress(State.DRAINED, detail);
        case "draining" -> new Progress(State.DRAINING, detail);
        case "failed" -> new Progress(State.FAILED, detail);
        default -> new Progress(State.FAILED, "node is " + state + " (" + detail + "), not draining");
      };
    }
    return new Progress(State.FAILED, "TIDE.NODE DRAINSTATUS: " + describe(reply));
  }

  @Override
  public void cancelDrain(Node node) throws IOException {
    expectOk(call(node, "TIDE.NODE", "UNDRAIN"), "TIDE.NODE UNDRAIN");
  }

  private static void expectOk(Object reply, String command) throws IOException {
    if (!"+OK".equals(reply)) {
      throw new IOException(command + ": " + describe(reply));
    }
  }

  private static String describe(Object reply) {
    return reply instanceof Err e ? e.text() : "unexpected reply " + reply;
  }

  /** An error reply. */
  record Err(String text) {
  }

  private Object call(Node node, String... args) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(node.host(), node.port()), timeoutMs);
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      if (password != null) {
        out.write(encode("AUTH", password));
        out.flush();
        Object auth = read(in, new int[] {MAX_REPLY_BYTES});
        if (auth instanceof Err e) {
          throw new IOException("AUTH: " + e.text());
        }
      }
      out.write(encode(args));
      out.flush();
      return read(in, new int[] {MAX_REPLY_BYTES});
    }
  }

  static byte[] encode(String... args) {
    StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Reads one RESP2 reply: "+text" for a simple string, Err, Long, String, null, or a List. */
  static Object read(InputStream in, int[] budget) throws IOException {
    String line = line(in, budget);
    if (line.isEmpty()) {
      throw new IOException("empty reply line");
    }
    String rest = line.substring(1);
    try {
      return switch (line.charAt(0)) {
        case '+' -> line;
        case '-' -> new Err(rest);
        case ':' -> Long.parseLong(rest);
        case '$' -> {
          int n = Integer.parseInt(rest);
          if (n < 0) {
            yield null;
          }
          if (n > budget[0]) {
            throw new IOException("reply longer than " + MAX_REPLY_BYTES + " bytes");
          }
          byte[] b = in.readNBytes(n + 2);
          budget[0] -= b.length;
          if (b.length != n + 2) {
            throw new IOException("connection closed in a reply");
          }
          yield new String(b, 0, n, StandardCharsets.UTF_8);
        }
        case '*' -> {
          int n = Integer.parseInt(rest);
          if (n < 0) {
            yield null;
          }
          if (n > budget[0]) {
            throw new IOException("reply longer than " + MAX_REPLY_BYTES + " bytes");
          }
          List<Object> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            items.add(read(in, budget));
          }
          yield items;
        }
        default -> throw new IOException("not a RESP reply: " + line);
      };
    } catch (NumberFormatException e) {
      throw new IOException("bad length in reply: " + line);
    }
  }

  private static String line(InputStream in, int[] budget) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in a reply");
      }
      if (--budget[0] < 0) {
        throw new IOException("reply longer than " + MAX_REPLY_BYTES + " bytes");
      }
      if (c == '\r') {
        int lf = in.read();
        if (lf != '\n') {
          throw new IOException("bad line end in reply");
        }
        return b.toString(StandardCharsets.UTF_8);
      }
      b.write(c);
    }
  }
}
