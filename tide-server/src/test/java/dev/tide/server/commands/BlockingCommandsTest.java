package dev.tide.server.commands;

import dev.tide.engine.keyspace.Database;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.RedisReference;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * BLPOP, BRPOP, BLMOVE, BZPOPMIN and BZPOPMAX with several real connections. Every scenario runs
 * against Tide and against redis-server, so the expectations are Redis's behaviour, not ours.
 * Waiting uses Awaitility on observable state (the number of blocked clients), never sleeps;
 * timing assertions only bound from below what a deadline guarantees.
 */
class BlockingCommandsTest {

  enum Target { TIDE, REDIS }

  private static TideTestServer tide;
  private static RedisReference redis;
  private static final AtomicInteger TEST_SEQUENCE = new AtomicInteger();
  private final List<RespClient> clients = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void start() {
    tide = TideTestServer.start();
    redis = RedisReference.start();
  }

  @AfterAll
  static void stop() {
    if (tide != null) {
      tide.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void uniqueKeys() {
    prefix = "t" + TEST_SEQUENCE.incrementAndGet() + ":";
  }

  @org.junit.jupiter.api.AfterEach
  void closeClients() {
    clients.forEach(RespClient::close);
    clients.clear();
  }

  private RespClient client(Target t) {
    RespClient c = new RespClient(t == Target.TIDE ? tide.port() : redis.port());
    clients.add(c);
    return c;
  }

  private String key(String name) {
    return prefix + name;
  }

  /** Keys whose Tide shards all differ, so moves between them cross shard locks. */
  private String[] keysInDistinctShards(int n) {
    Database db = tide.server().db();
    Set<Integer> shards = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < n && i < 10_000; i++) {
      String k = key("k" + i);
      if (shards.add(db.shardIndex(k.getBytes(StandardCharsets.UTF_8)))) {
        out.add(k);
      }
    }
    assertThat(out).hasSize(n);
    return out.toArray(new String[0]);
  }

  private static long blockedClients(Target t) {
    if (t == Target.TIDE) {
      return tide.server().clients().all().stream().filter(ClientConnection::isBlocked).count();
    }
    try (RespClient admin = new RespClient(redis.port())) {
      String info = (String) admin.call("INFO", "clients");
      for (String line : info.split("\r\n")) {
        if (line.startsWith("blocked_clients:")) {
          return Long.parseLong(line.substring("blocked_clients:".length()).trim());
        }
      }
    }
    throw new IllegalStateException("no blocked_clients in INFO");
  }

  private static void awaitBlocked(Target t, int n) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> blockedClients(t) == n);
  }

  private static List<Object> list(Object... items) {
    return new ArrayList<>(List.of(items));
  }

  // ---- scenarios ------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Target.class)
  void blpopWakesWhenAnotherClientPushes(Target t) {
    RespClient waiter = client(t);
    RespClient pusher = client(t);
    String k = key("list");
    waiter.send("BLPOP", k, "0");
    awaitBlocked(t, 1);
    assertThat(pusher.call("RPUSH", k, "hello", "world")).isEqualTo(2L);
    assertThat(waiter.read()).isEqualTo(list(k, "hello"));
    assertThat(pusher.call("LRANGE", k, "0", "-1")).isEqualTo(list("world"));
    awaitBlocked(t, 0);
    assertThat(waiter.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void waitersOnOneKeyAreServedInArrivalOrder(Target t) {
    String k = key("fifo");
    List<RespClient> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RespClient w = client(t);
      w.send(i % 2 == 0 ? "BLPOP" : "BRPOP", k, "0");
      awaitBlocked(t, i + 1); // the order they block in is the order they are served in
      waiters.add(w);
    }
    RespClient pusher = client(t);
    assertThat(pusher.call("RPUSH", k, "1", "2", "3")).isEqualTo(3L);
    assertThat(waiters.get(0).read()).isEqualTo(list(k, "1"));
    assertThat(waiters.get(1).read()).isEqualTo(list(k, "3"));
    assertThat(waiters.get(2).read()).isEqualTo(list(k, "2"));
    awaitBlocked(t, 1);
    assertThat(pusher.call("LPUSH", k, "4")).isEqualTo(1L);
    assertThat(waiters.get(3).read()).isEqualTo(list(k, "4"));
    assertThat(pusher.call("LLEN", k)).isEqualTo(0L);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aWaiterOnSeveralKeysIsServedFromTheKeyThatGotData(Target t) {
    RespClient waiter = client(t);
    RespClient pusher = client(t);
    String[] keys = keysInDistinctShards(3);
    waiter.send("BRPOP", keys[0], keys[1], keys[2], "0");
    awaitBlocked(t, 1);
    pusher.call("RPUSH", keys[2], "a", "b");
    assertThat(waiter.read()).isEqualTo(list(keys[2], "b"));
    assertThat(pusher.call("LLEN", keys[2])).isEqualTo(1L);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aKeyNamedTwiceIsServedOnceAndLeavesTheQueuesClean(Target t) {
    String k = key("twice");
    RespClient waiter = client(t);
    waiter.send("BLPOP", k, k, "0");
    awaitBlocked(t, 1);
    RespClient pusher = client(t);
    pusher.call("RPUSH", k, "one");
    assertThat(waiter.read()).isEqualTo(list(k, "one"));
    awaitBlocked(t, 0);
    assertThat(pusher.call("RPUSH", k, "two")).isEqualTo(1L);
    assertThat(pusher.call("LRANGE", k, "0", "-1")).isEqualTo(list("two")); // no stale waiter took it
    RespClient zwaiter = client(t);
    zwaiter.send("BZPOPMIN", key("z"), key("z"), "0");
    awaitBlocked(t, 1);
    pusher.call("ZADD", key("z"), "1", "m");
    assertThat(zwaiter.read()).isEqualTo(list(key("z"), "m", "1"));
    awaitBlocked(t, 0);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void timeoutsReplyNullNoEarlierThanTheDeadline(Target t) {
    RespClient waiter = client(t);
    String k = key("never");
    String[][] commands = {{"BLPOP", k, "0.3"}, {"BRPOP", k, key("other"), "0.3"},
        {"BLMOVE", k, key("dst"), "LEFT", "RIGHT", "0.3"}, {"BZPOPMIN", k, "0.3"}, {"BZPOPMAX", k, "0.3"}};
    for (String[] cmd : commands) {
      long started = System.nanoTime();
      Object reply = waiter.call(cmd); // the socket timeout (30 s) bounds the wait from above
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(reply).as(String.join(" ", cmd)).isNull();
      assertThat(elapsedMs).as(String.join(" ", cmd)).isGreaterThanOrEqualTo(250);
    }
    assertThat(waiter.call("PING")).isEqualTo(new RespClient.Simple("PONG"));
    awaitBlocked(t, 0);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void blmoveChainMovesAnElementThroughEveryWaiter(Target t) {
    String[] k = keysInDistinctShards(4);
    RespClient first = client(t);
    RespClient second = client(t);
    RespClient third = client(t);
    first.send("BLMOVE", k[0], k[1], "LEFT", "RIGHT", "0");
    awaitBlocked(t, 1);
    second.send("BLMOVE", k[1], k[2], "RIGHT", "LEFT", "0");
    awaitBlocked(t, 2);
    third.send("BLMOVE", k[2], k[3], "LEFT", "LEFT", "0");
    awaitBlocked(t, 3);
    RespClient pusher = client(t);
    assertThat(pusher.call("RPUSH", k[0], "baton")).isEqualTo(1L);
    assertThat(first.read()).isEqualTo("baton");
    assertThat(second.read()).isEqualTo("baton");
    assertThat(third.read()).isEqualTo("baton");
    assertThat(pusher.call("LRANGE", k[3], "0", "-1")).isEqualTo(list("baton"));
    for (int i = 0; i < 3; i++) {
      assertThat(pusher.call("LLEN", k[i])).isEqualTo(0L);
    }
    awaitBlocked(t, 0);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aBlockedClientThatDisconnectsTakesNothing(Target t) {
    String k = key("orphan");
    RespClient gone = client(t);
    gone.send("BLPOP", k, "0");
    awaitBlocked(t, 1);
    gone.close();
    awaitBlocked(t, 0);
    RespClient pusher = client(t);
    assertThat(pusher.call("RPUSH", k, "kept")).isEqualTo(1L);
    assertThat(pusher.call("LRANGE", k, "0", "-1")).isEqualTo(list("kept"));
    RespClient next = client(t);
    assertThat(next.call("BLPOP", k, "0")).isEqualTo(list(k, "kept"));
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void pipelinedCommandsBehindABlockedCommandRunAfterItIsServed(Target t) {
    String k = key("gate");
    String side = key("side");
    RespClient waiter = client(t);
    String pipeline = resp("BLPOP", k, "0") + resp("RPUSH", side, "ran") + resp("LLEN", k) + resp("PING");
    waiter.sendRaw(pipeline); // one write: the server has all four commands while the first blocks
    awaitBlocked(t, 1);
    RespClient other = client(t);
    assertThat(other.call("LLEN", side)).isEqualTo(0L); // still queued behind BLPOP
    assertThat(other.call("RPUSH", k, "a", "b")).isEqualTo(2L);
    assertThat(waiter.read()).isEqualTo(list(k, "a"));
    assertThat(waiter.read()).isEqualTo(1L);
    assertThat(waiter.read()).isEqualTo(1L);
    assertThat(waiter.read()).isEqualTo(new RespClient.Simple("PONG"));
    assertThat(other.call("LRANGE", side, "0", "-1")).isEqualTo(list("ran"));
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void sortedSetWaitersAreServedInOrderWithKeyMemberAndScore(Target t) {
    String z = key("zset");
    RespClient minWaiter = client(t);
    RespClient maxWaiter = client(t);
    minWaiter.send("BZPOPMIN", key("nothing"), z, "0");
    awaitBlocked(t, 1);
    maxWaiter.send("BZPOPMAX", z, "0");
    awaitBlocked(t, 2);
    RespClient adder = client(t);
    assertThat(adder.call("ZADD", z, "1", "low", "2.5", "mid", "3", "high")).isEqualTo(3L);
    assertThat(minWaiter.read()).isEqualTo(list(z, "low", "1"));
    assertThat(maxWaiter.read()).isEqualTo(list(z, "high", "3"));
    assertThat(adder.call("ZRANGE", z, "0", "-1", "WITHSCORES")).isEqualTo(list("mid", "2.5"));
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aKeyOfAnotherTypeDoesNotServeAListWaiter(Target t) {
    String k = key("typed");
    RespClient waiter = client(t);
    waiter.send("BLPOP", k, "0");
    awaitBlocked(t, 1);
    RespClient other = client(t);
    assertThat(other.call("ZADD", k, "1", "m")).isEqualTo(1L); // wakes nobody: the waiter wants a list
    assertThat(other.call("ZPOPMIN", k)).isEqualTo(list("m", "1"));
    assertThat(blockedClients(t)).isEqualTo(1);
    assertThat(other.call("RPUSH", k, "finally")).isEqualTo(1L);
    assertThat(waiter.read()).isEqualTo(list(k, "finally"));
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void blockingCommandsInsideMultiReplyAtOnce(Target t) {
    int port = t == Target.TIDE ? tide.port() : redis.port();
    try (RawResp c = new RawResp(port)) {
      String multi = c.call("MULTI");
      Assumptions.assumeFalse(multi.startsWith("-ERR unknown command"),
          "MULTI is not implemented in this build of Tide yet");
      assertThat(c.call("BLPOP", key("none"), "0")).isEqualTo("+QUEUED\r\n");
      c.call("BRPOP", key("none"), "0");
      c.call("BLMOVE", key("none"), key("dst"), "LEFT", "RIGHT", "0");
      c.call("BZPOPMIN", key("none"), "0");
      c.call("BZPOPMAX", key("none"), "0");
      assertThat(c.call("EXEC")).isEqualTo("*5\r\n*-1\r\n*-1\r\n$-1\r\n*-1\r\n*-1\r\n");
    }
    awaitBlocked(t, 0);
  }

  private static String resp(String... args) {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }
}
