package dev.tide.lab.driver;

import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.workload.Operation;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd through its gRPC KV API with jetcd (etcd's own Java client): a READ is a Range on one key,
 * a WRITE a Put. One jetcd client per lane, each with all members as endpoints (jetcd balances
 * over them). etcd's reads are linearizable by default (they go through the leader's read
 * index), and the report says so. Only the get-set workload maps onto etcd. jetcd's automatic
 * retries are off, so every failure is seen and counted.
 */
public final class EtcdDriver implements Driver {

  private final List<Client> clients = new ArrayList<>();
  private final List<KV> kvs = new ArrayList<>();
  private final long timeoutNs;

  /** @param endpoints "host:port" client URLs of the members; each is checked by the guard */
  public EtcdDriver(TargetGuard guard, List<String> endpoints, int lanes, long timeoutNs) {
    this.timeoutNs = timeoutNs;
    String[] urls = new String[endpoints.size()];
    for (int i = 0; i < urls.length; i++) {
      String e = endpoints.get(i);
      int colon = e.lastIndexOf(':');
      guard.check(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)));
      urls[i] = "http://" + e;
    }
    for (int i = 0; i < lanes; i++) {
      // jetcd's own retries are switched off: a retry it made would be invisible to the report.
      Client c = Client.builder().endpoints(urls).retryMaxAttempts(0).build();
      clients.add(c);
      kvs.add(c.getKVClient());
    }
  }

  @Override
  public String kind() {
    return "etcd";
  }

  @Override
  public int lanes() {
    return kvs.size();
  }

  @Override
  public boolean supports(Operation op) {
    return op.kind() == Operation.Kind.READ || op.kind() == Operation.Kind.WRITE && op.argv().length == 3;
  }

  @Override
  public void send(int lane, Operation op, Completion done) {
    KV kv = kvs.get(lane);
    long written = System.nanoTime();
    CompletableFuture<?> f = switch (op.kind()) {
      case READ -> kv.get(ByteSequence.from(op.key()));
      case WRITE -> kv.put(ByteSequence.from(op.key()), ByteSequence.from(op.value()));
      default -> CompletableFuture.failedFuture(new UnsupportedOperationException("etcd has no " + op.kind()));
    };
    f.orTimeout(timeoutNs, TimeUnit.NANOSECONDS).whenComplete((r, ex) -> {
      if (ex == null) {
        done.complete(written, 0, null);
      } else {
        Throwable cause = ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null
            ? ex.getCause() : ex;
        String reason = cause instanceof java.util.concurrent.TimeoutException
            ? "timeout: no reply within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms"
            : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        done.complete(written, 0, reason);
      }
    });
  }

  @Override
  public void flush(int lane) {
    // jetcd writes each call itself
  }

  @Override
  public void close() {
    for (Client c : clients) {
      c.close();
    }
  }
}
