package dev.tide.server.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain socket for sending bytes that no client library would send, and reading back exactly
 * what the server answers, up to the point where it closes the connection.
 */
final class RawConnection implements AutoCloseable {

  /** What came back: the bytes, and whether the server closed the connection. */
  record Outcome(byte[] reply, boolean closedByServer) {
    String text() {
      return new String(reply, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      String t = text().replace("\r", "\\r").replace("\n", "\\n");
      return (t.length() > 300 ? t.substring(0, 300) + "...(" + reply.length + " bytes)" : t)
          + (closedByServer ? " [closed]" : " [open]");
    }
  }

  private final Socket socket;

  RawConnection(int port) {
    this(port, 0);
  }

  /** @param receiveBufferBytes the socket's receive buffer, or 0 for the system default */
  RawConnection(int port, int receiveBufferBytes) {
    try {
      socket = new Socket();
      if (receiveBufferBytes > 0) {
        socket.setReceiveBufferSize(receiveBufferBytes);
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setTcpNoDelay(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RawConnection send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RawConnection send(String latin1) {
    return send(latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends, ignoring a server that has already closed (it may close while we still write). */
  RawConnection sendQuietly(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // the server closed the connection; the outcome says so
    }
    return this;
  }

  /** Half-closes: tells the server we will send nothing more. */
  RawConnection shutdownOutput() {
    try {
      socket.shutdownOutput();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads until the server closes the connection or nothing arrives for {@code quietMs}; a reset
   * counts as closed. A server that closes never makes this wait for {@code quietMs}.
   */
  Outcome read(int quietMs) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      socket.setSoTimeout(quietMs);
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[64 * 1024];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return new Outcome(got.toByteArray(), true);
        }
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      return new Outcome(got.toByteArray(), false);
    } catch (IOException e) {
      return new Outcome(got.toByteArray(), true); // connection reset
    }
  }

  /** Reads exactly {@code n} bytes, failing if they do not come within {@code limitMs} of silence. */
  byte[] readExactly(int n, int limitMs) {
    try {
      socket.setSoTimeout(limitMs);
      byte[] got = socket.getInputStream().readNBytes(n);
      if (got.length != n) {
        throw new AssertionError("server closed after " + got.length + " of " + n + " bytes");
      }
      return got;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads until the server closes, failing the test if it does not within {@code limitMs}. */
  Outcome readUntilClosed(int limitMs) {
    Outcome o = read(limitMs);
    if (!o.closedByServer()) {
      throw new AssertionError("server did not close the connection within " + limitMs + " ms; got " + o);
    }
    return o;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }
}
