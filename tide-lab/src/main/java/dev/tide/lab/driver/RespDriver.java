package dev.tide.lab.driver;

import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.resp.RespConnection;
import dev.tide.lab.resp.RespError;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.workload.Operation;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * RESP to one endpoint, one connection per lane. TRYAGAIN and LOADING replies are retried after
 * a growing pause ({@link #retryPauseMs}, counted as retries); any other error reply counts as
 * an error. A MOVED or ASK here is an error too: use {@link ClusterDriver} for a cluster.
 */
public final class RespDriver implements Driver {

  /**
   * Pause before the first retry of a TRYAGAIN / LOADING reply; each further retry of the same
   * request waits twice as long (10, 20, 40, 80, 160 ms: 310 ms over {@link Driver#MAX_RETRIES}),
   * as cluster clients back off (Jedis spreads its attempts over its retry duration), so a
   * request outlasts a Raft election of a few hundred ms instead of failing after 50 ms.
   */
  static final long RETRY_PAUSE_MS = 10;

  /** The pause before retry number {@code retries + 1}. */
  static long retryPauseMs(int retries) {
    return RETRY_PAUSE_MS << Math.min(Math.max(retries, 0), MAX_RETRIES);
  }

  private final RespConnection[] connections;

  public RespDriver(ClientIo io, TargetGuard guard, String host, int port, int lanes, long timeoutNs) {
    InetSocketAddress address = guard.check(host, port);
    this.connections = new RespConnection[lanes];
    try {
      for (int i = 0; i < lanes; i++) {
        connections[i] = RespConnection.open(io, address, timeoutNs);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public String kind() {
    return "resp";
  }

  @Override
  public int lanes() {
    return connections.length;
  }

  @Override
  public void send(int lane, Operation op, Completion done) {
    attempt(connections[lane], op, done, 0);
  }

  private void attempt(RespConnection c, Operation op, Completion done, int retries) {
    c.send(op.argv(), new RespConnection.Callback() {
      @Override
      public void onReply(Object reply, long writtenNs) {
        if (reply instanceof RespError e) {
          if (isRetryable(e) && retries < MAX_RETRIES) {
            GlobalEventExecutor.INSTANCE.schedule(() -> {
              attempt(c, op, done, retries + 1);
              c.flush();
            }, retryPauseMs(retries), TimeUnit.MILLISECONDS);
            return;
          }
          done.complete(writtenNs, retries, e.text());
          return;
        }
        done.complete(writtenNs, retries, null);
      }

      @Override
      public void onFailure(String reason) {
        done.complete(System.nanoTime(), retries, reason);
      }
    });
  }

  static boolean isRetryable(RespError e) {
    String code = e.code();
    return code.equals("TRYAGAIN") || code.equals("LOADING");
  }

  @Override
  public void flush(int lane) {
    connections[lane].flush();
  }

  @Override
  public void close() {
    for (RespConnection c : connections) {
      if (c != null) {
        c.close();
      }
    }
  }
}
