package dev.tide.lab.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the whole machine's CPU time went between two readings of {@code /proc/stat} (Linux):
 * user, system, I/O wait, idle, and stolen by the hypervisor, as fractions. I/O wait next to a
 * low user share says a run waited on the disk (fsync), not on the processors; it matters on a
 * 2-core machine, where the load average also counts threads blocked in fsync.
 */
public record MachineCpu(double user, double system, double iowait, double idle, double steal) {

  /** Jiffies of the aggregate "cpu" line: user nice system idle iowait irq softirq steal. */
  record Reading(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal) {
    long total() {
      return user + nice + system + idle + iowait + irq + softirq + steal;
    }
  }

  /** The current reading, or null when {@code /proc/stat} cannot be read. */
  static Reading read() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
      return parse(first);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static Reading parse(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu") || f.length < 9) {
      throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: " + cpuLine);
    }
    return new Reading(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
        Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]));
  }

  /** Shares between two readings; null when either is missing or no time passed. */
  static MachineCpu between(Reading a, Reading b) {
    if (a == null || b == null) {
      return null;
    }
    double total = b.total() - a.total();
    if (total <= 0) {
      return null;
    }
    return new MachineCpu((b.user() + b.nice() - a.user() - a.nice()) / total,
        (b.system() + b.irq() + b.softirq() - a.system() - a.irq() - a.softirq()) / total,
        (b.iowait() - a.iowait()) / total, (b.idle() - a.idle()) / total, (b.steal() - a.steal()) / total);
  }

  public String describe() {
    return String.format(Locale.ROOT, "user %.0f%%, system %.0f%%, iowait %.0f%%, idle %.0f%%, steal %.0f%%",
        user * 100, system * 100, iowait * 100, idle * 100, steal * 100);
  }
}
