package dev.tide.server.info;

import dev.tide.engine.keyspace.AccessTracker;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.server.TideServer;
import dev.tide.server.config.ServerConfig;
import dev.tide.server.config.Sizes;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.dispatch.CommandStats;
import io.netty.channel.epoll.Epoll;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The text of INFO, in Redis 7.0's layout: sections in Redis's order, each a {@code # Name} line
 * followed by {@code field:value} lines, CRLF line ends, one empty line between sections. Field
 * names are Redis's where Tide has the same figure, so tools that read Redis's INFO read Tide's;
 * a figure Tide does not have is left out rather than made up. Tide's own figures carry names
 * Redis does not use ({@code tide_version}, {@code jvm_heap_used}).
 *
 * <p>Counters are read from the shards under their locks, one shard at a time, so INFO never
 * holds two locks and never waits long.
 */
public final class ServerInfo {

  /** The Redis version Tide speaks; clients read it from INFO and HELLO to choose features. */
  public static final String REDIS_VERSION = "7.0.15";

  /** Sections in Redis's order. */
  private static final List<String> ORDER = List.of("server", "clients", "memory", "persistence", "stats",
      "replication", "cpu", "modules", "commandstats", "errorstats", "cluster", "keyspace");
  /** INFO and INFO default: everything but commandstats (Redis leaves out latencystats too). */
  private static final Set<String> DEFAULT = Set.of("server", "clients", "memory", "persistence", "stats",
      "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

  private final TideServer server;
  private final String runId = randomHex40();
  private final String replicationId = randomHex40();
  private final RateSampler opsPerSec = new RateSampler();
  private volatile long peakMemoryBytes;
  /** Housekeeping thread only. */
  private long lastTickMs = Long.MIN_VALUE;

  public ServerInfo(TideServer server) {
    this.server = server;
  }

  /**
   * Periodic work: samples the command counter and the memory peak. Call from the housekeeping
   * tick; at a high {@code hz} most ticks return at once, so sampling stays at Redis's pace.
   */
  public void tick(long nowMs) {
    if (lastTickMs != Long.MIN_VALUE && nowMs - lastTickMs < RateSampler.MIN_SAMPLE_SPACING_MS && nowMs >= lastTickMs) {
      return;
    }
    lastTickMs = nowMs;
    opsPerSec.sample(nowMs, totalCommands(server.stats()));
    notePeak(usedMemoryBytes(server.db()));
  }

  /** CONFIG RESETSTAT's share: the rate samples and the memory peak start again. */
  public void resetStats() {
    opsPerSec.reset();
    peakMemoryBytes = usedMemoryBytes(server.db());
  }

  public String runId() {
    return runId;
  }

  /**
   * The INFO text for the requested sections: none means "default"; {@code all} and
   * {@code everything} mean every section; unknown names select nothing.
   */
  public String render(List<String> requested, long nowMs) {
    Set<String> wanted = new LinkedHashSet<>();
    if (requested.isEmpty()) {
      wanted.addAll(DEFAULT);
    }
    for (String r : requested) {
      switch (r.toLowerCase(Locale.ROOT)) {
        case "default" -> wanted.addAll(DEFAULT);
        case "all", "everything" -> wanted.addAll(ORDER);
        default -> wanted.add(r.toLowerCase(Locale.ROOT));
      }
    }
    StringBuilder out = new StringBuilder(4096);
    for (String section : ORDER) {
      if (!wanted.contains(section)) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append("\r\n");
      }
      Section s = new Section(out);
      switch (section) {
        case "server" -> server(s.header("Server"), nowMs);
        case "clients" -> clients(s.header("Clients"));
        case "memory" -> memory(s.header("Memory"));
        case "persistence" -> persistence(s.header("Persistence"));
        case "stats" -> stats(s.header("Stats"));
        case "replication" -> replication(s.header("Replication"));
        case "cpu" -> cpu(s.header("CPU"));
        case "modules" -> s.header("Modules");
        case "commandstats" -> commandStats(s.header("Commandstats"));
        case "errorstats" -> errorStats(s.header("Errorstats"));
        case "cluster" -> s.header("Cluster").field("cluster_enabled", 0);
        case "keyspace" -> keyspace(s.header("Keyspace"));
        default -> throw new IllegalStateException(section);
      }
    }
    return out.toString();
  }

  // ---- sections ----------------------------------------------------------------------------------

  private void server(Section s, long nowMs) {
    long uptimeSec = Math.max(0, (nowMs - server.startedMs()) / 1000);
    ServerConfig config = server.config();
    s.field("redis_version", REDIS_VERSION)
        .field("tide_version", tideVersion())
        .field("redis_mode", "standalone")
        .field("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + arch())
        .field("arch_bits", System.getProperty("sun.arch.data.model", "64"))
        .field("multiplexing_api", Epoll.isAvailable() ? "epoll" : "nio")
        .field("java_version", Runtime.version().toString())
        .field("process_id", ProcessHandle.current().pid())
        .field("process_supervised", "no")
        .field("run_id", runId)
        .field("tcp_port", server.port())
        .field("server_time_usec", nowMs * 1000)
        .field("uptime_in_seconds", uptimeSec)
        .field("uptime_in_days", uptimeSec / 86400)
        .field("hz", config.hz)
        .field("configured_hz", config.hz)
        .field("lru_clock", AccessTracker.lruClock(nowMs))
        .field("executable", ProcessHandle.current().info().command().orElse(""))
        .field("tide_shards", server.db().shardCount());
  }

  private void clients(Section s) {
    int connected = 0;
    int blocked = 0;
    for (ClientConnection c : server.clients().all()) {
      connected++;
      if (c.isBlocked()) {
        blocked++;
      }
    }
    s.field("connected_clients", connected)
        .field("cluster_connections", 0)
        .field("maxclients", server.config().maxClients)
        .field("blocked_clients", blocked)
        .field("tracking_clients", 0);
  }

  private void memory(Section s) {
    Database db = server.db();
    long dataset = db.usedBytes();
    long overhead = tableBytes(db);
    long used = dataset + overhead;
    notePeak(used);
    long peak = peakMemoryBytes;
    long rss = ProcessStats.residentBytes();
    long total = ProcessStats.totalSystemBytes();
    long maxmemory = server.config().maxmemoryBytes;
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    s.field("used_memory", used)
        .field("used_memory_human", Sizes.human(used))
        .field("used_memory_rss", rss)
        .field("used_memory_rss_human", Sizes.human(rss))
        .field("used_memory_peak", peak)
        .field("used_memory_peak_human", Sizes.human(peak))
        .field("used_memory_peak_perc", percent(used, peak))
        .field("used_memory_overhead", overhead)
        .field("used_memory_dataset", dataset)
        .field("used_memory_dataset_perc", percent(dataset, used))
        .field("total_system_memory", total)
        .field("total_system_memory_human", Sizes.human(total))
        .field("maxmemory", maxmemory)
        .field("maxmemory_human", Sizes.human(maxmemory))
        .field("maxmemory_policy", server.config().maxmemoryPolicy.configName())
        .field("mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 0.0 : (double) rss / used))
        .field("mem_fragmentation_bytes", rss - used)
        .field("mem_allocator", "jvm")
        .field("jvm_heap_used", heap.getUsed())
        .field("jvm_heap_committed", heap.getCommitted())
        .field("jvm_heap_max", heap.getMax());
  }

  private void persistence(Section s) {
    // Tide keeps no RDB or AOF files; these say that nothing is loading or saving, which is true.
    s.field("loading", 0)
        .field("async_loading", 0)
        .field("rdb_bgsave_in_progress", 0)
        .field("rdb_last_save_time", server.startedMs() / 1000)
        .field("rdb_last_bgsave_status", "ok")
        .field("aof_enabled", 0)
        .field("aof_rewrite_in_progress", 0)
        .field("aof_last_bgrewrite_status", "ok")
        .field("aof_last_write_status", "ok");
  }

  private void stats(Section s) {
    long hits = 0;
    long misses = 0;
    long expired = 0;
    long evicted = 0;
    Database db = server.db();
    for (int i = 0; i < db.shardCount(); i++) {
      Keyspace ks = db.shard(i);
      ks.lock().lock();
      try {
        hits += ks.keyspaceHits();
        misses += ks.keyspaceMisses();
        expired += ks.expiredKeys();
        evicted += ks.evictedKeys();
      } finally {
        ks.lock().unlock();
      }
    }
    long errors = 0;
    for (long n : server.stats().errorCounts().values()) {
      errors += n;
    }
    s.field("total_connections_received", server.clients().totalConnections())
        .field("total_commands_processed", totalCommands(server.stats()))
        .field("instantaneous_ops_per_sec", opsPerSec.ratePerSec())
        .field("rejected_connections", server.clients().rejectedConnections())
        .field("expired_keys", expired)
        .field("evicted_keys", evicted)
        .field("keyspace_hits", hits)
        .field("keyspace_misses", misses)
        .field("total_error_replies", errors);
  }

  private void replication(Section s) {
    s.field("role", "master")
        .field("connected_slaves", 0)
        .field("master_failover_state", "no-failover")
        .field("master_replid", replicationId)
        .field("master_replid2", "0".repeat(40))
        .field("master_repl_offset", 0)
        .field("second_repl_offset", -1)
        .field("repl_backlog_active", 0);
  }

  private void cpu(Section s) {
    ProcessStats.CpuTimes cpu = ProcessStats.cpuTimes();
    s.field("used_cpu_sys", String.format(Locale.ROOT, "%.6f", cpu.systemSeconds()))
        .field("used_cpu_user", String.format(Locale.ROOT, "%.6f", cpu.userSeconds()))
        .field("used_cpu_sys_children", "0.000000")
        .field("used_cpu_user_children", "0.000000");
  }

  private void commandStats(Section s) {
    for (Map.Entry<String, CommandStats.Counters> e : server.stats().snapshot().entrySet()) {
      CommandStats.Counters c = e.getValue();
      long calls = c.calls.sum();
      long rejected = c.rejected.sum();
      long failed = c.failed.sum();
      if (calls == 0 && rejected == 0 && failed == 0) {
        continue;
      }
      long usec = c.micros.sum();
      s.field("cmdstat_" + e.getKey(), "calls=" + calls + ",usec=" + usec + ",usec_per_call="
          + String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : (double) usec / calls)
          + ",rejected_calls=" + rejected + ",failed_calls=" + failed);
    }
  }

  private void errorStats(Section s) {
    for (Map.Entry<String, Long> e : server.stats().errorCounts().entrySet()) {
      s.field("errorstat_" + e.getKey(), "count=" + e.getValue());
    }
  }

  private void keyspace(Section s) {
    long keys = 0;
    long expires = 0;
    Database db = server.db();
    for (int i = 0; i < db.shardCount(); i++) {
      Keyspace ks = db.shard(i);
      ks.lock().lock();
      try {
        keys += ks.size();
        expires += ks.expiresSize();
      } finally {
        ks.lock().unlock();
      }
    }
    if (keys > 0) {
      // avg_ttl: Redis estimates it while expiring; Tide does not, and reports 0 as Redis does before it knows.
      s.field("db0", "keys=" + keys + ",expires=" + expires + ",avg_ttl=0");
    }
  }

  // ---- figures -----------------------------------------------------------------------------------

  /**
   * Bytes the keyspace holds: keys and values as accounted by the shards, plus the hash tables
   * themselves. This is INFO's {@code used_memory}.
   */
  public static long usedMemoryBytes(Database db) {
    return db.usedBytes() + tableBytes(db);
  }

  private static long tableBytes(Database db) {
    long sum = 0;
    for (int i = 0; i < db.shardCount(); i++) {
      Keyspace ks = db.shard(i);
      ks.lock().lock();
      try {
        sum += ks.tableBytes();
      } finally {
        ks.lock().unlock();
      }
    }
    return sum;
  }

  /** Commands run since start or the last CONFIG RESETSTAT ({@code total_commands_processed}). */
  public static long totalCommands(CommandStats stats) {
    long sum = 0;
    for (CommandStats.Counters c : stats.snapshot().values()) {
      sum += c.calls.sum();
    }
    return sum;
  }

  private void notePeak(long used) {
    if (used > peakMemoryBytes) {
      peakMemoryBytes = used; // a racing smaller write only lowers the peak until the next tick
    }
  }

  private static String percent(long part, long whole) {
    return String.format(Locale.ROOT, "%.2f%%", whole == 0 ? 0.0 : part * 100.0 / whole);
  }

  private static String arch() {
    String a = System.getProperty("os.arch", "");
    return a.equals("amd64") ? "x86_64" : a; // uname's name, as Redis shows it
  }

  static String tideVersion() {
    String v = TideServer.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static String randomHex40() {
    StringBuilder sb = new StringBuilder(40);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 40; i++) {
      sb.append(Character.forDigit(r.nextInt(16), 16));
    }
    return sb.toString();
  }

  /** Writes one section's lines. */
  private static final class Section {
    private final StringBuilder out;

    Section(StringBuilder out) {
      this.out = out;
    }

    Section header(String name) {
      out.append("# ").append(name).append("\r\n");
      return this;
    }

    Section field(String name, Object value) {
      out.append(name).append(':').append(value).append("\r\n");
      return this;
    }
  }

  /** Names of the sections INFO knows, in Redis's order (for tests and INFO HELP-like listings). */
  public static List<String> sectionNames() {
    return new ArrayList<>(ORDER);
  }
}
