package dev.tide.lab.harness;

import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.resp.RespConnection;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.workload.WorkloadSpec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Subscriber connections of the pub/sub fan-out workload. Each subscribes to every channel; each
 * delivered message carries its publish's intended time in its first 8 bytes, handed to
 * {@code onDelivery} to record delivery latency.
 */
final class Subscribers implements AutoCloseable {

  /** Time allowed for all subscriptions to be confirmed. */
  static final long SUBSCRIBE_TIMEOUT_MS = 30_000;

  private final List<RespConnection> connections = new ArrayList<>();

  Subscribers(ClientIo io, TargetGuard guard, String host, int port, int count, List<String> channels,
              LongConsumer onDelivery, long timeoutNs) throws InterruptedException {
    CountDownLatch confirmed = new CountDownLatch(count * channels.size());
    byte[][] argv = new byte[channels.size() + 1][];
    argv[0] = "SUBSCRIBE".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < channels.size(); i++) {
      argv[i + 1] = channels.get(i).getBytes(StandardCharsets.US_ASCII);
    }
    try {
      for (int i = 0; i < count; i++) {
        // A subscriber is idle between messages: no request timeout applies to it.
        RespConnection c = RespConnection.open(io, guard.check(host, port), Long.MAX_VALUE / 2);
        c.onPush(reply -> handle(reply, confirmed, onDelivery));
        c.send(argv, new RespConnection.Callback() {
          @Override
          public void onReply(Object reply, long writtenNs) {
            handle(reply, confirmed, onDelivery);
          }

          @Override
          public void onFailure(String reason) {
          }
        });
        c.flush();
        connections.add(c);
      }
      if (!confirmed.await(SUBSCRIBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("subscriptions not confirmed within " + SUBSCRIBE_TIMEOUT_MS + " ms");
      }
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
  }

  private static void handle(Object reply, CountDownLatch confirmed, LongConsumer onDelivery) {
    if (!(reply instanceof List<?> msg) || msg.isEmpty() || !(msg.get(0) instanceof byte[] kind)) {
      return;
    }
    String k = new String(kind, StandardCharsets.US_ASCII);
    if (k.equals("subscribe")) {
      confirmed.countDown();
    } else if (k.equals("message") && msg.size() == 3 && msg.get(2) instanceof byte[] payload
        && payload.length >= WorkloadSpec.PUBSUB_STAMP_BYTES) {
      onDelivery.accept(ByteBuffer.wrap(payload).getLong());
    }
  }

  @Override
  public void close() {
    for (RespConnection c : connections) {
      c.close();
    }
  }
}
