package dev.tide.server.transactions;

import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.KeyWatcher;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.server.connection.ClientConnection;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys one connection WATCHes, kept in {@link ClientConnection#watchState()}.
 *
 * <p><b>Design.</b> Each watched key is a {@link KeyWatcher} registered in the key's shard. The
 * shard calls it, under the shard's lock and on whatever thread changed the key, when the key is
 * written, deleted or expired; it then sets the connection's volatile {@code watchDirty} flag,
 * which EXEC reads with every shard locked. Nothing else is shared between threads: the list of
 * watches is only touched on the connection's event loop, and each watch's {@code expiredAtWatch}
 * only under its shard's lock.
 *
 * <p><b>Expiry (Redis 7.0 rules, checked against redis-server 7.0.15).</b> A key that is live at
 * WATCH time and has expired by EXEC time aborts the transaction even if nobody touched it. A key
 * that had already expired when it was WATCHed (still stored, not yet removed) is logically
 * absent: its later removal by lazy or active expiry is no change, but any other write is.
 *
 * <p><b>Locking.</b> WATCH declares its keys, so the executor holds their shards while
 * {@link #watch} registers them. Unwatching happens with no locks held (DISCARD, UNWATCH,
 * connection close) or with all of them held (EXEC), so {@link #unwatchAll} takes the locks of the
 * watched keys' shards itself in ascending shard order, the one global lock order (the locks are
 * reentrant, so EXEC's holding them already is fine).
 */
public final class WatchedKeys {

  private final ClientConnection conn;
  private final List<Watch> watches = new ArrayList<>();
  /** Keys already watched, so WATCH k k registers k once (as Redis does). */
  private final Set<ByteBuffer> names = new HashSet<>();

  private WatchedKeys(ClientConnection conn) {
    this.conn = conn;
  }

  /** One watched key of one connection. */
  private static final class Watch implements KeyWatcher {
    final WatchedKeys owner;
    final Keyspace shard;
    final byte[] key;
    /** The key was stored but past its expiry time when watched. Guarded by the shard's lock. */
    boolean expiredAtWatch;

    Watch(WatchedKeys owner, Keyspace shard, byte[] key, boolean expiredAtWatch) {
      this.owner = owner;
      this.shard = shard;
      this.key = key;
      this.expiredAtWatch = expiredAtWatch;
    }

    @Override
    public void keyModified() {
      if (expiredAtWatch && shard.node(key) == null) {
        // The key was already logically gone when watched; removing it changes nothing. Any
        // later change counts, as for a key that was absent.
        expiredAtWatch = false;
        return;
      }
      owner.conn.setWatchDirty(true);
    }
  }

  /** The connection's watch set, created on first use. Event loop only. */
  public static WatchedKeys of(ClientConnection conn) {
    if (conn.watchState() instanceof WatchedKeys w) {
      return w;
    }
    WatchedKeys w = new WatchedKeys(conn);
    conn.setWatchState(w);
    return w;
  }

  /**
   * Watches {@code key}. The caller holds the lock of {@code shard}, the key's shard. Does not
   * expire the key: a key past its time is recorded as such, as Redis's {@code keyIsExpired} does
   * without deleting.
   */
  public void watch(Keyspace shard, byte[] key, long nowMs) {
    if (!names.add(ByteBuffer.wrap(key))) {
      return;
    }
    byte[] copy = Arrays.copyOf(key, key.length);
    Watch w = new Watch(this, shard, copy, isStoredButExpired(shard, copy, nowMs));
    shard.watch(copy, w);
    watches.add(w);
  }

  public int size() {
    return watches.size();
  }

  /**
   * True when a key that was live (or absent) at WATCH time is stored but past its expiry time
   * now: Redis 7.0 aborts EXEC then even if the key was never looked up. Every shard is locked.
   */
  public boolean expiredSinceWatch(long nowMs) {
    for (Watch w : watches) {
      if (!w.expiredAtWatch && isStoredButExpired(w.shard, w.key, nowMs)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isStoredButExpired(Keyspace shard, byte[] key, long nowMs) {
    if (shard.node(key) == null) {
      return false;
    }
    long when = shard.expireAt(key);
    return when >= 0 && when <= nowMs;
  }

  /**
   * Forgets every watched key of {@code conn} and clears its dirty flag (EXEC, DISCARD, UNWATCH,
   * RESET, connection close). Takes the shard locks it needs. Event loop of {@code conn} only.
   */
  public static void unwatchAll(ClientConnection conn, Database db) {
    if (conn.watchState() instanceof WatchedKeys w && !w.watches.isEmpty()) {
      int[] shards = w.watches.stream().mapToInt(x -> x.shard.id()).distinct().sorted().toArray();
      for (int s : shards) {
        db.shard(s).lock().lock();
      }
      try {
        for (Watch x : w.watches) {
          x.shard.unwatch(x.key, x);
        }
      } finally {
        for (int i = shards.length - 1; i >= 0; i--) {
          db.shard(shards[i]).lock().unlock();
        }
      }
      w.watches.clear();
      w.names.clear();
    }
    conn.setWatchState(null);
    // After the watchers are gone nobody can set the flag again, so clearing it here is final.
    conn.setWatchDirty(false);
  }
}
