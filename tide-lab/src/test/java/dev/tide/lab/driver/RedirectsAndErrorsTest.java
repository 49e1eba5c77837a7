package dev.tide.lab.driver;

import dev.tide.engine.slots.Slots;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.run.LoadRunner;
import dev.tide.lab.run.Progress;
import dev.tide.lab.run.RunConfig;
import dev.tide.lab.run.RunResult;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.schedule.RateProfile;
import dev.tide.lab.testing.FakeRespServer;
import dev.tide.lab.workload.Operation;
import dev.tide.lab.workload.OperationSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries and errors are counted right, and apart, against fake cluster nodes that redirect and
 * fail on purpose. Node A claims every slot; for some keys it answers MOVED or ASK to node B,
 * TRYAGAIN once, or an error; "loop" keys bounce between A and B forever. Every key has its own
 * slot, so the expected counts follow from the key list alone.
 */
class RedirectsAndErrorsTest {

  static final int MOVED = 10;
  static final int ASK = 10;
  static final int ERR = 10;
  static final int LOOP = 5;
  static final int TRYAGAIN = 5;
  static final int PLAIN = 60;

  final Map<String, AtomicInteger> tryAgainSeen = new ConcurrentHashMap<>();
  final AtomicInteger askingThenAsk = new AtomicInteger();

  @Test
  void clusterDriverFollowsMovedAndAskAndCountsRetriesSeparatelyFromErrors() throws Exception {
    List<String> keys = keys();
    int total = keys.size();
    try (FakeRespServer b = new FakeRespServer(this::nodeB);
         FakeRespServer a = new FakeRespServer((argv, c) -> nodeA(argv, b.port()))) {
      aPort = a.port();
      try (ClientIo io = new ClientIo(1);
           ClusterDriver driver = new ClusterDriver(io, TargetGuard.LOOPBACK_ONLY, "127.0.0.1", a.port(), 2,
               TimeUnit.SECONDS.toNanos(10))) {
        RunResult r = run(driver, keys);

        assertThat(r.issued()).isEqualTo(total);
        assertThat(r.errors()).isEqualTo(ERR + LOOP);
        assertThat(r.ok()).isEqualTo(total - ERR - LOOP);
        // one retry per MOVED, ASK and TRYAGAIN; a loop key gives up after MAX_RETRIES
        assertThat(r.retries()).isEqualTo(MOVED + ASK + TRYAGAIN + (long) LOOP * Driver.MAX_RETRIES);
        assertThat(r.errorCounts()).containsEntry("ERR injected failure", (long) ERR);
        // no other kind of error than the injected ones and the given-up loops
        assertThat(r.errorCounts().keySet()).allMatch(e -> e.equals("ERR injected failure")
            || e.startsWith("too many redirects (last: MOVED "));
        assertThat(r.errorCounts().entrySet().stream().filter(e -> e.getKey().startsWith("too many redirects"))
            .mapToLong(Map.Entry::getValue).sum()).isEqualTo(LOOP);
        // every ASK was re-sent to B right behind an ASKING
        assertThat(askingThenAsk.get()).isEqualTo(ASK);
        assertThat(driver.nodeCount()).isEqualTo(2);
      }
    }
  }

  @Test
  void singleEndpointDriverCountsRedirectsAsErrorsAndRetriesOnlyTryAgain() throws Exception {
    List<String> keys = keys();
    try (FakeRespServer a = new FakeRespServer((argv, c) -> nodeA(argv, 1));
         ClientIo io = new ClientIo(1);
         RespDriver driver = new RespDriver(io, TargetGuard.LOOPBACK_ONLY, "127.0.0.1", a.port(), 2,
             TimeUnit.SECONDS.toNanos(10))) {
      RunResult r = run(driver, keys);
      assertThat(r.errors()).isEqualTo(MOVED + ASK + ERR + LOOP);
      assertThat(r.retries()).isEqualTo(TRYAGAIN);
      assertThat(r.ok()).isEqualTo(PLAIN + TRYAGAIN);
    }
  }

  private RunResult run(Driver driver, List<String> keys) throws InterruptedException {
    OperationSource source = id -> {
      int[] next = {0};
      return () -> {
        byte[] k = keys.get(next[0]++ % keys.size()).getBytes(StandardCharsets.UTF_8);
        return new Operation(Operation.Kind.WRITE, k, new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII), k,
            "v".getBytes(StandardCharsets.US_ASCII)});
      };
    };
    return new LoadRunner(driver, source, RunConfig.openLoop(new RateProfile.Constant(1_000),
        TimeUnit.SECONDS.toNanos(10), keys.size()), "redirects", Progress.NONE).run();
  }

  /** Keys named by what the fake nodes do with them, each in its own slot (checked). */
  static List<String> keys() {
    List<String> keys = new ArrayList<>();
    Set<Integer> slots = new HashSet<>();
    int tag = 0;
    for (Object[] kind : new Object[][] {{"moved", MOVED}, {"ask", ASK}, {"err", ERR}, {"loop", LOOP},
        {"tryagain", TRYAGAIN}, {"plain", PLAIN}}) {
      for (int i = 0; i < (int) kind[1]; i++) {
        String key;
        do {
          key = "{t" + tag++ + "}" + kind[0];
        } while (!slots.add(Slots.slot(key.getBytes(StandardCharsets.UTF_8))));
        keys.add(key);
      }
    }
    return keys;
  }

  /** Node A's port, for CLUSTER SLOTS and for B's redirects back to A. */
  private volatile int aPort;

  private String nodeA(List<String> argv, int bPort) {
    if (argv.get(0).equalsIgnoreCase("CLUSTER")) {
      // *1 range: 0..16383 served by this node (host, port, id)
      return "*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$9\r\n127.0.0.1\r\n:" + aPort + "\r\n$2\r\nid\r\n";
    }
    String key = argv.get(1);
    int slot = Slots.slot(key.getBytes(StandardCharsets.UTF_8));
    if (key.endsWith("moved") || key.endsWith("loop")) {
      return "-MOVED " + slot + " 127.0.0.1:" + bPort + "\r\n";
    }
    if (key.endsWith("ask")) {
      return "-ASK " + slot + " 127.0.0.1:" + bPort + "\r\n";
    }
    if (key.endsWith("err")) {
      return "-ERR injected failure\r\n";
    }
    if (key.endsWith("tryagain") && tryAgainSeen.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement() == 0) {
      return "-TRYAGAIN Multiple keys request during rehashing of slot\r\n";
    }
    return "+OK\r\n";
  }

  private String nodeB(List<String> argv, FakeRespServer.Connection c) {
    if (argv.get(0).equalsIgnoreCase("ASKING")) {
      return "+OK\r\n";
    }
    String key = argv.get(1);
    int slot = Slots.slot(key.getBytes(StandardCharsets.UTF_8));
    if (key.endsWith("loop")) {
      return "-MOVED " + slot + " 127.0.0.1:" + aPort + "\r\n";
    }
    if (key.endsWith("ask")) {
      if (!c.previousCommand.equals("ASKING")) {
        return "-ERR ask key without ASKING\r\n";
      }
      askingThenAsk.incrementAndGet();
    }
    return "+OK\r\n";
  }
}
