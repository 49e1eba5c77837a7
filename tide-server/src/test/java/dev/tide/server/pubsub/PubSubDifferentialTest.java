package dev.tide.server.pubsub;

import dev.tide.server.testing.Differential;
import dev.tide.server.testing.DifferentialTestBase;
import dev.tide.server.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pub/sub compared with redis-server: confirmation and message shapes (RESP2 and RESP3), counts,
 * patterns, shard channels, PUBSUB introspection and errors, the RESP2 subscribed-mode rule, and
 * SUBSCRIBE/PUBLISH inside a transaction. Channel names are unique per test: the servers live for
 * the whole class.
 */
class PubSubDifferentialTest extends DifferentialTestBase {

  /** Sends a command to both sides of a connection pair without reading. */
  private static void send(Differential d, String... cmd) {
    d.tide().send(cmd);
    d.redis().send(cmd);
  }

  /** Reads one reply from each side and asserts they are equal; returns Tide's. */
  private static Object same(Differential d) {
    Object redis = d.redis().read();
    Object tide = d.tide().read();
    assertThat(tide).as("tide vs redis").isEqualTo(redis);
    return tide;
  }

  /** Reads n replies from each side and compares them as multisets (order Redis leaves to its dicts). */
  private static void sameUnordered(Differential d, int n) {
    List<Object> redis = new ArrayList<>();
    List<Object> tide = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      redis.add(d.redis().read());
      tide.add(d.tide().read());
    }
    redis.sort(Comparator.comparing(String::valueOf));
    tide.sort(Comparator.comparing(String::valueOf));
    assertThat(tide).as("tide vs redis").isEqualTo(redis);
  }

  /**
   * Reads the n confirmations of an argument-less (P|S)UNSUBSCRIBE. Redis walks its dict, so the
   * channel order is its own; the names must be the same set and the counts the same sequence.
   */
  private static void sameUnsubscribeAll(Differential d, int n) {
    List<Object> redisNames = new ArrayList<>();
    List<Object> tideNames = new ArrayList<>();
    List<Object> redisRest = new ArrayList<>();
    List<Object> tideRest = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<?> r = (List<?>) d.redis().read();
      List<?> t = (List<?>) d.tide().read();
      redisNames.add(r.get(1));
      tideNames.add(t.get(1));
      redisRest.add(List.of(r.get(0), r.get(2)));
      tideRest.add(List.of(t.get(0), t.get(2)));
    }
    assertThat(tideNames).as("channels").containsExactlyInAnyOrderElementsOf(redisNames);
    assertThat(tideRest).as("kinds and counts").isEqualTo(redisRest);
  }

  @Test
  void subscribeConfirmationsMessagesAndSubscribedModeMatchRedis() {
    try (Differential sub = new Differential(tideServer.port(), redisServer.port())) {
      send(sub, "UNSUBSCRIBE");
      same(sub); // nothing to unsubscribe: [unsubscribe, nil, 0]
      send(sub, "PUNSUBSCRIBE");
      same(sub);
      send(sub, "SUBSCRIBE", "p1:a", "p1:a", "p1:b");
      same(sub);
      same(sub);
      same(sub);
      send(sub, "PSUBSCRIBE", "p1:a*");
      same(sub);

      diff.check("PUBLISH", "p1:a", "hello");
      same(sub); // message
      same(sub); // pmessage
      diff.check("PUBLISH", "p1:b", "x");
      same(sub);
      diff.check("PUBLISH", "p1:nobody", "x");
      diff.check("PUBLISH", "p1:a");

      sub.check("PING");
      sub.check("PING", "payload");
      sub.check("GET", "k"); // RESP2 subscribed mode refuses other commands
      sub.check("ECHO", "x");
      sub.check("NOSUCH");

      send(sub, "UNSUBSCRIBE", "p1:zz");
      same(sub);
      send(sub, "UNSUBSCRIBE");
      sameUnsubscribeAll(sub, 2);
      diff.check("PUBLISH", "p1:b", "after-unsubscribe"); // only the pattern remains, and it does not match
      diff.check("PUBLISH", "p1:a", "pattern-only");
      same(sub);
      send(sub, "PUNSUBSCRIBE");
      same(sub);
      sub.check("GET", "p1:k"); // out of subscribed mode
      sub.assertNoMismatches();
    }
  }

  @Test
  void patternsUseGlobRulesAndEachMatchIsOneDelivery() {
    String[] patterns = {"p2:news.*", "p2:news.[ab]*", "p2:h?llo", "p2:x\\*y", "p2:[^z]*"};
    String[] channels = {"p2:news.art", "p2:news.cars", "p2:hello", "p2:hallo", "p2:x*y", "p2:xay", "p2:zed",
        "p2:news."};
    try (Differential sub = new Differential(tideServer.port(), redisServer.port())) {
      String[] cmd = new String[patterns.length + 1];
      cmd[0] = "PSUBSCRIBE";
      System.arraycopy(patterns, 0, cmd, 1, patterns.length);
      send(sub, cmd);
      for (int i = 0; i < patterns.length; i++) {
        same(sub);
      }
      send(sub, "SUBSCRIBE", "p2:hello");
      same(sub);
      for (String channel : channels) {
        long receivers = (Long) diff.check("PUBLISH", channel, "m-" + channel);
        sameUnordered(sub, (int) receivers);
      }
      send(sub, "PUNSUBSCRIBE", "p2:news.*", "p2:nope");
      same(sub);
      same(sub);
      diff.check("PUBLISH", "p2:news.art", "again");
      sameUnordered(sub, 2);
      sub.assertNoMismatches();
    }
  }

  @Test
  void pubsubIntrospectionMatchesRedis() {
    awaitNoSubscriptionsFromEarlierTests();
    try (Differential s1 = new Differential(tideServer.port(), redisServer.port());
         Differential s2 = new Differential(tideServer.port(), redisServer.port())) {
      send(s1, "SUBSCRIBE", "p3:a", "p3:b");
      same(s1);
      same(s1);
      send(s1, "PSUBSCRIBE", "p3:*", "p3:a*");
      same(s1);
      same(s1);
      send(s2, "SUBSCRIBE", "p3:a", "p3:c");
      same(s2);
      same(s2);
      send(s2, "PSUBSCRIBE", "p3:*");
      same(s2);
      send(s2, "SSUBSCRIBE", "p3:s1", "p3:s2");
      same(s2);
      same(s2);

      diff.check("PUBSUB", "NUMSUB", "p3:a", "p3:b", "p3:c", "p3:none");
      diff.check("PUBSUB", "NUMSUB");
      diff.check("PUBSUB", "NUMPAT");
      diff.unordered("PUBSUB", "CHANNELS");
      diff.unordered("PUBSUB", "CHANNELS", "p3:[ab]");
      diff.unordered("PUBSUB", "channels", "*c");
      diff.unordered("PUBSUB", "SHARDCHANNELS");
      diff.unordered("PUBSUB", "SHARDCHANNELS", "*1");
      diff.check("PUBSUB", "SHARDNUMSUB", "p3:s1", "p3:a");
      diff.check("PUBSUB", "shardnumsub");
      diff.check("PUBLISH", "p3:a", "m"); // 2 channel subscribers + 3 matching pattern subscriptions
      diff.check("PUBLISH", "p3:s1", "m"); // shard channels are a separate namespace
      diff.check("SPUBLISH", "p3:s1", "m");

      diff.check("PUBSUB");
      diff.check("PUBSUB", "NUMPAT", "x");
      diff.check("PUBSUB", "CHANNELS", "a", "b");
      diff.check("PUBSUB", "channels", "a", "b");
      diff.check("PUBSUB", "SHARDCHANNELS", "a", "b");
      diff.check("PUBSUB", "NOSUCH");
      diff.check("PUBSUB", "HELP");
      diff.check("PUBSUB", "help", "x");
      s1.assertNoMismatches();
      s2.assertNoMismatches();
    }
    // Closing the subscribers unsubscribes them everywhere.
    awaitNoSubscriptionsFromEarlierTests();
    diff.check("PUBSUB", "NUMSUB", "p3:a");
  }

  /** Waits (generously) until connections of earlier tests are gone on both servers. */
  private void awaitNoSubscriptionsFromEarlierTests() {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
      for (RespClient c : List.of(diff.tide(), diff.redis())) {
        assertThat(c.call("PUBSUB", "NUMPAT")).isEqualTo(0L);
        assertThat((List<?>) c.call("PUBSUB", "CHANNELS")).isEmpty();
        assertThat((List<?>) c.call("PUBSUB", "SHARDCHANNELS")).isEmpty();
      }
    });
  }

  @Test
  void shardChannelsHaveTheirOwnCountsAndMessages() {
    try (Differential sub = new Differential(tideServer.port(), redisServer.port())) {
      send(sub, "SUNSUBSCRIBE");
      same(sub);
      send(sub, "SUBSCRIBE", "p4:c");
      same(sub);
      send(sub, "SSUBSCRIBE", "p4:s", "p4:t", "p4:s");
      same(sub);
      same(sub);
      same(sub);
      diff.check("SPUBLISH", "p4:s", "shard-message");
      same(sub);
      diff.check("PUBLISH", "p4:s", "classic");
      diff.check("SPUBLISH", "p4:c", "classic-name");
      sub.check("GET", "x");
      send(sub, "UNSUBSCRIBE");
      same(sub);
      sub.check("GET", "x"); // still subscribed to shard channels
      send(sub, "SUNSUBSCRIBE");
      sameUnsubscribeAll(sub, 2);
      sub.check("GET", "p4:x");
      sub.assertNoMismatches();
    }
  }

  @Test
  void subscribeInsideTransactionAndOwnMessagesKeepRedisOrder() {
    try (Differential sub = new Differential(tideServer.port(), redisServer.port())) {
      sub.check("MULTI");
      sub.check("SUBSCRIBE", "p5:a", "p5:b");
      sub.check("PUBLISH", "p5:a", "to-myself");
      // EXEC's array has one element per command: the two confirmations of SUBSCRIBE fill it and
      // the message and PUBLISH's reply follow it, exactly as Redis writes them.
      sub.check("EXEC");
      same(sub);
      same(sub);
      sub.check("PING");

      sub.check("UNSUBSCRIBE", "p5:a");
      sub.check("UNSUBSCRIBE", "p5:b");
      sub.check("MULTI");
      sub.check("SSUBSCRIBE", "p5:s");
      sub.check("EXEC");
      sub.check("PUBSUB", "SHARDNUMSUB", "p5:s");
      sub.assertNoMismatches();
    }
  }

  @Test
  void resp3PushFramesAndCommandsWhileSubscribed() throws Exception {
    try (Differential sub = new Differential(tideServer.port(), redisServer.port())) {
      sub.check("PING");
      sub.redis().call("HELLO", "3");
      Resp3.switchNewest(tideServer.server(), sub.tide());

      Object confirmation = sub.check("SUBSCRIBE", "p6:a");
      assertThat(confirmation).isInstanceOf(RespClient.Push.class);
      sub.check("GET", "p6:k"); // RESP3 allows any command while subscribed
      sub.check("PING");

      send(sub, "PUBLISH", "p6:a", "to-myself");
      Object message = same(sub);
      assertThat(message).isInstanceOf(RespClient.Push.class);
      same(sub); // the PUBLISH reply comes after the message

      send(sub, "SUBSCRIBE", "p6:b");
      send(sub, "PUBLISH", "p6:b", "pipelined");
      same(sub);
      same(sub);
      same(sub);
      send(sub, "PSUBSCRIBE", "p6:b*");
      same(sub);
      diff.check("PUBLISH", "p6:b", "from-another");
      Object m1 = same(sub);
      Object m2 = same(sub);
      assertThat(List.of(m1, m2)).allMatch(m -> m instanceof RespClient.Push);

      send(sub, "UNSUBSCRIBE", "p6:a", "p6:b");
      same(sub);
      same(sub);
      send(sub, "UNSUBSCRIBE");
      Object none = same(sub); // [unsubscribe, null, 1]: the pattern is still there
      assertThat(((List<?>) none).get(1)).isNull();
      sub.check("PUNSUBSCRIBE", "p6:b*");
      sub.check("PUBSUB", "NUMSUB", "p6:a");
      sub.assertNoMismatches();
      assertThat(Objects.requireNonNull(sub.tide().call("PING"))).isEqualTo(new RespClient.Simple("PONG"));
    }
  }
}
