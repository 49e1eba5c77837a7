package dev.tide.lab.targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starting, waiting for and stopping the harness's server processes; free ports; temp dirs; Debian packages. */
public final class Processes {

  /** Time a server gets to start listening. */
  static final long START_TIMEOUT_MS = 60_000;
  /** Time a server gets to exit after SIGTERM before SIGKILL. */
  static final long STOP_TIMEOUT_MS = 10_000;
  /** Lowest and highest port the lab picks for servers (below the ephemeral range so that port + offset stays valid). */
  static final int PORT_RANGE_LOW = 20_000;
  static final int PORT_RANGE_HIGH = 32_000;
  /** Attempts to find a free port before giving up. */
  static final int PORT_ATTEMPTS = 200;

  private Processes() {
  }

  /** A port that is free on loopback right now, outside the ephemeral range. */
  public static int freePort() {
    java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < PORT_ATTEMPTS; i++) {
      int p = rnd.nextInt(PORT_RANGE_LOW, PORT_RANGE_HIGH);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
        return p;
      } catch (IOException busy) {
        // try another
      }
    }
    throw new IllegalStateException("no free port found in " + PORT_RANGE_LOW + ".." + PORT_RANGE_HIGH);
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Process start(List<String> command, Path dir, String logName) {
    try {
      return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve(logName).toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  /** Waits until something accepts TCP connections on 127.0.0.1:port; fails if the process exits first. */
  public static void awaitPort(Process p, int port, String what, Path log) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited during start-up (exit " + p.exitValue() + "): "
            + tail(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return;
      } catch (IOException e) {
        sleep(50);
      }
    }
    throw new IllegalStateException(what + " did not listen on port " + port + " within " + START_TIMEOUT_MS
        + " ms: " + tail(log));
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log)";
    }
  }

  /** SIGTERM by PID, then SIGKILL after {@link #STOP_TIMEOUT_MS}. */
  public static void stop(Process p) {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp dir left behind is reported by nobody, but costs nothing
    }
  }

  /** Runs a short command to completion and returns its output; fails on a non-zero exit. */
  public static String run(long timeoutMs, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command[0] + " did not finish within " + timeoutMs + " ms");
      }
      String text = new String(out).strip();
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Path findBinary(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (String d : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin")) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Finds {@code binary}, installing the Debian {@code packages} with apt-get when it is missing
   * and the harness runs as root; otherwise fails with the command to run.
   */
  public static Path ensureBinary(String binary, String... packages) {
    Path p = findBinary(binary);
    if (p != null) {
      return p;
    }
    String install = "apt-get install -y " + String.join(" ", packages);
    boolean root = "root".equals(System.getProperty("user.name")) || isUidZero();
    if (!root || findBinary("apt-get") == null) {
      throw new IllegalStateException(binary + " is not installed; install it with: sudo " + install);
    }
    System.err.println("lab: installing Debian package(s) " + String.join(" ", packages) + ": " + install);
    List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
    cmd.addAll(List.of(packages));
    if (!aptGet(cmd)) {
      aptGet(List.of("apt-get", "update", "-q"));
      if (!aptGet(cmd)) {
        throw new IllegalStateException("could not install " + String.join(" ", packages) + " (" + install + ")");
      }
    }
    // Debian may start a system service on its default port; the lab starts its own servers.
    for (String service : List.of("redis-server", "etcd")) {
      aptGet(List.of("sh", "-c", "systemctl stop " + service + " 2>/dev/null || service " + service
          + " stop 2>/dev/null || true"));
    }
    p = findBinary(binary);
    if (p == null) {
      throw new IllegalStateException(binary + " still not found after " + install);
    }
    return p;
  }

  private static boolean isUidZero() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean aptGet(List<String> cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
