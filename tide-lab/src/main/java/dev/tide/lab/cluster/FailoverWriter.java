package dev.tide.lab.cluster;

import dev.tide.cluster.status.RespClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The client of the failover benchmark: one thread writing {@code SET {tag}:n n} for n = 0, 1,
 * 2 ... one at a time, all keys in one slot (so in one partition), as a Redis Cluster client
 * does it:
 * <ul>
 *   <li>{@code -MOVED slot host:port}: reconnect to that node and re-send.</li>
 *   <li>{@code -TRYAGAIN}, {@code -CLUSTERDOWN}, {@code -LOADING}: re-send after
 *       {@link #RETRY_PAUSE_MS}.</li>
 *   <li>No reply within the timeout, a refused or reset connection: drop the connection and
 *       try the next member (which answers MOVED to the leader it knows, or TRYAGAIN while
 *       there is none) — what cluster clients do when a node dies.</li>
 * </ul>
 * A write is re-sent (same key, same value: idempotent) until acknowledged, or until
 * {@link #GIVE_UP_NS} has passed, when it counts as failed and the next one starts. Each
 * acknowledgement is recorded with its time ({@code System.nanoTime()}, ascending) for
 * {@link FailoverTimeline}; the list of acknowledged writes is what the end check verifies.
 *
 * <p>Bounded: at most {@link #MAX_WRITES} acknowledged writes, then the writer stops by itself.
 */
final class FailoverWriter implements Runnable {

  /** Most acknowledged writes recorded: ~20 minutes of a sequential writer at ~1,500 writes/s. */
  static final int MAX_WRITES = 2_000_000;
  /** Pause before re-sending after TRYAGAIN/CLUSTERDOWN/LOADING or after every member failed: Redis clients wait about this long. */
  static final long RETRY_PAUSE_MS = 10;
  /** A write not acknowledged after this long (30 election timeouts and more) is given up. */
  static final long GIVE_UP_NS = 30_000_000_000L;

  private final List<InetSocketAddress> members;
  private final int timeoutMs;
  private final String tag;

  /** Sequence numbers and times of acknowledged writes, in order; entries below {@link #acked} are final. */
  private final long[] ackSeq = new long[MAX_WRITES];
  private final long[] ackNs = new long[MAX_WRITES];
  /** Index (0-based) of the member that acknowledged each write. */
  private final byte[] ackNode = new byte[MAX_WRITES];
  private volatile int acked;

  /** Kinds of non-acknowledged outcomes recorded in the event log. */
  enum Event {
    MOVED, TRYAGAIN, TIMEOUT, REFUSED, OTHER, ACK
  }

  /**
   * Most events (every attempt that was not acknowledged, plus the first ack after such
   * attempts) kept for the per-kill story: a kill produces tens to hundreds of them.
   */
  static final int MAX_EVENTS = 200_000;
  private final long[] eventNs = new long[MAX_EVENTS];
  private final byte[] eventKind = new byte[MAX_EVENTS];
  private final byte[] eventNode = new byte[MAX_EVENTS];
  private volatile int events;
  private boolean troubleSinceAck;
  private volatile boolean stop;

  final LongAdder attempts = new LongAdder();
  final LongAdder moved = new LongAdder();
  final LongAdder tryAgain = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder connectionErrors = new LongAdder();
  final LongAdder otherErrors = new LongAdder();
  final LongAdder givenUp = new LongAdder();
  private volatile String lastOtherError;

  /**
   * @param members   client addresses of every member (the writer starts at the first)
   * @param timeoutMs connect and reply timeout of each attempt
   * @param tag       the hash tag that puts every key in one slot, e.g. {@code {tide-failover}}
   */
  FailoverWriter(List<InetSocketAddress> members, int timeoutMs, String tag) {
    this.members = List.copyOf(members);
    this.timeoutMs = timeoutMs;
    this.tag = tag;
  }

  static String key(String tag, long seq) {
    return tag + ":" + seq;
  }

  @Override
  public void run() {
    int node = 0;
    RespClient conn = null;
    int failedInARow = 0;
    try {
      for (long seq = 0; !stop && acked < MAX_WRITES; seq++) {
        String key = key(tag, seq);
        String value = Long.toString(seq);
        long first = System.nanoTime();
        while (!stop) {
          if (System.nanoTime() - first > GIVE_UP_NS) {
            givenUp.increment();
            break;
          }
          try {
            if (conn == null) {
              InetSocketAddress a = members.get(node);
              conn = RespClient.connect(a.getHostString(), a.getPort(), timeoutMs);
            }
            attempts.increment();
            Object reply = conn.call("SET", key, value);
            if (!(reply instanceof RespClient.Error e)) {
              int i = acked;
              long now = System.nanoTime();
              ackSeq[i] = seq;
              ackNs[i] = now;
              ackNode[i] = (byte) node;
              acked = i + 1; // publishes the entry (volatile write after the array writes)
              if (troubleSinceAck) {
                event(now, Event.ACK, node);
                troubleSinceAck = false;
              }
              failedInARow = 0;
              break;
            }
            String msg = e.message();
            if (msg.startsWith("MOVED ")) {
              moved.increment();
              int to = indexOf(msg.substring(msg.lastIndexOf(' ') + 1));
              event(System.nanoTime(), Event.MOVED, to);
              if (to != node) {
                conn.close();
                conn = null;
                node = to >= 0 ? to : (node + 1) % members.size();
              }
            } else if (msg.startsWith("TRYAGAIN") || msg.startsWith("CLUSTERDOWN") || msg.startsWith("LOADING")) {
              tryAgain.increment();
              event(System.nanoTime(), Event.TRYAGAIN, node);
              pause();
            } else {
              otherErrors.increment();
              lastOtherError = msg;
              event(System.nanoTime(), Event.OTHER, node);
              pause();
            }
          } catch (SocketTimeoutException ex) {
            timeouts.increment();
            event(System.nanoTime(), Event.TIMEOUT, node);
            conn = drop(conn);
            node = (node + 1) % members.size();
          } catch (IOException ex) {
            connectionErrors.increment();
            event(System.nanoTime(), Event.REFUSED, node);
            conn = drop(conn);
            node = (node + 1) % members.size();
            // The first failure moves on at once (the next member answers MOVED or TRYAGAIN); a
            // second one without an ack in between means no member knows a live leader yet (the
            // others still redirect to the dead one): wait before the next attempt.
            if (++failedInARow >= 2) {
              pause();
            }
          }
        }
      }
    } finally {
      drop(conn);
    }
  }

  void event(long ns, Event kind, int node) {
    troubleSinceAck = true;
    int i = events;
    if (i < MAX_EVENTS) {
      eventNs[i] = ns;
      eventKind[i] = (byte) kind.ordinal();
      eventNode[i] = (byte) node;
      events = i + 1;
    }
  }

  /**
   * What the writer saw between {@code fromNs} and {@code toNs}: each kind of event on each node,
   * in order of first appearance, with its count and the time of the last one, e.g.
   * {@code "+115 REFUSED n1 x40 (to +410); +126 MOVED n1 x40 (to +410); +430 TRYAGAIN n3 x9 (to +560); +595 ACK n3"},
   * times in ms after {@code zeroNs}.
   */
  String story(long fromNs, long toNs, long zeroNs, List<String> names) {
    int n = events;
    java.util.Map<Integer, long[]> seen = new java.util.LinkedHashMap<>(); // kind*256+node -> {first, last, count}
    for (int i = 0; i < n; i++) {
      if (eventNs[i] < fromNs || eventNs[i] > toNs) {
        continue;
      }
      long t = eventNs[i];
      long[] v = seen.computeIfAbsent(eventKind[i] * 256 + (eventNode[i] & 0xff), k -> new long[] {t, 0, 0});
      v[1] = t;
      v[2]++;
    }
    StringBuilder sb = new StringBuilder();
    seen.forEach((key, v) -> {
      int node = (byte) (key % 256);
      sb.append(sb.isEmpty() ? "" : "; ").append('+').append(Math.round((v[0] - zeroNs) / 1e6)).append(' ')
          .append(Event.values()[key / 256]).append(' ')
          .append(node >= 0 && node < names.size() ? names.get(node) : "?");
      if (v[2] > 1) {
        sb.append(" x").append(v[2]).append(" (to +").append(Math.round((v[1] - zeroNs) / 1e6)).append(')');
      }
    });
    return sb.toString();
  }

  private int indexOf(String address) {
    for (int i = 0; i < members.size(); i++) {
      InetSocketAddress a = members.get(i);
      if ((a.getHostString() + ":" + a.getPort()).equals(address)) {
        return i;
      }
    }
    return -1;
  }

  private static RespClient drop(RespClient c) {
    if (c != null) {
      c.close();
    }
    return null;
  }

  private static void pause() {
    LockSupport.parkNanos(RETRY_PAUSE_MS * 1_000_000L);
  }

  void stop() {
    stop = true;
  }

  /** Acknowledged writes so far. */
  int acked() {
    return acked;
  }

  /** Time of the last acknowledgement, or {@link FailoverTimeline#NONE}. */
  long lastAckNs() {
    int n = acked;
    return n == 0 ? FailoverTimeline.NONE : ackNs[n - 1];
  }

  /** Time of the last acknowledgement by a member other than {@code node}, or {@link FailoverTimeline#NONE}. */
  long lastAckNotByNs(int node) {
    for (int i = acked - 1; i >= 0; i--) {
      if (ackNode[i] != node) {
        return ackNs[i];
      }
    }
    return FailoverTimeline.NONE;
  }

  /** The acknowledgement times (only the first {@link #acked()} entries are meaningful). */
  long[] ackTimes() {
    return ackNs;
  }

  long ackedSeq(int i) {
    if (i >= acked) {
      throw new IndexOutOfBoundsException(i + " >= " + acked);
    }
    return ackSeq[i];
  }

  /** Which member acknowledged each write (only the first {@link #acked()} entries are meaningful). */
  byte[] ackNodes() {
    return ackNode;
  }

  /** Index of the member that acknowledged the i-th acknowledged write. */
  int ackedBy(int i) {
    if (i >= acked) {
      throw new IndexOutOfBoundsException(i + " >= " + acked);
    }
    return ackNode[i];
  }

  String lastOtherError() {
    return lastOtherError;
  }
}
