package dev.tide.lab.targets;

import dev.tide.lab.driver.ClusterDriver;
import dev.tide.lab.driver.Driver;
import dev.tide.lab.driver.RespDriver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;

/**
 * A RESP server the harness did not start (given as {@code HOST:PORT}, or
 * {@code cluster:HOST:PORT} for a cluster seed). Its address still has to pass the guard.
 */
public final class ExternalTarget implements Target {

  private final String host;
  private final int port;
  private final boolean cluster;

  public ExternalTarget(String host, int port, boolean cluster) {
    this.host = host;
    this.port = port;
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return (cluster ? "cluster:" : "") + host + ":" + port;
  }

  @Override
  public String description() {
    return "external RESP " + (cluster ? "cluster seed " : "server ") + host + ":" + port + " (not started by the lab)";
  }

  @Override
  public Driver connect(ClientIo io, TargetGuard guard, int lanes, long timeoutNs) {
    return cluster ? new ClusterDriver(io, guard, host, port, lanes, timeoutNs)
        : new RespDriver(io, guard, host, port, lanes, timeoutNs);
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public void close() {
    // not ours to stop
  }
}
