package dev.tide.lab.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny RESP server for lab tests, written for them: blocking sockets, one thread per
 * connection, a {@link Handler} decides each reply. It records when each command arrived
 * (System.nanoTime, the same clock the runner uses) and can stall every connection for a while,
 * as a server in a GC pause or a disk stall would.
 */
public final class FakeRespServer implements AutoCloseable {

  /** Most connections a test may open. */
  static final int MAX_CONNECTIONS = 64;
  /** Longest command line accepted (tests send short commands). */
  static final int MAX_ARGS = 1_000;

  /** Decides the raw RESP reply (e.g. "+OK\r\n") for a command. */
  @FunctionalInterface
  public interface Handler {
    String reply(List<String> argv, Connection connection);
  }

  /** Per-connection state a handler may use (the previous command, for ASKING). */
  public static final class Connection {
    public String previousCommand = "";
  }

  private final ServerSocket server;
  private final Handler handler;
  private final Thread acceptor;
  private final List<Socket> sockets = new ArrayList<>();
  private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
  private final AtomicLong commands = new AtomicLong();
  private volatile boolean closed;
  /** A command read in [stallFromNs, stallUntilNs) is not answered before stallUntilNs. */
  private volatile long stallFromNs = Long.MAX_VALUE;
  private volatile long stallUntilNs = Long.MIN_VALUE;
  private volatile boolean recordArrivals;

  public FakeRespServer(Handler handler) throws IOException {
    this.handler = handler;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name("fake-resp-accept").start(this::acceptLoop);
  }

  /** A server that answers +OK to everything (GET gets a nil bulk string). */
  public static FakeRespServer ok() throws IOException {
    return new FakeRespServer((argv, c) -> argv.get(0).equalsIgnoreCase("GET") ? "$-1\r\n" : "+OK\r\n");
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Record the arrival time of every command from now on. */
  public FakeRespServer recordArrivals() {
    recordArrivals = true;
    return this;
  }

  public List<Long> arrivals() {
    return List.copyOf(arrivals);
  }

  public long commands() {
    return commands.get();
  }

  /**
   * Stalls every connection from {@code fromNs} to {@code untilNs} (System.nanoTime): a command
   * read in that window is answered only after it, and commands behind it pile up unread.
   */
  public void stallBetween(long fromNs, long untilNs) {
    stallUntilNs = untilNs;
    stallFromNs = fromNs;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        synchronized (sockets) {
          if (sockets.size() >= MAX_CONNECTIONS) {
            s.close();
            continue;
          }
          sockets.add(s);
        }
        s.setTcpNoDelay(true);
        Thread.ofPlatform().daemon().name("fake-resp-conn").start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    Connection conn = new Connection();
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      StringBuilder pendingOut = new StringBuilder();
      while (!closed) {
        List<String> argv = readCommand(in);
        if (argv == null) {
          return;
        }
        long stall = stallUntilNs;
        long now = System.nanoTime();
        if (now >= stallFromNs && now < stall) {
          flush(out, pendingOut);
          Thread.sleep((stall - now) / 1_000_000, (int) ((stall - now) % 1_000_000));
        }
        if (recordArrivals) {
          arrivals.add(now);
        }
        commands.incrementAndGet();
        pendingOut.append(handler.reply(argv, conn));
        conn.previousCommand = argv.get(0).toUpperCase();
        if (in.available() == 0) {
          flush(out, pendingOut); // reply in batches, as a server does for a pipeline
        }
      }
    } catch (IOException | InterruptedException e) {
      // connection closed
    }
  }

  private static void flush(OutputStream out, StringBuilder pending) throws IOException {
    if (!pending.isEmpty()) {
      out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      pending.setLength(0);
    }
  }

  private static List<String> readCommand(InputStream in) throws IOException {
    String header = readLine(in);
    if (header == null) {
      return null;
    }
    if (!header.startsWith("*")) {
      throw new IOException("expected an array, got " + header);
    }
    int n = Integer.parseInt(header.substring(1));
    if (n < 1 || n > MAX_ARGS) {
      throw new IOException("bad argument count " + n);
    }
    List<String> argv = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String len = readLine(in);
      if (len == null || !len.startsWith("$")) {
        throw new IOException("expected a bulk string");
      }
      byte[] b = in.readNBytes(Integer.parseInt(len.substring(1)));
      in.readNBytes(2);
      argv.add(new String(b, StandardCharsets.UTF_8));
    }
    return argv;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read();
        return sb.toString();
      }
      sb.append((char) c);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
    try {
      acceptor.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
