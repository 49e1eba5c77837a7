package dev.tide.lab.chaos.client;

import dev.tide.engine.slots.Slots;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Where a key's commands go. A single server: always its address. A cluster: the node last
 * named for the key's slot by a MOVED reply, learned lazily (the first request for a slot, or
 * after that node stopped answering, goes to a random seed, which redirects). Shared by all
 * clients of a run; thread-safe.
 */
public final class Router {

  private final List<String> seeds;
  private final boolean cluster;
  private final AtomicReferenceArray<String> slots = new AtomicReferenceArray<>(Slots.COUNT);

  private Router(List<String> seeds, boolean cluster) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no server address");
    }
    this.seeds = List.copyOf(seeds);
    this.cluster = cluster;
  }

  /** One server at "host:port". */
  public static Router single(String address) {
    return new Router(List.of(address), false);
  }

  /** A cluster reachable through any of these "host:port" seeds. */
  public static Router cluster(List<String> seeds) {
    return new Router(seeds, true);
  }

  public boolean isCluster() {
    return cluster;
  }

  public List<String> seeds() {
    return seeds;
  }

  /** The address for a key's slot (a random seed when unknown); {@code key} null means any node. */
  public String addressFor(byte[] key) {
    if (!cluster) {
      return seeds.get(0);
    }
    if (key != null) {
      String a = slots.get(Slots.slot(key));
      if (a != null) {
        return a;
      }
    }
    return seeds.get(ThreadLocalRandom.current().nextInt(seeds.size()));
  }

  /** A MOVED reply named {@code address} for {@code slot}. */
  public void moved(int slot, String address) {
    if (cluster && slot >= 0 && slot < Slots.COUNT) {
      slots.set(slot, address);
    }
  }

  /** The node known for the key did not answer: ask a seed next time. */
  public void forget(byte[] key, String address) {
    if (cluster && key != null) {
      slots.compareAndSet(Slots.slot(key), address, null);
    }
  }
}
