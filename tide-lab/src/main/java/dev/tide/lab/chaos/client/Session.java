package dev.tide.lab.chaos.client;

import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.resp.RespConnection;
import dev.tide.lab.resp.RespError;
import dev.tide.lab.resp.RespReplyDecoder;
import dev.tide.lab.safety.TargetGuard;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One logical client's connections (one per node address) and synchronous calls on them. Not
 * thread-safe: one client thread owns a session, so it has at most one operation in flight and
 * its WATCH state lives on its own connection.
 *
 * <p>{@link #execute} routes by key and follows replies that prove the command did nothing
 * (MOVED, Tide's pre-proposal TRYAGAINs, CLUSTERDOWN, a connection that could not be made), at
 * most {@link #MAX_ATTEMPTS} times with a growing pause; anything else is returned to the
 * workload, which decides the outcome. A lost reply closes that connection (the next call dials
 * again), so a late reply can never be taken for the next request's.
 */
public final class Session implements AutoCloseable {

  /** Attempts per command (1 + retries). Redis Cluster clients use 5 redirects; failover here takes ~1-2 s, covered by the pauses. */
  public static final int MAX_ATTEMPTS = 8;
  /** First pause before a retry; doubles per attempt up to {@link #MAX_RETRY_PAUSE_MS}. */
  static final long FIRST_RETRY_PAUSE_MS = 25;
  static final long MAX_RETRY_PAUSE_MS = 800;
  /** Slack over the connection's own timeout before the caller stops waiting. */
  static final long WAIT_SLACK_MS = 2_000;

  private final ClientIo io;
  private final TargetGuard guard;
  private final Router router;
  private final long timeoutNs;
  private final Map<String, RespConnection> connections = new HashMap<>();

  public Session(ClientIo io, TargetGuard guard, Router router, long timeoutNs) {
    this.io = io;
    this.guard = guard;
    this.router = router;
    this.timeoutNs = timeoutNs;
  }

  public Router router() {
    return router;
  }

  /** A command for {@code key}'s node, redirects and provably-unapplied retries followed. */
  public Routed execute(byte[] key, byte[][] argv) {
    Reply last = null;
    String address = null;
    List<String> trail = new ArrayList<>();
    String redirect = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        trail.add(address + ": " + Replies.errorText(last));
        if (redirect == null) {
          pause(attempt); // a redirect is followed at once; anything else waits for the cluster to settle
        }
      }
      address = redirect != null ? redirect : router.addressFor(key);
      redirect = null;
      last = call(address, argv);
      if (last instanceof Reply.Err e) {
        if (e.code().equals("MOVED") || e.code().equals("ASK")) {
          String[] parts = e.text().split(" ");
          if (parts.length == 3) {
            redirect = parts[2];
            if (e.code().equals("MOVED")) {
              router.moved(Integer.parseInt(parts[1]), parts[2]);
            }
          }
          continue;
        }
        if (Replies.retryable(e)) {
          router.forget(key, address);
          continue;
        }
        return new Routed(address, last, trail);
      }
      if (last instanceof Reply.Lost l) {
        router.forget(key, address);
        if (!l.sent()) {
          continue;
        }
      }
      return new Routed(address, last, trail);
    }
    return new Routed(address, last, trail);
  }

  /**
   * A reply, the node that gave it (transactions continue on that node), and the replies of the
   * attempts before it (each provably without effect), for the history's error field.
   */
  public record Routed(String address, Reply reply, List<String> trail) {
    public Routed(String address, Reply reply) {
      this(address, reply, List.of());
    }

    /** The error text of the final reply, with the earlier attempts when there were any. */
    public String errorText() {
      String e = Replies.errorText(reply);
      if (trail.isEmpty()) {
        return e;
      }
      return (e == null ? "ok from " + address : e) + " (after " + String.join("; ", trail) + ")";
    }
  }

  private static void pause(int attempt) {
    long ms = Math.min(MAX_RETRY_PAUSE_MS, FIRST_RETRY_PAUSE_MS << Math.min(attempt - 1, 10));
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One command to one node, no retries. */
  public Reply call(String address, byte[][] argv) {
    return pipeline(address, java.util.Collections.singletonList(argv)).get(0);
  }

  /**
   * Commands written back to back on one connection (MULTI ... EXEC), replies in order. A
   * connection failure fails the rest: each reply then says whether its command may have been sent.
   */
  public List<Reply> pipeline(String address, List<byte[][]> commands) {
    RespConnection c;
    try {
      c = connection(address);
    } catch (RuntimeException e) {
      List<Reply> out = new ArrayList<>();
      for (int i = 0; i < commands.size(); i++) {
        out.add(new Reply.Lost("cannot connect to " + address + ": " + e.getMessage(), false));
      }
      return out;
    }
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    AtomicBoolean queued = new AtomicBoolean();
    for (byte[][] argv : commands) {
      CompletableFuture<Object> f = new CompletableFuture<>();
      futures.add(f);
      c.send(argv, new RespConnection.Callback() {
        @Override
        public void onReply(Object reply, long writtenNs) {
          f.complete(reply);
        }

        @Override
        public void onFailure(String reason) {
          // Failing inside send(), before flush: the request was never written.
          f.completeExceptionally(new NoReply(reason, queued.get()));
        }
      });
    }
    queued.set(true);
    c.flush();
    long waitUntil = System.nanoTime() + timeoutNs + TimeUnit.MILLISECONDS.toNanos(WAIT_SLACK_MS);
    List<Reply> out = new ArrayList<>();
    boolean broken = false;
    for (CompletableFuture<Object> f : futures) {
      try {
        Object r = f.get(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
        out.add(r instanceof RespError e ? new Reply.Err(e.text()) : new Reply.Value(r == RespReplyDecoder.NULL ? null : r));
      } catch (ExecutionException e) {
        NoReply n = (NoReply) e.getCause();
        out.add(new Reply.Lost(n.getMessage(), n.sent));
        broken = true;
      } catch (TimeoutException e) {
        out.add(new Reply.Lost("no reply within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms", true));
        broken = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.add(new Reply.Lost("interrupted", true));
        broken = true;
      }
    }
    if (broken) {
      drop(address);
    }
    return out;
  }

  private static final class NoReply extends Exception {
    final boolean sent;

    NoReply(String reason, boolean sent) {
      super(reason, null, false, false);
      this.sent = sent;
    }
  }

  private RespConnection connection(String address) {
    RespConnection c = connections.get(address);
    if (c != null && c.isOpen()) {
      return c;
    }
    if (c != null) {
      c.close();
      connections.remove(address);
    }
    int colon = address.lastIndexOf(':');
    InetSocketAddress a = guard.check(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    c = RespConnection.open(io, a, timeoutNs);
    connections.put(address, c);
    return c;
  }

  /** Closes the connection to {@code address}; the next call dials again. */
  public void drop(String address) {
    RespConnection c = connections.remove(address);
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void close() {
    for (RespConnection c : connections.values()) {
      c.close();
    }
    connections.clear();
  }

  public static byte[][] argv(Object... parts) {
    byte[][] out = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      Object p = parts[i];
      out[i] = p instanceof byte[] b ? b : String.valueOf(p).getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
