package dev.tide.server.commands;

import dev.tide.server.testing.Differential.Mode;
import dev.tide.server.testing.DifferentialTestBase;
import dev.tide.server.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tide.server.commands.ClosedConnections.assertClosedByServer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection and server commands against redis-server 7.0.15, where replies are deterministic:
 * HELLO (without the connection id), AUTH and SELECT errors, CLIENT name and error replies,
 * CONFIG GET/SET of the settings both servers have, COMMAND errors and the description of the
 * commands this family implements.
 */
class ConnectionAdminDifferentialTest extends DifferentialTestBase {

  /** HELLO's reply with the connection id (which differs between servers) blanked out. */
  private static Object withoutId(Object hello) {
    if (hello instanceof Map<?, ?> m) {
      Map<Object, Object> copy = new LinkedHashMap<>(m);
      copy.computeIfPresent("id", (k, v) -> "<id>");
      return copy;
    }
    if (hello instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l);
      int i = copy.indexOf("id");
      if (i >= 0 && i + 1 < copy.size()) {
        copy.set(i + 1, "<id>");
      }
      return copy;
    }
    return hello;
  }

  private void checkHello(String... cmd) {
    Object redis = withoutId(diff.redis().call(cmd));
    Object tide = withoutId(diff.tide().call(cmd));
    assertThat(tide).as(String.join(" ", cmd)).isEqualTo(redis);
  }

  @Test
  void helloNegotiatesProtocolAndRepliesWithRedisFields() {
    checkHello("HELLO");
    checkHello("HELLO", "2");
    checkHello("HELLO", "3");
    checkHello("HELLO");
    checkHello("HELLO", "3", "SETNAME", "conn-a");
    diff.check("CLIENT", "GETNAME");
    checkHello("HELLO", "2", "AUTH", "default", "anything");
    checkHello("HELLO", "3", "AUTH", "default", "x", "SETNAME", "conn-b");
    diff.check("CLIENT", "GETNAME");
    diff.check("CONFIG", "GET", "maxmemory"); // a map in RESP3
    checkHello("HELLO", "2");
    diff.check("CONFIG", "GET", "maxmemory"); // a flat array again
  }

  @Test
  void helloErrors() {
    diff.check("HELLO", "1");
    diff.check("HELLO", "4");
    diff.check("HELLO", "abc");
    diff.check("HELLO", "-1");
    diff.check("HELLO", "3", "foo");
    diff.check("HELLO", "3", "AUTH", "default");
    diff.check("HELLO", "3", "SETNAME");
    diff.check("HELLO", "3", "SETNAME", "a b");
    diff.check("HELLO", "3", "AUTH", "someone", "pw");
    checkHello("HELLO"); // still RESP2 after the errors
  }

  @Test
  void authWithoutPasswordConfigured() {
    diff.check("AUTH", "x");
    diff.check("AUTH", "default", "x");
    diff.check("AUTH", "someone", "x");
    diff.check("AUTH", "a", "b", "c");
    diff.check("AUTH");
  }

  @Test
  void selectAcceptsOnlyDatabaseZero() {
    diff.check("SELECT", "0");
    diff.check("SELECT", "16");
    diff.check("SELECT", "-1");
    diff.check("SELECT", "abc");
    diff.check("SELECT", "99999999999999999999");
    diff.check("SELECT");
    diff.check("SELECT", "0", "1");
  }

  @Test
  void resetReturnsConnectionToDefaults() {
    checkHello("HELLO", "3", "SETNAME", "before-reset");
    diff.check("CLIENT", "NO-EVICT", "on");
    diff.check("RESET");
    diff.check("CLIENT", "GETNAME");
    checkHello("HELLO");
    diff.check("RESET", "extra");
    diff.check("PING");
  }

  @Test
  void clientNamesAndErrors() {
    diff.check("CLIENT", "GETNAME");
    diff.check("CLIENT", "SETNAME", "worker-1");
    diff.check("CLIENT", "GETNAME");
    diff.check("CLIENT", "SETNAME", "a b");
    diff.check("CLIENT", "SETNAME", "a\nb");
    diff.check("CLIENT", "SETNAME", "caf\u00e9");
    diff.check("CLIENT", "GETNAME");
    diff.check("CLIENT", "SETNAME", "");
    diff.check("CLIENT", "GETNAME");
    diff.check("CLIENT");
    diff.check("CLIENT", "nosuch");
    diff.check("CLIENT", "ID", "x");
    diff.check("CLIENT", "GETNAME", "x");
    diff.check("CLIENT", "SETNAME");
    diff.check("CLIENT", "SETNAME", "a", "b");
    diff.check("CLIENT", "INFO", "x");
    diff.check("CLIENT", "NO-EVICT");
    diff.check("CLIENT", "NO-EVICT", "maybe");
    diff.check("CLIENT", "NO-EVICT", "ON");
    diff.check("CLIENT", "NO-EVICT", "off");
    diff.check("CLIENT", "GETREDIR");
  }

  @Test
  void clientKillListAndUnblockErrors() {
    diff.check("CLIENT", "KILL");
    diff.check("CLIENT", "KILL", "1.2.3.4:5");
    diff.check("CLIENT", "KILL", "id");
    diff.check("CLIENT", "KILL", "ID", "abc");
    diff.check("CLIENT", "KILL", "ID", "0");
    diff.check("CLIENT", "KILL", "ID", "-1");
    diff.check("CLIENT", "KILL", "ID", "999999");
    diff.check("CLIENT", "KILL", "TYPE", "foo");
    diff.check("CLIENT", "KILL", "TYPE", "pubsub");
    diff.check("CLIENT", "KILL", "TYPE", "master");
    diff.check("CLIENT", "KILL", "foo", "bar");
    diff.check("CLIENT", "KILL", "SKIPME", "maybe");
    diff.check("CLIENT", "KILL", "USER", "nobody");
    diff.check("CLIENT", "KILL", "ADDR", "1.1.1.1:1");
    diff.check("CLIENT", "KILL", "LADDR", "1.1.1.1:1");
    diff.check("CLIENT", "KILL", "ID", "999999", "TYPE");
    diff.check("CLIENT", "LIST", "TYPE", "foo");
    diff.check("CLIENT", "LIST", "TYPE", "pubsub");
    diff.check("CLIENT", "LIST", "TYPE", "replica");
    diff.check("CLIENT", "LIST", "ID", "abc");
    diff.check("CLIENT", "LIST", "ID", "999999", "999998");
    diff.check("CLIENT", "LIST", "foo");
    diff.check("CLIENT", "LIST", "TYPE");
    diff.check("CLIENT", "UNBLOCK");
    diff.check("CLIENT", "UNBLOCK", "999999");
    diff.check("CLIENT", "UNBLOCK", "999999", "TIMEOUT");
    diff.check("CLIENT", "UNBLOCK", "999999", "error");
    diff.check("CLIENT", "UNBLOCK", "999999", "foo");
    diff.check("CLIENT", "UNBLOCK", "abc");
  }

  @Test
  void configGetOfSharedSettings() {
    for (String name : List.of("maxmemory", "maxmemory-policy", "maxmemory-samples", "requirepass", "timeout", "hz",
        "maxclients", "proto-max-bulk-len", "client-query-buffer-limit", "client-output-buffer-limit",
        "lfu-log-factor", "lfu-decay-time", "hash-max-listpack-value", "hash-max-ziplist-value",
        "set-max-intset-entries", "zset-max-listpack-entries", "zset-max-listpack-value", "zset-max-ziplist-entries",
        "MaxMemory", "nosuch-setting")) {
      diff.check("CONFIG", "GET", name);
    }
    diff.check("CONFIG", "GET", "maxmemory", "maxmemory");
    diff.check(Mode.UNORDERED_PAIRS, "CONFIG", "GET", "maxmemory", "nosuch", "timeout"); // Redis's order is a dict's
    diff.check(Mode.UNORDERED_PAIRS, "CONFIG", "GET", "zset-max-*");
    diff.check(Mode.UNORDERED_PAIRS, "CONFIG", "GET", "LFU-*");
    diff.check(Mode.UNORDERED_PAIRS, "CONFIG", "GET", "maxmemory-polic?", "proto-max-bulk-len");
    diff.check("CONFIG", "GET");
  }

  @Test
  void configSetErrorsMatchRedis() {
    diff.check("CONFIG", "SET");
    diff.check("CONFIG", "SET", "maxmemory");
    diff.check("CONFIG", "SET", "foo", "bar");
    diff.check("CONFIG", "SET", "maxmemory", "10mb", "foo");
    diff.check("CONFIG", "SET", "maxmemory", "10mb", "foo", "bar");
    diff.check("CONFIG", "SET", "maxmemory", "abc");
    diff.check("CONFIG", "SET", "MAXMEMORY", "abc");
    diff.check("CONFIG", "SET", "maxmemory", "-1");
    diff.check("CONFIG", "SET", "maxmemory", "1.5gb");
    diff.check("CONFIG", "SET", "maxmemory", "10 mb");
    diff.check("CONFIG", "SET", "maxmemory", "+5");
    diff.check("CONFIG", "SET", "maxmemory", "10mb", "MAXMEMORY", "20mb");
    diff.check("CONFIG", "SET", "maxmemory-policy", "foo");
    diff.check("CONFIG", "SET", "hz", "abc");
    diff.check("CONFIG", "SET", "hz", "+5");
    diff.check("CONFIG", "SET", "hz", "05");
    diff.check("CONFIG", "SET", "timeout", "-1");
    diff.check("CONFIG", "SET", "timeout", "1.5");
    diff.check("CONFIG", "SET", "lfu-log-factor", "-1");
    diff.check("CONFIG", "SET", "lfu-decay-time", "x");
    diff.check("CONFIG", "SET", "proto-max-bulk-len", "100");
    diff.check("CONFIG", "SET", "proto-max-bulk-len", "abc");
    diff.check("CONFIG", "SET", "client-query-buffer-limit", "100");
    diff.check("CONFIG", "SET", "client-output-buffer-limit", "foo");
    diff.check("CONFIG", "SET", "client-output-buffer-limit", "normal 1 2");
    diff.check("CONFIG", "SET", "client-output-buffer-limit", "master 1 1 1");
    diff.check("CONFIG", "SET", "client-output-buffer-limit", "normal x 1 1");
    diff.check("CONFIG", "SET", "client-output-buffer-limit", "normal 1 1 -1");
    diff.check("CONFIG", "SET", "hash-max-ziplist-entries", "abc");
    diff.check("CONFIG", "SET", "Hash-Max-Ziplist-Entries", "abc");
    diff.check("CONFIG", "SET", "set-max-intset-entries", "-5");
    // All or nothing: the bad policy leaves maxmemory as it was.
    diff.check("CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "foo");
    diff.check("CONFIG", "GET", "maxmemory");
    diff.check("CONFIG", "RESETSTAT", "x");
    diff.check("CONFIG", "nosuch");
    diff.check("CONFIG");
  }

  @Test
  void configSetChangesWhatConfigGetShows() {
    try {
      diff.check("CONFIG", "SET", "maxmemory", "1GB");
      diff.check("CONFIG", "GET", "maxmemory");
      diff.check("CONFIG", "SET", "maxmemory", "1k");
      diff.check("CONFIG", "GET", "maxmemory");
      diff.check("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU");
      diff.check("CONFIG", "GET", "maxmemory-policy");
      diff.check("CONFIG", "SET", "hz", "1000");
      diff.check("CONFIG", "GET", "hz");
      diff.check("CONFIG", "SET", "hz", "0");
      diff.check("CONFIG", "GET", "hz");
      diff.check("CONFIG", "SET", "timeout", "30", "lfu-log-factor", "20", "lfu-decay-time", "5");
      diff.check("CONFIG", "GET", "timeout");
      diff.check(Mode.UNORDERED_PAIRS, "CONFIG", "GET", "lfu-*");
      diff.check("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2 3 pubsub 1k 2kb 0");
      diff.check("CONFIG", "GET", "client-output-buffer-limit");
      diff.check("CONFIG", "SET", "client-output-buffer-limit", "REPLICA 1 1 1");
      diff.check("CONFIG", "GET", "client-output-buffer-limit");
      diff.check("CONFIG", "SET", "hash-max-ziplist-value", "99");
      diff.check("CONFIG", "GET", "hash-max-listpack-value");
      diff.check("CONFIG", "SET", "zset-max-ziplist-entries", "7", "zset-max-listpack-entries", "9");
      diff.check(Mode.UNORDERED_PAIRS, "CONFIG", "GET", "zset-max-*-entries");
      diff.check("CONFIG", "SET", "proto-max-bulk-len", "2gb");
      diff.check("CONFIG", "GET", "proto-max-bulk-len");
      diff.check("CONFIG", "RESETSTAT");
    } finally {
      // Both servers live for the whole class: put the defaults back.
      diff.check(Mode.IGNORE, "CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction", "hz", "10",
          "timeout", "0", "lfu-log-factor", "10", "lfu-decay-time", "1", "hash-max-listpack-value", "64",
          "zset-max-listpack-entries", "128", "proto-max-bulk-len", "512mb",
          "client-output-buffer-limit", "normal 0 0 0 replica 268435456 67108864 60 pubsub 33554432 8388608 60");
    }
  }

  @Test
  void commandSubcommandErrorsAndKeys() {
    diff.check("COMMAND", "nosuch");
    diff.check("COMMAND", "COUNT", "x");
    diff.check("COMMAND", "INFO", "nosuch");
    diff.check("COMMAND", "DOCS", "nosuch");
    diff.check("COMMAND", "LIST", "foo");
    diff.check("COMMAND", "LIST", "FILTERBY", "ACLCAT");
    diff.check("COMMAND", "LIST", "FILTERBY", "foo", "bar");
    diff.check("COMMAND", "LIST", "FILTERBY", "MODULE", "x");
    diff.check("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch");
    diff.check("COMMAND", "GETKEYS");
    diff.check("COMMAND", "GETKEYS", "get");
    diff.check("COMMAND", "GETKEYS", "nosuch", "a");
    diff.check("COMMAND", "GETKEYS", "ping", "a");
    diff.check("COMMAND", "GETKEYS", "client", "list");
    diff.check("COMMAND", "GETKEYS", "get", "a", "b");
    diff.check("COMMAND", "GETKEYS", "get", "a");
    diff.check("COMMAND", "GETKEYS", "set", "k", "v");
    diff.check("COMMAND", "GETKEYS", "GET", "{tag}k");
    diff.check(Mode.SHAPE, "COMMAND", "COUNT");
    diff.check(Mode.SHAPE, "COMMAND", "INFO", "get", "nosuch", "ping");
    diff.check("TIME", "x");
    diff.check(Mode.SHAPE, "TIME");
    diff.check("ECHO", "hello");
    diff.check("PING", "a", "b");
  }

  @Test
  void commandInfoDescribesThisFamilyAsRedisDoes() {
    for (String name : List.of("hello", "auth", "select", "reset", "quit", "ping", "echo", "info", "time", "client",
        "config", "command", "config|get", "client|list", "command|getkeys")) {
      Object redis = ((List<?>) diff.redis().call("COMMAND", "INFO", name)).get(0);
      Object tide = ((List<?>) diff.tide().call("COMMAND", "INFO", name)).get(0);
      assertThat(tide).as("COMMAND INFO " + name).isNotNull();
      assertThat(describe(tide)).as("COMMAND INFO " + name).isEqualTo(describe(redis));
      // Subcommands Tide has must match Redis's description of them.
      Map<Object, Object> redisSubs = subcommandsByName(redis);
      for (Map.Entry<Object, Object> sub : subcommandsByName(tide).entrySet()) {
        if (redisSubs.containsKey(sub.getKey())) {
          assertThat(describe(sub.getValue())).as("COMMAND INFO " + sub.getKey())
              .isEqualTo(describe(redisSubs.get(sub.getKey())));
        }
      }
    }
  }

  /** Name, arity, flags, key positions and ACL categories of one COMMAND INFO entry. */
  private static List<Object> describe(Object info) {
    List<?> l = (List<?>) info;
    return new ArrayList<>(l.subList(0, 7));
  }

  private static Map<Object, Object> subcommandsByName(Object info) {
    Map<Object, Object> out = new LinkedHashMap<>();
    for (Object sub : (List<?>) ((List<?>) info).get(9)) {
      out.put(((List<?>) sub).get(0), sub);
    }
    return out;
  }

  @Test
  void quitRepliesOkAndCloses() {
    try (RespClient tide = new RespClient(tideServer.port()); RespClient redis = new RespClient(redisServer.port())) {
      assertThat(tide.call("QUIT")).isEqualTo(redis.call("QUIT"));
      assertClosedByServer(tide);
      assertClosedByServer(redis);
    }
  }
}
