package dev.tide.server.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal blocking RESP2/RESP3 client for tests: sends commands, reads replies into plain Java
 * values so replies from Tide and from redis-server can be compared exactly.
 *
 * <p>Reply mapping: simple string → {@link Simple}, error → {@link Err}, integer → Long, bulk →
 * String (UTF-8; binary-safe enough for tests that use text), null → null, array/set/push → List
 * (set → {@link RespSet}, push → {@link Push}), map → LinkedHashMap, double → {@link Dbl},
 * boolean → Boolean, verbatim → String (without its format prefix).
 */
public final class RespClient implements Closeable {

  /** A simple-string reply such as OK or QUEUED. */
  public record Simple(String text) {
    @Override
    public String toString() {
      return "+" + text;
    }
  }

  /** An error reply; {@code text} is the full message, e.g. "ERR syntax error". */
  public record Err(String text) {
    @Override
    public String toString() {
      return "-" + text;
    }
  }

  /** A RESP3 double, kept as its text so formatting is compared too. */
  public record Dbl(String text) {
    @Override
    public String toString() {
      return "," + text;
    }
  }

  /** A RESP3 set reply. */
  public static final class RespSet extends ArrayList<Object> {
  }

  /** A RESP3 push message. */
  public static final class Push extends ArrayList<Object> {
  }

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  public RespClient(String host, int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(30_000);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RespClient(int port) {
    this("127.0.0.1", port);
  }

  public void setTimeoutMs(int ms) {
    try {
      socket.setSoTimeout(ms);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one command and returns its reply. */
  public Object call(String... args) {
    send(args);
    return read();
  }

  public Object call(byte[]... args) {
    send(args);
    return read();
  }

  public void send(String... args) {
    byte[][] b = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      b[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    send(b);
  }

  public void send(byte[]... args) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      buf.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (byte[] a : args) {
        buf.write(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        buf.write(a);
        buf.write('\r');
        buf.write('\n');
      }
      out.write(buf.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes raw bytes (malformed input tests). */
  public void sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void sendRaw(String text) {
    sendRaw(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads one reply. */
  public Object read() {
    try {
      return readValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * True when the server closed the connection: EOF or a reset within the socket timeout. A read
   * timeout (the server kept the connection open) is false, so a test cannot pass by waiting.
   */
  public boolean isClosedByPeer() {
    try {
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private Object readValue() throws IOException {
    int type = in.read();
    if (type == -1) {
      throw new IOException("connection closed by server");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return new Simple(line);
      case '-':
        return new Err(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int len = Integer.parseInt(line);
        return len < 0 ? null : new String(readBytes(len), StandardCharsets.UTF_8);
      }
      case '=': {
        int len = Integer.parseInt(line);
        String s = new String(readBytes(len), StandardCharsets.UTF_8);
        return s.substring(4);
      }
      case '*':
      case '~':
      case '>': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> list = type == '~' ? new RespSet() : type == '>' ? new Push() : new ArrayList<>();
        for (int i = 0; i < n; i++) {
          list.add(readValue());
        }
        return list;
      }
      case '%': {
        int n = Integer.parseInt(line);
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object k = readValue();
          map.put(k, readValue());
        }
        return map;
      }
      case '_':
        return null;
      case ',':
        return new Dbl(line);
      case '#':
        return line.equals("t");
      case '(':
        return new java.math.BigInteger(line);
      default:
        throw new IOException("unexpected reply type '" + (char) type + "' " + line);
    }
  }

  private byte[] readBytes(int len) throws IOException {
    byte[] b = in.readNBytes(len);
    if (b.length != len) {
      throw new IOException("connection closed in a bulk reply");
    }
    if (in.read() != '\r' || in.read() != '\n') {
      throw new IOException("bulk reply not terminated by CRLF");
    }
    return b;
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        int lf = in.read();
        if (lf != '\n') {
          throw new IOException("CR not followed by LF");
        }
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(c);
    }
    throw new IOException("connection closed in a reply line");
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a test client
    }
  }
}
