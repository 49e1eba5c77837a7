package dev.tide.cluster.status;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal blocking RESP2/RESP3 client for tools (status, the local cluster manager): one
 * request at a time on one socket, with a connect and read timeout. Not for load: the lab has
 * the pipelined client.
 *
 * <p>Replies decode to plain Java values: simple strings and bulk strings to {@link String}
 * (UTF-8), integers to {@link Long}, arrays/sets/pushes to {@link List}, maps to
 * {@link LinkedHashMap}, nulls to null, doubles to {@link Double}, booleans to {@link Boolean},
 * errors to {@link Error} (returned, not thrown: an error reply is an answer).
 */
public final class RespClient implements AutoCloseable {

  /** An error reply ({@code -ERR ...}). */
  public record Error(String message) {
  }

  /** Longest line or bulk accepted from a server: status replies are a few KB; this bounds a bad peer. */
  static final int MAX_BULK_BYTES = 64 * 1024 * 1024;
  /** Most elements accepted in one aggregate, for the same reason. */
  static final int MAX_AGGREGATE = 1_000_000;
  /** Deepest nesting accepted (status replies nest 4 deep). */
  static final int MAX_DEPTH = 32;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RespClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
  }

  /** Connects with {@code timeoutMs} for the connection and for each reply. */
  public static RespClient connect(String host, int port, int timeoutMs) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      s.setSoTimeout(timeoutMs);
      s.setTcpNoDelay(true);
      return new RespClient(s);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Sends one command and reads its reply. */
  public Object call(String... argv) throws IOException {
    byte[][] b = new byte[argv.length][];
    for (int i = 0; i < argv.length; i++) {
      b[i] = argv[i].getBytes(StandardCharsets.UTF_8);
    }
    return call(b);
  }

  public Object call(byte[]... argv) throws IOException {
    out.write(('*' + Integer.toString(argv.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : argv) {
      out.write(('$' + Integer.toString(a.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(a);
      out.write('\r');
      out.write('\n');
    }
    out.flush();
    return read(in, 0);
  }

  /** Decodes one reply from {@code in}. */
  public static Object read(InputStream in, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("reply nested deeper than " + MAX_DEPTH);
    }
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed by the server");
    }
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        return new Error(line);
      case ':':
        return parseLong(line);
      case ',':
        return Double.parseDouble(line);
      case '#':
        return line.equals("t");
      case '_':
        return null;
      case '$':
      case '=': {
        long n = parseLong(line);
        if (n < 0) {
          return null;
        }
        if (n > MAX_BULK_BYTES) {
          throw new IOException("bulk of " + n + " bytes is over the limit of " + MAX_BULK_BYTES);
        }
        byte[] b = in.readNBytes((int) n);
        if (b.length != n || in.read() != '\r' || in.read() != '\n') {
          throw new EOFException("connection closed inside a bulk string");
        }
        String s = new String(b, StandardCharsets.UTF_8);
        return type == '=' && s.length() >= 4 ? s.substring(4) : s; // verbatim: drop "txt:"
      }
      case '*':
      case '~':
      case '>': {
        long n = parseLong(line);
        if (n < 0) {
          return null;
        }
        checkCount(n);
        List<Object> list = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
          list.add(read(in, depth + 1));
        }
        return list;
      }
      case '%': {
        long n = parseLong(line);
        checkCount(n);
        Map<Object, Object> map = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
          Object k = read(in, depth + 1);
          map.put(k, read(in, depth + 1));
        }
        return map;
      }
      default:
        throw new IOException("unexpected reply type '" + (char) type + "'");
    }
  }

  private static void checkCount(long n) throws IOException {
    if (n < 0 || n > MAX_AGGREGATE) {
      throw new IOException("aggregate of " + n + " elements is over the limit of " + MAX_AGGREGATE);
    }
  }

  private static long parseLong(String s) throws IOException {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IOException("bad number in reply: '" + s + "'");
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed inside a reply line");
      }
      if (c == '\r') {
        if (in.read() != '\n') {
          throw new IOException("reply line not ended by CRLF");
        }
        return sb.toString();
      }
      if (sb.length() >= MAX_BULK_BYTES) {
        throw new IOException("reply line over " + MAX_BULK_BYTES + " bytes");
      }
      sb.append((char) c);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing: nothing to do
    }
  }
}
