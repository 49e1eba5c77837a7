package dev.tide.cluster;

import dev.tide.cluster.raft.Batch;
import dev.tide.cluster.raft.EngineCalls;
import dev.tide.cluster.raft.Partition;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.Glob;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.protocol.Reply;
import dev.tide.protocol.RespReplyWriter;
import dev.tide.server.connection.ClientConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * KEYS, SCAN, DBSIZE, RANDOMKEY, FLUSHALL and FLUSHDB in cluster mode: a node answers for the
 * partitions it leads, as a Redis Cluster node answers for its own slots (and as CLUSTER NODES
 * shows it: the master of the slots of the partitions it leads). A cluster client that wants the
 * whole keyspace asks every master, as it does with Redis Cluster.
 *
 * <ul>
 *   <li>Reads (KEYS, SCAN, DBSIZE, RANDOMKEY) run after a ReadIndex of every partition involved,
 *       so they see every write acknowledged before them.</li>
 *   <li>SCAN's cursor is {@code dictCursor << 14 | partition} (14 bits: at most 16384 partitions,
 *       one per slot). One call scans within one partition with the engine's own SCAN (its MATCH,
 *       COUNT, TYPE and errors); when that partition is done the cursor moves to the next
 *       partition this node leads. A key that stays in a partition this node leads for the whole
 *       scan is returned at least once (the engine's guarantee, which is exactly once while the
 *       partition's table does not shrink); a partition whose leadership moves mid-scan is
 *       skipped from then on.</li>
 *   <li>FLUSHALL/FLUSHDB [ASYNC|SYNC] propose a flush to each partition this node leads and reply
 *       OK when every one is committed.</li>
 * </ul>
 */
final class ClusterKeyspace {

  /** Bits of a SCAN cursor that name the partition: enough for one partition per slot (2^14). */
  static final int PARTITION_BITS = 14;
  private static final long PARTITION_MASK = (1L << PARTITION_BITS) - 1;
  /** RANDOMKEY's attempts to find a live key before answering nil (the engine's figure). */
  private static final int RANDOMKEY_MAX_ROUNDS = 100;
  static final String NOT_LEADER = "TRYAGAIN A partition's leadership changed during the command; retry";

  private final ClusterNode node;
  private final ThreadLocal<CommandContext> contexts = ThreadLocal.withInitial(CommandContext::new);

  ClusterKeyspace(ClusterNode node) {
    this.node = node;
  }

  /** Takes the command if it is one of the whole-keyspace commands; false otherwise. */
  boolean route(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    switch (spec.name()) {
      case "keys" -> keys(conn, argv);
      case "scan" -> scan(conn, spec, argv);
      case "dbsize" -> afterReadIndex(conn, led(), parts -> {
        long total = 0;
        for (Partition p : parts) {
          total += p.withKeyspace(Keyspace::size);
        }
        conn.writer().integer(total);
      });
      case "randomkey" -> afterReadIndex(conn, led(), parts -> randomKey(conn, parts));
      case "flushall", "flushdb" -> flush(conn, argv);
      default -> {
        return false;
      }
    }
    return true;
  }

  /** The partitions this node leads now, in partition order. */
  private List<Partition> led() {
    List<Partition> out = new ArrayList<>();
    int count = node.map().partitionCount();
    for (int p = 0; p < count; p++) {
      Partition part = node.partition(p);
      if (part != null && part.isLeader()) {
        out.add(part);
      }
    }
    return out;
  }

  /**
   * Runs {@code then} on the connection's event loop once every partition confirmed a ReadIndex
   * (or answers TRYAGAIN if one could not); the connection is parked meanwhile. Event loop.
   */
  private void afterReadIndex(ClientConnection conn, List<Partition> parts, Consumer<List<Partition>> then) {
    if (parts.isEmpty()) {
      then.accept(parts);
      return;
    }
    conn.markBlocked(this);
    AtomicInteger left = new AtomicInteger(parts.size());
    AtomicBoolean allOk = new AtomicBoolean(true);
    for (Partition p : parts) {
      p.readIndex(ok -> {
        if (!ok) {
          allOk.set(false);
        }
        if (left.decrementAndGet() == 0) {
          conn.channel().eventLoop().execute(() -> {
            if (conn.closing() || !conn.channel().isActive()) {
              return;
            }
            if (allOk.get()) {
              then.accept(parts);
            } else {
              conn.writer().error(NOT_LEADER);
            }
            conn.flush();
            conn.unblocked();
          });
        }
      });
    }
  }

  private void keys(ClientConnection conn, byte[][] argv) {
    byte[] pattern = argv[1];
    boolean all = pattern.length == 1 && pattern[0] == '*';
    afterReadIndex(conn, led(), parts -> {
      long now = node.server().now();
      List<byte[]> found = new ArrayList<>();
      for (Partition p : parts) {
        p.withKeyspace(ks -> {
          ks.forEach(n -> {
            byte[] key = n.key();
            if (!all && !Glob.matches(pattern, key)) {
              return;
            }
            long expireAt = ks.expiresSize() == 0 ? -1 : ks.expireAt(key);
            if (expireAt == -1 || expireAt > now) {
              found.add(key);
            }
          });
          return null;
        });
      }
      Reply r = conn.writer();
      r.array(found.size());
      for (byte[] k : found) {
        r.bulk(k);
      }
    });
  }

  private void randomKey(ClientConnection conn, List<Partition> parts) {
    long now = node.server().now();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int round = 0; round < RANDOMKEY_MAX_ROUNDS && !parts.isEmpty(); round++) {
      long[] sizes = new long[parts.size()];
      long total = 0;
      for (int i = 0; i < parts.size(); i++) {
        sizes[i] = parts.get(i).withKeyspace(Keyspace::size);
        total += sizes[i];
      }
      if (total == 0) {
        break;
      }
      long pick = random.nextLong(total);
      int i = 0;
      while (pick >= sizes[i]) {
        pick -= sizes[i];
        i++;
      }
      byte[] key = parts.get(i).withKeyspace(ks -> {
        byte[] k = ks.randomKey(now);
        return k != null && ks.exists(k, now) ? k : null;
      });
      if (key != null) {
        conn.writer().bulk(key);
        return;
      }
    }
    conn.writer().nullBulk();
  }

  // ---- SCAN -------------------------------------------------------------------------------------

  private void scan(ClientConnection conn, CommandSpec spec, byte[][] argv) {
    long cursor;
    try {
      cursor = parseCursor(argv[1]);
    } catch (NumberFormatException e) {
      conn.writer().error("ERR invalid cursor");
      return;
    }
    int first = (int) (cursor & PARTITION_MASK);
    long dictCursor = cursor >>> PARTITION_BITS;
    Partition part = nextLed(first);
    if (part == null) {
      Reply r = conn.writer();
      r.array(2);
      r.bulk("0");
      r.array(0);
      return;
    }
    long startCursor = part.id() == first ? dictCursor : 0;
    byte[][] partArgv = argv.clone();
    partArgv[1] = Long.toUnsignedString(startCursor).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    afterReadIndex(conn, List.of(part), parts -> {
      Database d = part.fsm().db();
      Reply out = new CursorRewriter(conn.writer(), next -> {
        if (next != 0) {
          return next << PARTITION_BITS | part.id();
        }
        Partition following = nextLed(part.id() + 1);
        return following == null ? 0 : following.id();
      });
      part.withKeyspace(ks -> EngineCalls.invoke(contexts.get(), spec, partArgv, out, node.server().now(), d, conn));
    });
  }

  /** The first partition at or after {@code from} that this node leads, or null. */
  private Partition nextLed(int from) {
    int count = node.map().partitionCount();
    for (int p = Math.max(0, from); p < count; p++) {
      Partition part = node.partition(p);
      if (part != null && part.isLeader()) {
        return part;
      }
    }
    return null;
  }

  /** An unsigned 64-bit decimal cursor, as Redis reads it (an empty text is 0). */
  static long parseCursor(byte[] b) {
    if (b.length == 0) {
      return 0;
    }
    String s = new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      throw new NumberFormatException(s);
    }
    return Long.parseUnsignedLong(s);
  }

  /** Passes a SCAN reply through, rewriting its cursor (the first bulk) from the partition's to the node's. */
  private static final class CursorRewriter implements Reply {
    private final RespReplyWriter target;
    private final java.util.function.LongUnaryOperator rewrite;
    private boolean cursorSeen;

    CursorRewriter(RespReplyWriter target, java.util.function.LongUnaryOperator rewrite) {
      this.target = target;
      this.rewrite = rewrite;
    }

    @Override
    public int protocol() {
      return target.protocol();
    }

    @Override
    public void simple(String text) {
      target.simple(text);
    }

    @Override
    public void error(String text) {
      target.error(text);
    }

    @Override
    public void integer(long value) {
      target.integer(value);
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
      if (!cursorSeen) {
        cursorSeen = true;
        long next = Long.parseUnsignedLong(new String(value, offset, length, java.nio.charset.StandardCharsets.US_ASCII));
        target.bulk(Long.toUnsignedString(rewrite.applyAsLong(next)));
        return;
      }
      target.bulk(value, offset, length);
    }

    @Override
    public void nullBulk() {
      target.nullBulk();
    }

    @Override
    public void nullArray() {
      target.nullArray();
    }

    @Override
    public void array(int count) {
      target.array(count);
    }

    @Override
    public void map(int count) {
      target.map(count);
    }

    @Override
    public void set(int count) {
      target.set(count);
    }

    @Override
    public void push(int count) {
      target.push(count);
    }

    @Override
    public void doubleValue(double value) {
      target.doubleValue(value);
    }

    @Override
    public void bool(boolean value) {
      target.bool(value);
    }

    @Override
    public void verbatim(String format, String text) {
      target.verbatim(format, text);
    }
  }

  // ---- FLUSHALL / FLUSHDB ------------------------------------------------------------------------

  private void flush(ClientConnection conn, byte[][] argv) {
    if (argv.length > 2 || argv.length == 2 && !dev.tide.engine.command.Args.is(argv[1], "ASYNC")
        && !dev.tide.engine.command.Args.is(argv[1], "SYNC")) {
      conn.writer().error("ERR syntax error");
      return;
    }
    List<Partition> parts = led();
    if (parts.isEmpty()) {
      conn.writer().ok();
      return;
    }
    conn.markBlocked(this);
    AtomicInteger left = new AtomicInteger(parts.size());
    AtomicBoolean allOk = new AtomicBoolean(true);
    Consumer<Boolean> done = ok -> {
      if (!ok) {
        allOk.set(false);
      }
      if (left.decrementAndGet() == 0) {
        conn.channel().eventLoop().execute(() -> {
          if (conn.closing() || !conn.channel().isActive()) {
            return;
          }
          if (allOk.get()) {
            conn.writer().ok();
          } else {
            conn.writer().error(NOT_LEADER);
          }
          conn.flush();
          conn.unblocked();
        });
      }
    };
    for (Partition p : parts) {
      if (!p.proposeInternal(new Batch.Command(argv), status -> done.accept(status.isOk()))) {
        done.accept(false);
      }
    }
  }
}
