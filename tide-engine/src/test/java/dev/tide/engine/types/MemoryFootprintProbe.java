package dev.tide.engine.types;

import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Run in a child JVM by {@link MemoryAccountingTest}: loads keys into a {@link Database} and
 * prints {@code estimate=<used_memory> measured=<heap growth> layout=<...>} so the test can
 * compare Tide's accounting with what the JVM really spent, under the collector and header
 * layout the child was started with.
 *
 * <p>Arguments: key count, value size in bytes, every how many keys one gets an expiry (0 = none),
 * and optionally milliseconds to keep the data alive afterwards (to inspect the heap with jcmd).
 */
public final class MemoryFootprintProbe {

  /** Full collections before a heap reading, so that only live objects remain counted. */
  private static final int GC_ROUNDS = 3;

  public static void main(String[] args) {
    int keys = Integer.parseInt(args[0]);
    int valueSize = Integer.parseInt(args[1]);
    int expireEvery = Integer.parseInt(args[2]);
    long before = heapUsedAfterGc();
    Database db = new Database(new EngineConfig());
    long now = System.currentTimeMillis();
    for (int i = 0; i < keys; i++) {
      byte[] key = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
      Keyspace ks = db.shardFor(key);
      ks.lock().lock();
      try {
        ks.set(key, new byte[valueSize], false, now);
        if (expireEvery > 0 && i % expireEvery == 0) {
          ks.setExpireAt(key, now + 3_600_000L + i);
        }
      } finally {
        ks.lock().unlock();
      }
    }
    long after = heapUsedAfterGc();
    System.out.println("estimate=" + db.usedMemoryBytes() + " measured=" + (after - before) + " keys=" + db.keyCount()
        + " layout=" + Memory.layout());
    if (args.length > 3) { // hold the data for inspection with jcmd GC.class_histogram
      try {
        Thread.sleep(Long.parseLong(args[3]));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    java.lang.ref.Reference.reachabilityFence(db);
  }

  private static long heapUsedAfterGc() {
    var bean = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < GC_ROUNDS; i++) {
      System.gc();
    }
    return bean.getHeapMemoryUsage().getUsed();
  }
}
