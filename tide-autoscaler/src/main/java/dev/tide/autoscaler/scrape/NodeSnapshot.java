package dev.tide.autoscaler.scrape;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one scrape of a Tide node's {@code /metrics} says, reduced to what the autoscaler reads
 * (names from docs/metrics.md). Counters are cumulative; {@link NodeReading#between} turns two
 * snapshots into rates.
 *
 * @param commands          {@code tide_commands_total}, summed over commands
 * @param latency           {@code tide_command_duration_seconds}, summed over commands (seconds)
 * @param queueDelay        {@code tide_capacity_queue_delay_seconds} (emulated capacity; empty without)
 * @param errors            {@code tide_errors_total}, all codes
 * @param serverErrors      {@code tide_errors_total} for codes that are the service's fault ({@link #SERVER_FAULT_ERRORS})
 * @param connections       {@code tide_connected_clients}
 * @param queuedCommands    {@code tide_capacity_queued_commands} (0 without a capacity)
 * @param cpu               {@code process_cpu_usage}: the process's share of all cores, 0..1 (NaN if absent)
 * @param usedMemoryBytes   {@code tide_used_memory_bytes} (the data), or RSS when absent
 * @param uptimeSeconds     {@code process_uptime_seconds} (NaN if absent)
 * @param capacityOps       {@code tide_capacity_ops_per_second} (0: unlimited)
 */
public record NodeSnapshot(double commands, Histogram latency, Histogram queueDelay, double errors,
    double serverErrors, double connections, double queuedCommands, double cpu, double usedMemoryBytes,
    double uptimeSeconds, double capacityOps) {

  /**
   * Error codes that count against the SLO: the service failed the request (out of memory, busy,
   * loading, cluster unavailable). Client mistakes (ERR, WRONGTYPE, syntax) do not.
   */
  public static final Set<String> SERVER_FAULT_ERRORS =
      Set.of("OOM", "BUSY", "LOADING", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "NOREPLICAS", "MISCONF");

  public static NodeSnapshot of(List<PrometheusParser.Sample> samples) {
    double commands = 0;
    double errors = 0;
    double serverErrors = 0;
    double connections = 0;
    double queued = 0;
    double cpu = Double.NaN;
    double used = Double.NaN;
    double rss = Double.NaN;
    double uptime = Double.NaN;
    double capacity = 0;
    Map<Double, Double> latency = new HashMap<>();
    Map<Double, Double> delay = new HashMap<>();
    boolean sawTide = false;
    for (PrometheusParser.Sample s : samples) {
      switch (s.name()) {
        case "tide_commands_total" -> {
          commands += s.value();
          sawTide = true;
        }
        case "tide_command_duration_seconds_bucket" -> add(latency, s);
        case "tide_capacity_queue_delay_seconds_bucket" -> add(delay, s);
        case "tide_errors_total" -> {
          errors += s.value();
          if (SERVER_FAULT_ERRORS.contains(s.labels().getOrDefault("error", ""))) {
            serverErrors += s.value();
          }
        }
        case "tide_connected_clients" -> {
          connections = s.value();
          sawTide = true;
        }
        case "tide_capacity_queued_commands" -> queued = s.value();
        case "tide_capacity_ops_per_second" -> capacity = s.value();
        case "process_cpu_usage" -> cpu = s.value();
        case "tide_used_memory_bytes" -> used = s.value();
        case "process_resident_memory_bytes" -> rss = s.value();
        case "process_uptime_seconds" -> uptime = s.value();
        default -> { }
      }
    }
    if (!sawTide) {
      throw new IllegalArgumentException("not a Tide node's metrics (no tide_connected_clients)");
    }
    return new NodeSnapshot(commands, Histogram.of(latency), Histogram.of(delay), errors, serverErrors, connections,
        queued, cpu, Double.isNaN(used) ? rss : used, uptime, capacity);
  }

  private static void add(Map<Double, Double> buckets, PrometheusParser.Sample s) {
    String le = s.labels().get("le");
    if (le != null) {
      buckets.merge(PrometheusParser.number(le), s.value(), Double::sum);
    }
  }
}
