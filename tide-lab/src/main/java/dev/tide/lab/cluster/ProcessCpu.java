package dev.tide.lab.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of server processes and of their threads, read from {@code /proc} (Linux; elsewhere
 * every figure is empty). Two snapshots around a phase give the CPU each process and each thread
 * group spent in it: thread names (the kernel's 15-character {@code comm}, which the JVM sets from
 * Java thread names) with trailing numbers removed, so {@code tide-io-1} and {@code tide-io-2}
 * are one group. Native threads (RocksDB's, the JIT's, the collector's) are counted too, which a
 * Java profiler would not show.
 */
public final class ProcessCpu {

  /** Threads read per process: bounds the work on a process with a runaway thread count. */
  static final int MAX_THREADS_PER_PROCESS = 10_000;
  /** Clock ticks per second of utime/stime: Linux's USER_HZ, 100 on every mainstream architecture. */
  static final long TICKS_PER_SEC = 100;

  private ProcessCpu() {
  }

  /**
   * CPU time at one moment.
   *
   * @param processCpuNs pid → user + system time of the whole process
   * @param groupCpuNs   thread group → user + system time summed over the processes' threads
   */
  public record Snapshot(long takenNs, Map<Long, Long> processCpuNs, Map<String, Long> groupCpuNs) {
  }

  public static Snapshot take(List<Long> pids) {
    Map<Long, Long> procs = new LinkedHashMap<>();
    Map<String, Long> groups = new HashMap<>();
    for (long pid : pids) {
      Path proc = Path.of("/proc", Long.toString(pid));
      try {
        String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
        procs.put(pid, cpuNs(stat));
      } catch (IOException | RuntimeException e) {
        continue; // process gone or not Linux
      }
      int n = 0;
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
        for (Path task : tasks) {
          if (++n > MAX_THREADS_PER_PROCESS) {
            break;
          }
          try {
            String stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
            groups.merge(group(comm(stat)), cpuNs(stat), Long::sum);
          } catch (IOException | RuntimeException e) {
            // the thread ended meanwhile
          }
        }
      } catch (IOException e) {
        // process gone
      }
    }
    return new Snapshot(System.nanoTime(), procs, groups);
  }

  /** CPU spent between two snapshots by the processes present in both. */
  public static long totalNs(Snapshot before, Snapshot after) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.processCpuNs().entrySet()) {
      Long b = before.processCpuNs().get(e.getKey());
      if (b != null) {
        sum += e.getValue() - b;
      }
    }
    return sum;
  }

  /** CPU per thread group between two snapshots, largest first (threads that started meanwhile count from 0). */
  public static List<Map.Entry<String, Long>> groupsNs(Snapshot before, Snapshot after) {
    List<Map.Entry<String, Long>> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : after.groupCpuNs().entrySet()) {
      long d = e.getValue() - before.groupCpuNs().getOrDefault(e.getKey(), 0L);
      if (d > 0) {
        out.add(Map.entry(e.getKey(), d));
      }
    }
    out.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    return out;
  }

  /** utime + stime (fields 14 and 15) of a {@code stat} line, in ns. */
  static long cpuNs(String stat) {
    int close = stat.lastIndexOf(')');
    String[] f = stat.substring(close + 2).trim().split(" ");
    // f[0] is field 3 (state): utime is field 14 → f[11], stime field 15 → f[12]
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * (1_000_000_000L / TICKS_PER_SEC);
  }

  /** The thread name ({@code comm}) of a {@code stat} line: between the first '(' and the last ')'. */
  static String comm(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /** A thread name without its instance number: "tide-io-3" → "tide-io", "ZWorkerOld#1" → "ZWorkerOld". */
  static String group(String comm) {
    String g = comm.strip().replaceAll("[-_#:. ]*[0-9]+$", "");
    return g.isEmpty() ? comm.strip() : g;
  }
}
