package dev.tide.lab.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stack sampling of server JVMs with {@code jcmd PID Thread.print}, once per interval, while a
 * phase runs: which Java methods the RUNNABLE threads are in, which thread groups they belong
 * to, and how many threads each JVM has.
 *
 * <p>Why not JFR: SOFAJRaft registers Java handlers for SIGUSR2 (node "describe" and metrics
 * dumps, written to the working directory), and HotSpot's JFR sampler on Linux suspends threads
 * with the same signal: under JFR every sample became a JRaft dump — tens of MB per second per
 * node, the cluster stalled and JFR recorded no method samples at all. A thread dump is a
 * safepoint operation and sends no signal.
 *
 * <p>Coarse by design (one dump per node per {@link #INTERVAL_MS}, threads in native code that
 * the JVM reports RUNNABLE while they wait in epoll left out), but it names where the busy
 * threads are without touching the nodes' configuration.
 */
final class StackSampler {

  /** Between two dumps of the same JVM: a dump of ~700 threads costs the node a few ms. */
  static final long INTERVAL_MS = 1_000;
  /** Dumps per JVM at most (bounds the work of a long phase). */
  static final int MAX_DUMPS = 600;
  /** Each jcmd call may take this long. */
  static final long TOOL_TIMEOUT_MS = 30_000;
  /** Lines shown per table. */
  static final int SHOWN = 15;

  private final List<Long> pids;
  private final Path dir;
  private final Map<String, Integer> frames = new HashMap<>();
  private final Map<String, Integer> groups = new HashMap<>();
  private final Map<String, Integer> allGroups = new HashMap<>();
  private long threadsSeen;
  private long runnableSeen;
  private int dumps;
  private volatile boolean stop;
  private Thread thread;

  StackSampler(List<Long> pids, Path dir) {
    this.pids = List.copyOf(pids);
    this.dir = dir;
  }

  static StackSampler start(List<Long> pids, Path dir) {
    StackSampler s = new StackSampler(pids, dir);
    s.thread = Thread.ofPlatform().name("lab-stack-sampler").daemon().start(s::loop);
    return s;
  }

  private void loop() {
    while (!stop && dumps < MAX_DUMPS * Math.max(1, pids.size())) {
      long t0 = System.nanoTime();
      for (long pid : pids) {
        String dump = jcmd(pid);
        synchronized (this) {
          add(dump);
        }
      }
      long left = INTERVAL_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      if (left > 0) {
        try {
          Thread.sleep(left);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Adds one thread dump to the counts. */
  void add(String dump) {
    if (!dump.contains("Full thread dump")) {
      return;
    }
    dumps++;
    String[] lines = dump.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (!l.startsWith("\"")) {
        continue;
      }
      int end = l.indexOf('"', 1);
      String group = end > 0 ? ProcessCpu.group(l.substring(1, end).replaceAll("[0-9]+", "N")) : "?";
      threadsSeen++;
      allGroups.merge(group, 1, Integer::sum);
      String state = i + 1 < lines.length ? lines[i + 1].trim() : "";
      String top = i + 2 < lines.length ? lines[i + 2].trim() : "";
      if (!state.startsWith("java.lang.Thread.State: RUNNABLE") || !top.startsWith("at ")) {
        continue;
      }
      String method = top.substring(3).replaceAll("\\(.*", "");
      if (method.contains("epollWait") || method.contains("EPoll.wait") || method.contains("Net.poll")
          || method.contains("accept0") || method.contains("socketAccept")) {
        continue; // waiting for the network, not working
      }
      runnableSeen++;
      frames.merge(method, 1, Integer::sum);
      groups.merge(group, 1, Integer::sum);
    }
  }

  /** Stops sampling and returns the summary (also written to {@code hot-stacks.txt}). */
  String stopAndSummarise() throws InterruptedException {
    stop = true;
    thread.join(TOOL_TIMEOUT_MS + INTERVAL_MS);
    String text;
    synchronized (this) {
      text = summary();
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("hot-stacks.txt"), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      text += "(cannot write " + dir.resolve("hot-stacks.txt") + ": " + e.getMessage() + ")\n";
    }
    return text;
  }

  synchronized String summary() {
    StringBuilder sb = new StringBuilder();
    if (dumps == 0) {
      return "no thread dump could be taken (jcmd missing or the JVMs did not answer)\n";
    }
    sb.append(String.format(Locale.ROOT, "%d thread dumps (jcmd Thread.print, one per node per %d ms): %.0f threads "
        + "per JVM, %.1f of them RUNNABLE outside network waits%n", dumps, INTERVAL_MS, (double) threadsSeen / dumps,
        (double) runnableSeen / dumps));
    sb.append("threads per JVM by group (all states):\n");
    top(allGroups, dumps, sb);
    sb.append("RUNNABLE threads per dump by group:\n");
    top(groups, dumps, sb);
    sb.append("top frames of RUNNABLE threads (share of RUNNABLE samples):\n");
    List<Map.Entry<String, Integer>> f = new ArrayList<>(frames.entrySet());
    f.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
    for (Map.Entry<String, Integer> e : f.subList(0, Math.min(SHOWN, f.size()))) {
      sb.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, runnableSeen),
          e.getKey()));
    }
    return sb.toString();
  }

  private static void top(Map<String, Integer> counts, int dumps, StringBuilder sb) {
    List<Map.Entry<String, Integer>> l = new ArrayList<>(counts.entrySet());
    l.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
    for (Map.Entry<String, Integer> e : l.subList(0, Math.min(SHOWN, l.size()))) {
      sb.append(String.format(Locale.ROOT, "  %7.1f  %s%n", (double) e.getValue() / dumps, e.getKey()));
    }
  }

  private static String jcmd(long pid) {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
        "Thread.print");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TOOL_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return "";
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
