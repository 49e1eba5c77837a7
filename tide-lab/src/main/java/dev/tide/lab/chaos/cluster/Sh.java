package dev.tide.lab.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the short system commands of fault injection (ip, nft, tc, mount, losetup, kill) with a time limit. */
public final class Sh {

  /** Time any one system command gets: they are all quick; one that hangs is a broken machine. */
  static final long TIMEOUT_MS = 30_000;

  private Sh() {
  }

  /** The result of a command. */
  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  /** Runs it; never throws for a non-zero exit (see {@link #check}). */
  public static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + ": no exit within " + TIMEOUT_MS + " ms");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  public static Result run(String... command) {
    return run(List.of(command));
  }

  /** Runs it and fails with the command and its output on a non-zero exit. */
  public static String check(String... command) {
    Result r = run(command);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + r.exit() + "): " + r.output());
    }
    return r.output();
  }

  /** Whether the harness runs as root (network namespaces, loop devices and cgroups need it). */
  public static boolean isRoot() {
    try {
      Object uid = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static void unchecked(IOException e) {
    throw new UncheckedIOException(e);
  }
}
