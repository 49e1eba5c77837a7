package dev.tide.lab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The machine a report was measured on: cores, CPU, memory, JDK, OS, load when the run started. */
public record MachineInfo(int cores, String cpu, double memoryGiB, String jdk, String os, String loadAverage) {

  public static MachineInfo read() {
    String cpu = "unknown CPU";
    double memGiB = 0;
    String load = "n/a";
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          cpu = l.substring(l.indexOf(':') + 1).strip();
          break;
        }
      }
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          memGiB = Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0;
        }
      }
      List<String> la = Files.readAllLines(Path.of("/proc/loadavg"));
      if (!la.isEmpty()) {
        String[] p = la.get(0).split(" ");
        load = p[0] + " " + p[1] + " " + p[2];
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: keep what we have
    }
    String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
    return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpu, memGiB, jdk, os, load);
  }

  public String describe() {
    return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB RAM, %s, %s, load average at start %s", cores, cpu,
        memoryGiB, jdk, os, loadAverage);
  }
}
