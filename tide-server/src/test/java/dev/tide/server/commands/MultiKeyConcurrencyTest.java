package dev.tide.server.commands;

import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-key commands whose keys live in different shards, run from several connections at once:
 * RENAMENX moves values between shards and never loses or duplicates one, and nothing deadlocks.
 */
class MultiKeyConcurrencyTest {

  private static final int SLOTS = 16;
  private static final int VALUES = 8;
  private static final int CLIENTS = 4;
  /** Operations per client: enough to interleave heavily, bounded so the test stays short. */
  private static final int OPS_PER_CLIENT = 3_000;

  @Test
  @Timeout(120)
  void renamenxAcrossShardsConservesValues() throws Exception {
    try (TideTestServer server = TideTestServer.start(); RespClient setup = server.client()) {
      Set<Integer> shards = new HashSet<>();
      for (int i = 0; i < SLOTS; i++) {
        shards.add(server.server().db().shardIndex(("slot:" + i).getBytes(StandardCharsets.UTF_8)));
      }
      assertThat(shards).as("keys spread over several shards").hasSizeGreaterThan(4);
      Set<String> initial = new HashSet<>();
      for (int i = 0; i < VALUES; i++) {
        setup.call("SET", "slot:" + i, "value:" + i);
        initial.add("value:" + i);
      }
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
          long seed = t;
          done.add(pool.submit(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            try (RespClient c = server.client()) {
              for (int op = 0; op < OPS_PER_CLIENT; op++) {
                String src = "slot:" + random.nextInt(SLOTS);
                String dst = "slot:" + random.nextInt(SLOTS);
                if (op % 10 == 0) {
                  c.call("MGET", src, dst, "slot:" + random.nextInt(SLOTS));
                } else {
                  c.call("RENAMENX", src, dst);
                }
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(100, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      String[] mget = new String[SLOTS + 1];
      mget[0] = "MGET";
      for (int i = 0; i < SLOTS; i++) {
        mget[i + 1] = "slot:" + i;
      }
      List<String> values = new ArrayList<>();
      for (Object v : (List<?>) setup.call(mget)) {
        if (v != null) {
          values.add((String) v);
        }
      }
      assertThat(values).hasSize(VALUES);
      assertThat(new HashSet<>(values)).isEqualTo(initial);
      assertThat(setup.call("DBSIZE")).isEqualTo((long) VALUES);
    }
  }
}
