package dev.tide.lab.driver;

import dev.tide.engine.slots.Slots;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.resp.RespConnection;
import dev.tide.lab.resp.RespError;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.workload.Operation;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A slot-aware Redis Cluster client, as cluster-mode Redis clients behave:
 * <ul>
 *   <li>At start it reads {@code CLUSTER SLOTS} from a seed node and maps each of the 16384
 *       slots to a node; each node gets one connection per lane.</li>
 *   <li>A key goes to the node of its slot (CRC16 with hash tags, {@link Slots}).</li>
 *   <li>{@code -MOVED slot host:port}: the slot now lives there; the map is updated for that slot
 *       and the request re-sent there. {@code -ASK slot host:port}: the request (only) is re-sent
 *       there, preceded by {@code ASKING}; the map is not changed. {@code TRYAGAIN} and
 *       {@code LOADING}: re-sent after a pause that doubles with each retry (10 ms to 160 ms).
 *       Each re-send counts as one retry; after {@link Driver#MAX_RETRIES} the request fails
 *       with "too many redirects".</li>
 *   <li>Addresses learned from the cluster pass the {@link TargetGuard} like any other.</li>
 * </ul>
 * Connecting to a node first seen in a redirect happens on a separate thread, never on an event loop.
 */
public final class ClusterDriver implements Driver {

  /** Time allowed for the start-up CLUSTER SLOTS reply. */
  static final long TOPOLOGY_TIMEOUT_MS = 10_000;
  /** Most nodes the client will connect to: bounds connections opened on redirects. */
  static final int MAX_NODES = 1_000;

  private static final byte[][] ASKING = {"ASKING".getBytes(StandardCharsets.US_ASCII)};

  private final ClientIo io;
  private final TargetGuard guard;
  private final int lanes;
  private final long timeoutNs;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<Node> slots = new AtomicReferenceArray<>(Slots.COUNT);
  /** Opens connections to nodes first named in a redirect (blocking work kept off event loops). */
  private final ExecutorService connector = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "lab-cluster-connector");
    t.setDaemon(true);
    return t;
  });

  private record Node(String address, RespConnection[] connections) {
  }

  public ClusterDriver(ClientIo io, TargetGuard guard, String seedHost, int seedPort, int lanes, long timeoutNs) {
    this.io = io;
    this.guard = guard;
    this.lanes = lanes;
    this.timeoutNs = timeoutNs;
    try {
      loadTopology(node(seedHost + ":" + seedPort));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void loadTopology(Node seed) {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    RespConnection c = seed.connections[0];
    c.send(new byte[][] {bytes("CLUSTER"), bytes("SLOTS")}, new RespConnection.Callback() {
      @Override
      public void onReply(Object r, long writtenNs) {
        reply.complete(r);
      }

      @Override
      public void onFailure(String reason) {
        reply.completeExceptionally(new IllegalStateException(reason));
      }
    });
    c.flush();
    Object r;
    try {
      r = reply.get(TOPOLOGY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("CLUSTER SLOTS from " + seed.address + " failed: " + e.getMessage(), e);
    }
    if (!(r instanceof List<?> ranges)) {
      throw new IllegalStateException("CLUSTER SLOTS from " + seed.address + " answered " + r
          + " (is it a cluster node?)");
    }
    for (Object o : ranges) {
      List<?> range = (List<?>) o;
      int from = ((Long) range.get(0)).intValue();
      int to = ((Long) range.get(1)).intValue();
      List<?> master = (List<?>) range.get(2);
      String host = master.get(0) instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : seedHost(seed);
      if (host.isEmpty() || host.equals("?")) {
        host = seedHost(seed);
      }
      int port = ((Long) master.get(1)).intValue();
      Node n = node(host + ":" + port);
      for (int s = from; s <= to; s++) {
        slots.set(s, n);
      }
    }
  }

  private static String seedHost(Node seed) {
    return seed.address.substring(0, seed.address.lastIndexOf(':'));
  }

  /** The node at "host:port", connecting to it first if needed (blocking: not for event loops). */
  private Node node(String address) {
    Node existing = nodes.get(address);
    if (existing != null) {
      return existing;
    }
    synchronized (nodes) {
      existing = nodes.get(address);
      if (existing != null) {
        return existing;
      }
      if (nodes.size() >= MAX_NODES) {
        throw new IllegalStateException("more than " + MAX_NODES + " cluster nodes");
      }
      int colon = address.lastIndexOf(':');
      InetSocketAddress a = guard.check(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
      RespConnection[] conns = new RespConnection[lanes];
      try {
        for (int i = 0; i < lanes; i++) {
          conns[i] = RespConnection.open(io, a, timeoutNs);
        }
      } catch (RuntimeException e) {
        for (RespConnection c : conns) {
          if (c != null) {
            c.close();
          }
        }
        throw e;
      }
      Node n = new Node(address, conns);
      nodes.put(address, n);
      return n;
    }
  }

  @Override
  public String kind() {
    return "resp-cluster";
  }

  @Override
  public int lanes() {
    return lanes;
  }

  /** Nodes known so far (for reports and tests). */
  public int nodeCount() {
    return nodes.size();
  }

  @Override
  public void send(int lane, Operation op, Completion done) {
    Node n = op.key() == null ? slots.get(0) : slots.get(Slots.slot(op.key()));
    if (n == null) {
      done.complete(System.nanoTime(), 0, "CLUSTERDOWN no node serves the slot of this key");
      return;
    }
    attempt(n, lane, op, done, 0, false);
  }

  private void attempt(Node n, int lane, Operation op, Completion done, int retries, boolean asking) {
    RespConnection c = n.connections[lane];
    RespConnection.Callback cb = new RespConnection.Callback() {
      @Override
      public void onReply(Object reply, long writtenNs) {
        if (!(reply instanceof RespError e)) {
          done.complete(writtenNs, retries, null);
          return;
        }
        String code = e.code();
        boolean moved = code.equals("MOVED");
        boolean ask = code.equals("ASK");
        if (!moved && !ask && !RespDriver.isRetryable(e)) {
          done.complete(writtenNs, retries, e.text());
          return;
        }
        if (retries >= MAX_RETRIES) {
          done.complete(writtenNs, retries, "too many redirects (last: " + e.text() + ")");
          return;
        }
        if (!moved && !ask) {
          GlobalEventExecutor.INSTANCE.schedule(() -> resend(n, lane, op, done, retries + 1, false),
              RespDriver.retryPauseMs(retries), TimeUnit.MILLISECONDS);
          return;
        }
        String[] parts = e.text().split(" ");
        if (parts.length != 3) {
          done.complete(writtenNs, retries, "malformed redirect: " + e.text());
          return;
        }
        int slot = Integer.parseInt(parts[1]);
        String address = parts[2];
        Node known = nodes.get(address);
        if (known != null) {
          if (moved) {
            slots.set(slot, known);
          }
          resend(known, lane, op, done, retries + 1, ask);
          return;
        }
        connector.execute(() -> {
          Node target;
          try {
            target = node(address);
          } catch (RuntimeException ex) {
            done.complete(System.nanoTime(), retries + 1, "redirect to " + address + " failed: " + ex.getMessage());
            return;
          }
          if (moved) {
            slots.set(slot, target);
          }
          resend(target, lane, op, done, retries + 1, ask);
        });
      }

      @Override
      public void onFailure(String reason) {
        done.complete(System.nanoTime(), retries, reason);
      }
    };
    if (asking) {
      c.sendPair(ASKING, IGNORE, op.argv(), cb);
    } else {
      c.send(op.argv(), cb);
    }
  }

  private void resend(Node n, int lane, Operation op, Completion done, int retries, boolean asking) {
    attempt(n, lane, op, done, retries, asking);
    n.connections[lane].flush();
  }

  /** The reply to ASKING (+OK) needs no handling; if ASKING fails, the command after it fails too. */
  private static final RespConnection.Callback IGNORE = new RespConnection.Callback() {
    @Override
    public void onReply(Object reply, long writtenNs) {
    }

    @Override
    public void onFailure(String reason) {
    }
  };

  @Override
  public void flush(int lane) {
    for (Node n : nodes.values()) {
      n.connections[lane].flush();
    }
  }

  @Override
  public void close() {
    connector.shutdownNow();
    for (Node n : nodes.values()) {
      for (RespConnection c : n.connections) {
        c.close();
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
