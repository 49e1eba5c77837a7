package dev.tide.server.capacity;

import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gate on real connections: nothing dropped, fair between connections, blocking commands still work. */
class CapacityGateTest {

  @Test
  void unlimitedNodeHasNoGateInThePipeline() throws Exception {
    try (TideTestServer server = TideTestServer.start(); RespClient c = server.client()) {
      assertThat(c.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
      assertThat(server.server().capacity()).isNull();
      for (ClientConnection conn : server.server().clients().all()) {
        assertThat(conn.channel().pipeline().get("capacity")).isNull();
      }
    }
  }

  @Test
  void limitedNodeGatesEveryConnection() throws Exception {
    try (TideTestServer server = TideTestServer.start(c -> c.capacityOps = 5_000); RespClient c = server.client()) {
      assertThat(c.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
      assertThat(server.server().capacity().capacityOps()).isEqualTo(5_000);
      List<ClientConnection> all = new ArrayList<>(server.server().clients().all());
      assertThat(all).hasSize(1);
      assertThat(all.get(0).channel().pipeline().get("capacity")).isInstanceOf(CapacityGate.class);
    }
  }

  /** Bounded: one pipeline of this many commands (1.5 s of capacity at 1,000 ops/s). */
  static final int PIPELINED = 1_500;
  static final int SEQUENTIAL = 20;

  @Test
  void aPipeliningClientDoesNotMakeAnotherWaitForItsWholePipeline() throws Exception {
    try (TideTestServer server = TideTestServer.start(c -> c.capacityOps = 1_000);
         RespClient heavy = server.client(); RespClient light = server.client()) {
      heavy.setTimeoutMs(60_000);
      light.setTimeoutMs(60_000);
      for (int i = 0; i < PIPELINED; i++) {
        heavy.send("SET", "k" + i, "v" + i);
      }
      AtomicInteger heavyReplies = new AtomicInteger();
      List<Object> wrong = new ArrayList<>();
      Thread reader = Thread.ofPlatform().start(() -> {
        for (int i = 0; i < PIPELINED; i++) {
          Object r = heavy.read();
          if (!new RespClient.Simple("OK").equals(r)) {
            synchronized (wrong) {
              wrong.add(r);
            }
          }
          heavyReplies.incrementAndGet();
        }
      });
      // Wait until the heavy pipeline is being throttled, then time the light client against it.
      await().atMost(java.time.Duration.ofSeconds(30)).until(() -> server.server().capacity().waits() > 0);
      for (int i = 0; i < SEQUENTIAL; i++) {
        assertThat(light.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
      }
      int heavyDoneWhenLightFinished = heavyReplies.get();
      reader.join(60_000);
      assertThat(wrong).isEmpty();
      assertThat(heavyReplies.get()).isEqualTo(PIPELINED); // delayed, never dropped
      // Taking turns, the light client needs ~2 tokens per PING; waiting behind the whole pipeline it
      // would have finished after the heavy one.
      assertThat(heavyDoneWhenLightFinished).isLessThan(PIPELINED);
      assertThat(light.call("DBSIZE")).isEqualTo((long) PIPELINED);
      assertThat(server.server().capacity().queuedCommands()).isZero();
    }
  }

  @Test
  void blockingCommandsAndPipelinedRequestsBehindThemStillWork() throws Exception {
    try (TideTestServer server = TideTestServer.start(c -> c.capacityOps = 200);
         RespClient waiter = server.client(); RespClient pusher = server.client()) {
      waiter.setTimeoutMs(30_000);
      waiter.send("BLPOP", "q", "10");
      waiter.send("PING");
      await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> server.server().clients().all().stream().anyMatch(ClientConnection::isBlocked));
      for (int i = 0; i < 20; i++) { // more than the 2-token burst: these wait for tokens too
        pusher.call("SET", "x" + i, "y");
      }
      assertThat(pusher.call("RPUSH", "q", "v")).isEqualTo(1L);
      assertThat(waiter.read()).isEqualTo(List.of("q", "v"));
      assertThat(waiter.read()).isEqualTo(new RespClient.Simple("PONG"));
      assertThat(waiter.call("GET", "x19")).isEqualTo("y");
    }
  }
}
