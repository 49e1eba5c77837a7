package dev.tide.server.commands;

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

/**
 * A test connection that returns each reply as its exact wire text, so tests can compare reply
 * shapes that a parsing client folds together ({@code $-1} and {@code *-1} are both "null" to
 * most clients, but not to all, and Redis picks one deliberately per command).
 */
final class RawResp implements Closeable {

  /** Longest reply a test reads; guards against a runaway read on a broken stream. */
  private static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  RawResp(int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(30_000);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void setTimeoutMs(int ms) {
    try {
      socket.setSoTimeout(ms);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String call(String... args) {
    send(args);
    return read();
  }

  void send(String... args) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      buf.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        buf.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        buf.write(b);
        buf.write('\r');
        buf.write('\n');
      }
      out.write(buf.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one complete reply and returns its bytes as text (CRLFs included). */
  String read() {
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    try {
      readValue(reply);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return reply.toString(StandardCharsets.UTF_8);
  }

  private void readValue(ByteArrayOutputStream reply) throws IOException {
    int type = in.read();
    if (type == -1) {
      throw new IOException("connection closed by server");
    }
    reply.write(type);
    String line = readLine(reply);
    switch (type) {
      case '$', '=', '!' -> {
        int len = Integer.parseInt(line);
        if (len >= 0) {
          copy(reply, len + 2);
        }
      }
      case '*', '~', '>' -> {
        int n = Integer.parseInt(line);
        for (int i = 0; i < n; i++) {
          readValue(reply);
        }
      }
      case '%', '|' -> {
        int n = Integer.parseInt(line);
        for (int i = 0; i < 2 * n; i++) {
          readValue(reply);
        }
      }
      default -> {
        // simple types: the line is the whole value
      }
    }
    if (reply.size() > MAX_REPLY_BYTES) {
      throw new IOException("reply larger than " + MAX_REPLY_BYTES + " bytes");
    }
  }

  private void copy(ByteArrayOutputStream reply, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new IOException("connection closed inside a reply");
    }
    reply.write(b);
  }

  private String readLine(ByteArrayOutputStream reply) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      reply.write(c);
      if (c == '\r') {
        int lf = in.read();
        reply.write(lf);
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
      // closing a test connection
    }
  }
}
