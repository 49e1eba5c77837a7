package dev.tide.lab.targets;

import dev.tide.lab.driver.Driver;
import dev.tide.lab.driver.RespDriver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;

import java.nio.file.Path;
import java.util.List;

/** Debian's redis-server, single node on loopback, no persistence (as Tide today). */
public final class RedisTarget implements Target {

  private final Process process;
  private final Path dir;
  private final int port;
  private final String version;

  private RedisTarget(Process process, Path dir, int port, String version) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.version = version;
  }

  public static RedisTarget start() {
    Path bin = Processes.ensureBinary("redis-server", "redis-server", "redis-tools");
    String version = Processes.run(10_000, bin.toString(), "--version");
    Path dir = Processes.tempDir("lab-redis");
    int port = Processes.freePort();
    Process p = Processes.start(List.of(bin.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"), dir, "redis.log");
    try {
      Processes.awaitPort(p, port, "redis-server", dir.resolve("redis.log"));
    } catch (RuntimeException e) {
      Processes.stop(p);
      Processes.deleteTree(dir);
      throw e;
    }
    return new RedisTarget(p, dir, port, version);
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public String description() {
    return shortVersion(version) + " single node, no persistence, pid " + process.pid();
  }

  static String shortVersion(String v) {
    // "Redis server v=7.0.15 sha=... malloc=jemalloc-5.3.0 bits=64 build=..."
    int at = v.indexOf("v=");
    return at < 0 ? v : "redis-server " + v.substring(at + 2).split(" ")[0];
  }

  @Override
  public Driver connect(ClientIo io, TargetGuard guard, int lanes, long timeoutNs) {
    return new RespDriver(io, guard, "127.0.0.1", port, lanes, timeoutNs);
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public List<Long> pids() {
    return List.of(process.pid());
  }

  @Override
  public void close() {
    Processes.stop(process);
    Processes.deleteTree(dir);
  }
}
