package dev.tide.server.connection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** All open connections, by id, for CLIENT LIST/KILL, INFO clients and shutdown. */
public final class ClientRegistry {

  private final ConcurrentHashMap<Long, ClientConnection> byId = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final LongAdder totalConnections = new LongAdder();
  private final LongAdder rejectedConnections = new LongAdder();
  /** Accepted connections not yet closed, counted from accept (before they register) for maxclients. */
  private final AtomicInteger open = new AtomicInteger();

  public long nextId() {
    return nextId.getAndIncrement();
  }

  void add(ClientConnection c) {
    byId.put(c.clientId(), c);
    totalConnections.increment();
  }

  void remove(ClientConnection c) {
    byId.remove(c.clientId());
  }

  public ClientConnection get(long id) {
    return byId.get(id);
  }

  public int size() {
    return byId.size();
  }

  public Collection<ClientConnection> all() {
    List<ClientConnection> list = new ArrayList<>(byId.values());
    list.sort((a, b) -> Long.compare(a.clientId(), b.clientId()));
    return list;
  }

  /** Every registered connection, in no particular order, without copying (sweeps over many clients). */
  public void forEach(Consumer<ClientConnection> action) {
    byId.values().forEach(action);
  }

  /**
   * Takes one of {@code maxClients} places for a connection being accepted; false when all are
   * taken. Give it back with {@link #releasePlace()} when that connection closes.
   */
  public boolean tryTakePlace(int maxClients) {
    while (true) {
      int n = open.get();
      if (n >= maxClients) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  public void releasePlace() {
    open.decrementAndGet();
  }

  /** Connections accepted and not yet closed (including ones not yet registered). */
  public int openConnections() {
    return open.get();
  }

  public long totalConnections() {
    return totalConnections.sum();
  }

  public void rejected() {
    rejectedConnections.increment();
  }

  public long rejectedConnections() {
    return rejectedConnections.sum();
  }

  /** CONFIG RESETSTAT: restarts the connection counters. */
  public void resetStats() {
    totalConnections.reset();
    rejectedConnections.reset();
  }
}
