package dev.tide.server.metrics;

import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.server.TideServer;
import dev.tide.server.capacity.EmulatedCapacity;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.dispatch.CommandListener;
import dev.tide.server.dispatch.CommandStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The node's metrics, in a Micrometer {@link PrometheusMeterRegistry}, rendered as Prometheus
 * text by {@link #scrape()} for the {@code /metrics} endpoint.
 *
 * <p><b>What is measured and how.</b> Only per-command latency is recorded on the hot path: the
 * executor calls {@link #commandCompleted} after each command, which looks up the command's
 * {@link Timer} (a {@link ConcurrentHashMap#get} keyed by the command's spec, no allocation) and
 * records into it (Micrometer's Prometheus timer: striped adders and a fixed bucket array, no
 * allocation). Everything else is read when scraped, from counters the server keeps anyway:
 * command calls, rejections and failures ({@link CommandStats}), errors by code, connections, keys,
 * memory, evictions, expirations and keyspace hits — so a node that is never scraped pays nothing
 * for them.
 *
 * <p><b>Names</b> follow Prometheus conventions (Micrometer's naming convention adds the unit
 * and {@code _total}): {@code tide_commands_total{command="get"}},
 * {@code tide_command_duration_seconds_bucket{command="get",le="0.001"}},
 * {@code tide_connected_clients}, {@code tide_used_memory_bytes}, {@code jvm_gc_pause_seconds} ...
 * The full list is in {@code docs/metrics.md}.
 */
public final class TideMetrics implements CommandListener, AutoCloseable {

  /**
   * Latency histogram buckets of every command. A fixed, short list rather than Micrometer's
   * percentile histogram (about 70 buckets over the same range) because it is exported per
   * command: 18 series per command keeps a scrape of a busy node in the low thousands of lines.
   * The range spans what a command can take here, from a cached GET (a few µs) to a full scan
   * of a large keyspace (seconds); the steps are 1-2.5-5 per decade, as Prometheus's own defaults.
   */
  static final Duration[] LATENCY_BUCKETS = {
      micros(5), micros(10), micros(25), micros(50), micros(100), micros(250), micros(500),
      millis(1), millis(2.5), millis(5), millis(10), millis(25), millis(50), millis(100), millis(250),
      millis(500), millis(1000), millis(5000)};

  private final TideServer server;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<CommandSpec, Timer> timers = new ConcurrentHashMap<>();
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  /** Command counters already exposed, by command name (only touched by scrapes). */
  private final Map<String, CommandStats.Counters> boundCommands = new java.util.HashMap<>();
  /** Error codes already exposed. */
  private final java.util.Set<String> boundErrors = new java.util.HashSet<>();

  public TideMetrics(TideServer server) {
    this.server = server;
    // Filters first: Micrometer applies them only to meters registered afterwards.
    // Its process.cpu.time (nanoseconds) and system.cpu.count break Prometheus naming rules
    // (promtool flags both); the standard process_cpu_seconds_total replaces the first.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"));
    bindServerMeters();
    bindCapacityMeters();
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("CPU time used by the process").register(registry);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void commandCompleted(CommandSpec spec, long durationNanos, boolean failed) {
    Timer timer = timers.get(spec);
    if (timer == null) {
      timer = timers.computeIfAbsent(spec, this::newTimer); // once per command name
    }
    timer.record(durationNanos, TimeUnit.NANOSECONDS);
  }

  private Timer newTimer(CommandSpec spec) {
    return Timer.builder("tide.command.duration")
        .description("Time to run a command, from taking its locks to releasing them")
        .tag("command", spec.name())
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  /** The metrics in Prometheus text exposition format (version 0.0.4). */
  public String scrape() {
    bindCommandMeters();
    return registry.scrape();
  }

  // ---- meters read at scrape time ---------------------------------------------------------------

  private void bindServerMeters() {
    Database db = server.db();
    gauge("tide.connected.clients", "Client connections open now", null, s -> s.clients().size());
    counter("tide.connections.received", "Client connections accepted since start",
        s -> s.clients().totalConnections());
    counter("tide.connections.rejected", "Client connections refused (maxclients or shutting down)",
        s -> s.clients().rejectedConnections());
    gauge("tide.blocked.clients", "Clients waiting in a blocking command", null, TideMetrics::blockedClients);
    Gauge.builder("tide.keys", db, d -> d.keyCount()).description("Keys in the database")
        .tag("db", "0").strongReference(true).register(registry);
    Gauge.builder("tide.expiring.keys", db, d -> d.expiringKeyCount()).description("Keys with an expiry")
        .tag("db", "0").strongReference(true).register(registry);
    gauge("tide.used.memory", "Estimated heap held by the data (used_memory): keys, values, expiries, dict tables",
        "bytes", s -> s.db().usedMemoryBytes());
    gauge("tide.maxmemory", "Configured memory limit for the data; 0 = none", "bytes",
        s -> s.engineConfig().maxmemoryBytes);
    counter("tide.evicted.keys", "Keys evicted to stay under maxmemory", s -> sum(s.db(), Keyspace::evictedKeys));
    counter("tide.expired.keys", "Keys deleted because their time to live passed",
        s -> sum(s.db(), Keyspace::expiredKeys));
    counter("tide.keyspace.hits", "Key lookups that found the key", s -> sum(s.db(), Keyspace::keyspaceHits));
    counter("tide.keyspace.misses", "Key lookups that did not find the key",
        s -> sum(s.db(), Keyspace::keyspaceMisses));
    if (Files.isReadable(PROC_STATUS)) {
      Gauge.builder("process.resident.memory", TideMetrics::residentBytes)
          .description("Resident set size of the process (VmRSS)").baseUnit("bytes").register(registry);
    }
  }

  /**
   * Emulated capacity (lab feature, {@code capacity-ops}). The configured rate is always exported
   * (0 = unlimited); the rest only when the node has a capacity. The queueing delay of every command
   * that passed the token bucket (0 when a token was there) goes to a histogram with the command
   * latency buckets, recorded through the capacity's delay listener.
   */
  private void bindCapacityMeters() {
    gauge("tide.capacity.ops.per.second", "Emulated capacity in commands per second (lab feature); 0 = unlimited",
        null, s -> s.capacity() == null ? 0 : s.capacity().capacityOps());
    EmulatedCapacity cap = server.capacity();
    if (cap == null) {
      return;
    }
    FunctionCounter.builder("tide.capacity.waits", cap, c -> c.waits())
        .description("Times a connection found no token and paused its reads (tokens refused)").register(registry);
    FunctionCounter.builder("tide.capacity.delayed.commands", cap, c -> c.delayedCommands())
        .description("Commands that waited for a token").register(registry);
    Gauge.builder("tide.capacity.queued.commands", cap, c -> c.queuedCommands())
        .description("Commands held now, waiting for a token").strongReference(true).register(registry);
    Timer delay = Timer.builder("tide.capacity.queue.delay")
        .description("Time a command waited for a token before running (0 when one was there)")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
    cap.setDelayListener(ns -> delay.record(ns, TimeUnit.NANOSECONDS));
  }

  /**
   * Registers counters for commands and error codes first seen since the last scrape. Scrapes
   * run on the endpoint's single thread, so the sets need no locking.
   */
  private void bindCommandMeters() {
    CommandStats stats = server.stats();
    for (Map.Entry<String, CommandStats.Counters> e : stats.snapshot().entrySet()) {
      CommandStats.Counters c = e.getValue();
      String command = e.getKey();
      if (boundCommands.get(command) == c) {
        continue;
      }
      boundCommands.put(command, c);
      if (registry.find("tide.commands").tag("command", command).functionCounter() != null) {
        // CONFIG RESETSTAT replaced the counters: point the meters at the new ones.
        registry.remove(registry.find("tide.commands").tag("command", command).functionCounter());
        registry.remove(registry.find("tide.commands.rejected").tag("command", command).functionCounter());
        registry.remove(registry.find("tide.commands.failed").tag("command", command).functionCounter());
      }
      FunctionCounter.builder("tide.commands", c, x -> x.calls.sum()).description("Commands run")
          .tag("command", command).register(registry);
      FunctionCounter.builder("tide.commands.rejected", c, x -> x.rejected.sum())
          .description("Commands refused before running (arity, auth, OOM ...)").tag("command", command)
          .register(registry);
      FunctionCounter.builder("tide.commands.failed", c, x -> x.failed.sum())
          .description("Commands that ran and replied with an error").tag("command", command).register(registry);
    }
    for (String code : stats.errorCounts().keySet()) {
      if (!boundErrors.add(code)) {
        continue;
      }
      FunctionCounter.builder("tide.errors", stats, s -> s.errorCounts().getOrDefault(code, 0L))
          .description("Error replies by error code (INFO errorstats)").tag("error", code).register(registry);
    }
  }

  private void gauge(String name, String description, String unit, ToLongFunction<TideServer> fn) {
    Gauge.builder(name, server, s -> fn.applyAsLong(s)).description(description).baseUnit(unit)
        .strongReference(true).register(registry);
  }

  private void counter(String name, String description, ToLongFunction<TideServer> fn) {
    FunctionCounter.builder(name, server, s -> fn.applyAsLong(s)).description(description).register(registry);
  }

  private static long sum(Database db, ToLongFunction<Keyspace> fn) {
    long total = 0;
    for (int i = 0; i < db.shardCount(); i++) {
      total += fn.applyAsLong(db.shard(i)); // plain reads of counters owned by the shard: a moment old
    }
    return total;
  }

  private static long blockedClients(TideServer s) {
    long n = 0;
    for (ClientConnection c : s.clients().all()) {
      if (c.isBlocked()) {
        n++;
      }
    }
    return n;
  }

  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  /** VmRSS from /proc/self/status, in bytes; NaN when unreadable. */
  static double residentBytes() {
    try {
      for (String line : Files.readAllLines(PROC_STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024.0; // the kernel reports kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return Double.NaN;
  }

  private static Duration micros(long n) {
    return Duration.ofNanos(n * 1000);
  }

  private static Duration millis(double n) {
    return Duration.ofNanos((long) (n * 1_000_000));
  }

  @Override
  public void close() {
    if (server.capacity() != null) {
      server.capacity().setDelayListener(null);
    }
    gcMetrics.close();
    registry.close();
  }
}
