package dev.tide.engine.keyspace;

import dev.tide.engine.command.Errors;
import dev.tide.engine.dict.ByteDict;
import dev.tide.engine.types.CollectionValue;
import dev.tide.engine.types.Memory;
import dev.tide.engine.types.ValueType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One shard of the keyspace: the keys of a set of hash slots, their values and expiry times.
 *
 * <p><b>Concurrency.</b> A shard has one writer at a time: whoever holds {@link #lock()}. Command
 * execution takes the locks of the shards its keys live in (in shard order, so multi-key commands
 * cannot deadlock) and runs on the connection's I/O thread; there is no lock shared by all shards
 * on the hot path. In a cluster, a shard is a partition and its Raft state machine takes the lock
 * to apply committed entries. Every method here must be called with the lock held.
 *
 * <p><b>Values.</b> Strings are {@code byte[]}; other types are {@link CollectionValue}s that are
 * changed in place. A command that changes a collection in place calls {@link #modified} so that
 * memory accounting and WATCH see it.
 *
 * <p><b>Expiry.</b> Expiry times live in a second dict, as Redis does, so that keys without a TTL
 * pay nothing and active expiry samples only keys that have one. Expired keys are removed lazily
 * when looked up and actively by {@link #activeExpireCycle}, which bounds its work per call.
 *
 * <p><b>Memory.</b> {@link #usedBytes()} is an estimate of the heap held by this shard's keys and
 * values (see {@link Memory}), kept current on every change; eviction and INFO read it.
 */
public final class Keyspace {

  /** Keys sampled per active-expiry round (Redis: {@code ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP}). */
  public static final int ACTIVE_EXPIRE_KEYS_PER_LOOP = 20;
  /** Keep sampling while more than this percentage of a sample was expired (Redis: 10%). */
  public static final int ACTIVE_EXPIRE_ACCEPTABLE_STALE_PERCENT = 10;

  private final int id;
  private final EngineConfig config;
  private final ReentrantLock lock = new ReentrantLock();
  private final ByteDict<Object> dict = new ByteDict<>();
  private final ByteDict<Long> expires = new ByteDict<>();
  private final SplittableRandom random = new SplittableRandom();
  private final ByteDict<List<KeyWatcher>> watchers = new ByteDict<>();
  private final ByteDict<ArrayDeque<Object>> blocked = new ByteDict<>();
  private final List<byte[]> readyKeys = new ArrayList<>();
  private final AccessTracker access;
  /** Told of every change except removal by expiry; null when nobody listens (single-node mode). */
  private ChangeListener changeListener;
  /** True while an expired key is being removed, so {@link #changeListener} does not hear it. */
  private boolean expiring;
  /**
   * Written only by the lock holder, read by anyone (INFO, eviction, metrics) without the lock:
   * opaque stores and loads keep the long atomic and visible without a fence per write, which a
   * volatile field would cost on every command.
   */
  private long usedBytes;
  private static final java.lang.invoke.VarHandle USED;

  static {
    try {
      USED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Keyspace.class, "usedBytes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private void addUsed(long delta) {
    USED.setOpaque(this, usedBytes + delta);
  }

  private long keyspaceHits;
  private long keyspaceMisses;
  private long expiredKeys;
  private long evictedKeys;

  public Keyspace(int id, EngineConfig config, AccessTracker access) {
    this.id = id;
    this.config = config;
    this.access = access;
  }

  public int id() {
    return id;
  }

  public ReentrantLock lock() {
    return lock;
  }

  public EngineConfig config() {
    return config;
  }

  // ---- lookups --------------------------------------------------------------------------------

  /** The value of a live key, for a read: counts a hit or miss and updates LRU/LFU data. */
  public Object read(byte[] key, long nowMs) {
    ByteDict.Node<Object> node = liveNode(key, nowMs);
    if (node == null) {
      keyspaceMisses++;
      return null;
    }
    keyspaceHits++;
    access.touch(node, nowMs);
    return node.value();
  }

  /** The value of a live key, for a write: updates LRU/LFU data, no hit/miss statistics. */
  public Object write(byte[] key, long nowMs) {
    ByteDict.Node<Object> node = liveNode(key, nowMs);
    if (node == null) {
      return null;
    }
    access.touch(node, nowMs);
    return node.value();
  }

  /** The value of a live key without touching statistics or access data (TYPE, OBJECT, TTL ...). */
  public Object peek(byte[] key, long nowMs) {
    ByteDict.Node<Object> node = liveNode(key, nowMs);
    return node == null ? null : node.value();
  }

  /** The node of a live key (expiring it first if its time has passed), or null. */
  public ByteDict.Node<Object> liveNode(byte[] key, long nowMs) {
    ByteDict.Node<Object> node = dict.getNode(key);
    if (node == null) {
      return null;
    }
    if (!expires.isEmpty()) {
      Long when = expires.get(key);
      if (when != null && when <= nowMs) {
        deleteExpired(key);
        return null;
      }
    }
    return node;
  }

  /** Reads a key expected to hold {@code type}; null when absent, WRONGTYPE otherwise. */
  @SuppressWarnings("unchecked")
  public <T> T read(byte[] key, ValueType type, long nowMs) {
    Object v = read(key, nowMs);
    return (T) checkType(v, type);
  }

  /** As {@link #read(byte[], ValueType, long)} but for a write. */
  @SuppressWarnings("unchecked")
  public <T> T write(byte[] key, ValueType type, long nowMs) {
    Object v = write(key, nowMs);
    return (T) checkType(v, type);
  }

  private static Object checkType(Object v, ValueType type) {
    if (v == null) {
      return null;
    }
    if (ValueType.of(v) != type) {
      throw Errors.wrongType();
    }
    return v;
  }

  public boolean exists(byte[] key, long nowMs) {
    return liveNode(key, nowMs) != null;
  }

  // ---- changes --------------------------------------------------------------------------------

  /**
   * Sets a key to a value (Redis's {@code setKey}): adds or overwrites, and clears any expiry
   * unless {@code keepTtl}. Signals WATCH and blocked clients.
   */
  public void set(byte[] key, Object value, boolean keepTtl, long nowMs) {
    if (value instanceof CollectionValue c) {
      c.accountedBytes = c.memoryBytes();
    }
    ByteDict.Node<Object> node = dict.getNode(key);
    if (node == null) {
      node = dict.insertNew(key, value);
      addUsed(keyOverhead(key) + valueBytes(value));
      access.init(node, nowMs);
    } else {
      addUsed(-(valueBytes(node.value())));
      node.setValue(value);
      node.meta &= AccessTracker.ACCESS_BITS; // value flags describe the old value
      addUsed(valueBytes(value));
      access.touch(node, nowMs);
      if (!keepTtl) {
        removeExpire(key);
      }
    }
    keyChanged(key);
    if (!(value instanceof byte[])) {
      signalReady(key);
    }
  }

  /** Adds a key that must not exist (callers checked); used for new collections. */
  public void add(byte[] key, Object value, long nowMs) {
    set(key, value, false, nowMs);
  }

  /**
   * Tells the shard that a collection stored at {@code key} was changed in place: memory
   * accounting catches up, WATCHers are told, and clients blocked on the key get a chance to run.
   * A collection left empty is deleted, as Redis never stores empty collections.
   */
  public void modified(byte[] key) {
    ByteDict.Node<Object> node = dict.getNode(key);
    if (node == null) {
      return;
    }
    if (node.value() instanceof CollectionValue c) {
      if (c.size() == 0) {
        delete(key);
        return;
      }
      long now = c.memoryBytes();
      addUsed(now - c.accountedBytes);
      c.accountedBytes = now;
      signalReady(key);
    }
    keyChanged(key);
  }

  /** Brings memory accounting up to date for a key without signalling anyone. */
  public void refreshSize(byte[] key) {
    ByteDict.Node<Object> node = dict.getNode(key);
    if (node != null && node.value() instanceof CollectionValue c) {
      long now = c.memoryBytes();
      addUsed(now - c.accountedBytes);
      c.accountedBytes = now;
    }
  }

  /** Deletes a key; true if it existed (expired keys count as absent to the caller). */
  public boolean delete(byte[] key) {
    ByteDict.Node<Object> node = dict.remove(key);
    if (node == null) {
      return false;
    }
    addUsed(-(keyOverhead(node.key()) + valueBytes(node.value())));
    removeExpire(key);
    keyChanged(key);
    return true;
  }

  private void deleteExpired(byte[] key) {
    expiring = true;
    try {
      delete(key);
    } finally {
      expiring = false;
    }
    expiredKeys++;
  }

  /** Removes every key. */
  public void flush() {
    // As Redis 7.0's touchAllWatchedKeysInDb: only watched keys that exist are changed by a flush.
    List<byte[]> watchedKeys = new ArrayList<>();
    watchers.forEach(n -> {
      if (dict.containsKey(n.key())) {
        watchedKeys.add(n.key());
      }
    });
    dict.clear();
    expires.clear();
    USED.setOpaque(this, 0L);
    for (byte[] k : watchedKeys) {
      keyChanged(k);
    }
  }

  // ---- expiry ---------------------------------------------------------------------------------

  /** Absolute expiry time in ms, or -1 when the key has none. The key must exist. */
  public long expireAt(byte[] key) {
    Long when = expires.get(key);
    return when == null ? -1 : when;
  }

  /** Sets an absolute expiry time on an existing key. */
  public void setExpireAt(byte[] key, long whenMs) {
    ByteDict.Node<Object> node = dict.getNode(key);
    if (node == null) {
      throw new IllegalStateException("expire on a missing key");
    }
    if (expires.put(node.key(), whenMs) == null) {
      addUsed(expireOverhead());
    }
    keyChanged(key);
  }

  /** Removes a key's expiry; true if it had one. */
  public boolean removeExpire(byte[] key) {
    if (expires.isEmpty()) {
      return false;
    }
    if (expires.remove(key) != null) {
      addUsed(-(expireOverhead()));
      return true;
    }
    return false;
  }

  /**
   * One bounded round of active expiry (Redis's {@code activeExpireCycle}, simplified): samples
   * keys with an expiry and deletes the expired ones, repeating while more than
   * {@link #ACTIVE_EXPIRE_ACCEPTABLE_STALE_PERCENT}% of a sample had expired, for at most
   * {@code maxLoops} samples. Returns the number of keys deleted.
   */
  public int activeExpireCycle(long nowMs, int maxLoops) {
    int deleted = 0;
    for (int loop = 0; loop < maxLoops && !expires.isEmpty(); loop++) {
      int sample = Math.min(ACTIVE_EXPIRE_KEYS_PER_LOOP, expires.size());
      int expiredInSample = 0;
      for (int i = 0; i < sample && !expires.isEmpty(); i++) {
        ByteDict.Node<Long> n = expires.randomNode(random);
        if (n.value() <= nowMs) {
          deleteExpired(n.key());
          expiredInSample++;
        }
      }
      deleted += expiredInSample;
      if (expiredInSample * 100 <= sample * ACTIVE_EXPIRE_ACCEPTABLE_STALE_PERCENT) {
        break;
      }
    }
    return deleted;
  }

  // ---- iteration and sampling ------------------------------------------------------------------

  public int size() {
    return dict.size();
  }

  public int expiresSize() {
    return expires.size();
  }

  /** One step of SCAN over this shard; the callback gets each key (may include expired ones). */
  public long scan(long cursor, Consumer<ByteDict.Node<Object>> action) {
    return dict.scan(cursor, action);
  }

  /** Visits every key. The action must not add or remove keys. */
  public void forEach(Consumer<ByteDict.Node<Object>> action) {
    dict.forEach(action);
  }

  /** A random live key, or null when the shard is empty. */
  public byte[] randomKey(long nowMs) {
    for (int tries = 0; tries < 100 && !dict.isEmpty(); tries++) {
      ByteDict.Node<Object> n = dict.randomNode(random);
      byte[] key = n.key();
      if (liveNode(key, nowMs) != null) {
        return key;
      }
    }
    return dict.isEmpty() ? null : dict.randomNode(random).key();
  }

  /** A random node from all keys, for eviction sampling; null when empty. */
  public ByteDict.Node<Object> randomNode() {
    return dict.isEmpty() ? null : dict.randomNode(random);
  }

  /** A random node among keys with an expiry (value: its expiry time); null when none. */
  public ByteDict.Node<Long> randomExpiringNode() {
    return expires.isEmpty() ? null : expires.randomNode(random);
  }

  public ByteDict.Node<Object> node(byte[] key) {
    return dict.getNode(key);
  }

  /** Evicts a key chosen by the eviction policy; returns the bytes freed. */
  public long evict(byte[] key) {
    long before = usedBytes;
    if (delete(key)) {
      evictedKeys++;
    }
    return before - usedBytes;
  }

  // ---- WATCH and blocking ----------------------------------------------------------------------

  public void watch(byte[] key, KeyWatcher watcher) {
    List<KeyWatcher> list = watchers.get(key);
    if (list == null) {
      list = new ArrayList<>(2);
      watchers.put(key, list);
    }
    list.add(watcher);
  }

  public void unwatch(byte[] key, KeyWatcher watcher) {
    List<KeyWatcher> list = watchers.get(key);
    if (list != null) {
      list.remove(watcher);
      if (list.isEmpty()) {
        watchers.remove(key);
      }
    }
  }

  /**
   * Hears every change to a key (write, delete, expiry set or removed) except the removal of an
   * expired key. Cluster mode records these per log entry to decide WATCH the same way on every
   * replica: removal by expiry is left out because it happens at different times on different
   * replicas (a read on the leader removes an expired key that followers still store).
   */
  @FunctionalInterface
  public interface ChangeListener {
    void keyChanged(byte[] key);
  }

  /** Installs the change listener (null: none). Caller holds the lock. */
  public void setChangeListener(ChangeListener listener) {
    this.changeListener = listener;
  }

  private void keyChanged(byte[] key) {
    if (changeListener != null && !expiring) {
      changeListener.keyChanged(key);
    }
    if (watchers.isEmpty()) {
      return;
    }
    List<KeyWatcher> list = watchers.get(key);
    if (list != null) {
      for (KeyWatcher w : list) {
        w.keyModified();
      }
    }
  }

  /** Tells WATCHers of {@code key} it changed, for changes made outside this class's methods. */
  public void signalModified(byte[] key) {
    keyChanged(key);
  }

  /** Queue of clients blocked on a key (FIFO, the order Redis serves them), creating it. */
  public ArrayDeque<Object> blockedOn(byte[] key) {
    ArrayDeque<Object> q = blocked.get(key);
    if (q == null) {
      q = new ArrayDeque<>(2);
      blocked.put(key, q);
    }
    return q;
  }

  /** Queue of clients blocked on a key, or null when none. */
  public ArrayDeque<Object> blockedOnOrNull(byte[] key) {
    return blocked.isEmpty() ? null : blocked.get(key);
  }

  public void removeBlockedQueueIfEmpty(byte[] key) {
    ArrayDeque<Object> q = blocked.get(key);
    if (q != null && q.isEmpty()) {
      blocked.remove(key);
    }
  }

  /** Marks a key as ready when clients are blocked on it; the executor serves them afterwards. */
  public void signalReady(byte[] key) {
    if (!blocked.isEmpty() && blocked.containsKey(key)) {
      readyKeys.add(key);
    }
  }

  /** Keys that became ready since the last call; the list is cleared. */
  public List<byte[]> drainReadyKeys() {
    if (readyKeys.isEmpty()) {
      return List.of();
    }
    List<byte[]> copy = new ArrayList<>(readyKeys);
    readyKeys.clear();
    return copy;
  }

  // ---- statistics and memory -------------------------------------------------------------------

  public long usedBytes() {
    return (long) USED.getOpaque(this);
  }

  public long keyspaceHits() {
    return keyspaceHits;
  }

  public long keyspaceMisses() {
    return keyspaceMisses;
  }

  public long expiredKeys() {
    return expiredKeys;
  }

  public long evictedKeys() {
    return evictedKeys;
  }

  public void resetStats() {
    keyspaceHits = 0;
    keyspaceMisses = 0;
    expiredKeys = 0;
    evictedKeys = 0;
  }

  public AccessTracker access() {
    return access;
  }

  /**
   * Estimated heap bytes of the dict tables themselves (bucket arrays of the key and expiry
   * dicts, both tables while rehashing), outside the per-key figures. Safe without the lock.
   */
  public long tableBytes() {
    return Memory.ARRAY_HEADER * 2L + (dict.capacity() + expires.capacity()) * Memory.REFERENCE;
  }

  private static long keyOverhead(byte[] key) {
    return Memory.DICT_NODE + Memory.bytes(key);
  }

  private static long expireOverhead() {
    return Memory.DICT_NODE + Memory.BOXED_LONG;
  }

  /** Heap bytes a value holds: the array for strings, the collection's own estimate otherwise. */
  public static long valueBytes(Object value) {
    return value instanceof byte[] b ? Memory.bytes(b) : ((CollectionValue) value).accountedBytes;
  }
}
