package dev.tide.server.info;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Figures about this process that only the operating system knows: resident memory, CPU time,
 * total memory. Read from Linux's {@code /proc}; elsewhere each falls back to what the JVM can say
 * (and says less), so INFO works on any platform.
 */
public final class ProcessStats {

  /**
   * Bytes per page in {@code /proc/self/statm}. 4 KB on x86-64 and on the usual aarch64 kernels;
   * Java offers no portable way to ask.
   */
  static final long PAGE_SIZE_BYTES = 4096;
  /** Clock ticks per second of {@code /proc/self/stat} times (Linux's USER_HZ, 100 on every common architecture). */
  static final double CLOCK_TICKS_PER_SEC = 100.0;

  private static final Path STATM = Path.of("/proc/self/statm");
  private static final Path STAT = Path.of("/proc/self/stat");
  private static final Path MEMINFO = Path.of("/proc/meminfo");

  private ProcessStats() {
  }

  /** Resident set size in bytes (Redis's {@code used_memory_rss}). */
  public static long residentBytes() {
    try {
      String[] fields = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(fields[1]) * PAGE_SIZE_BYTES;
    } catch (IOException | RuntimeException e) {
      Runtime rt = Runtime.getRuntime();
      return rt.totalMemory(); // committed heap: a lower bound of the footprint
    }
  }

  /** User and system CPU seconds used by this process. */
  public record CpuTimes(double userSeconds, double systemSeconds) {
  }

  public static CpuTimes cpuTimes() {
    try {
      String stat = Files.readString(STAT);
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
      return new CpuTimes(Long.parseLong(f[11]) / CLOCK_TICKS_PER_SEC, Long.parseLong(f[12]) / CLOCK_TICKS_PER_SEC);
    } catch (IOException | RuntimeException e) {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
        return new CpuTimes(os.getProcessCpuTime() / 1e9, 0);
      }
      return new CpuTimes(0, 0);
    }
  }

  /** Physical memory of the machine in bytes, or 0 when unknown. */
  public static long totalSystemBytes() {
    try {
      List<String> lines = Files.readAllLines(MEMINFO);
      for (String line : lines) {
        if (line.startsWith("MemTotal:")) {
          String[] f = line.split("\\s+");
          return Long.parseLong(f[1]) * 1024; // reported in kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the JVM's view
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }
}
