package dev.tide.server.commands;

import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.server.TideServer;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.RespClient.Err;
import dev.tide.server.testing.RespClient.Simple;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tide-only checks of INFO (layout, fields, figures that move), CONFIG SET taking effect on the
 * running node, CONFIG RESETSTAT, and COMMAND's description of the command table.
 */
class AdminCommandsTest {

  private static final Simple OK = new Simple("OK");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private TideTestServer server;
  private RespClient c;

  @BeforeEach
  void start() {
    server = TideTestServer.start();
    c = server.client();
  }

  @AfterEach
  void stop() {
    c.close();
    server.close();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object reply) {
    return (List<Object>) reply;
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> map(Object reply) {
    return (Map<Object, Object>) reply;
  }

  // ---- INFO --------------------------------------------------------------------------------------

  /** Section name → (field → value), checking the layout on the way: headers, CRLF, one blank line between. */
  private static Map<String, Map<String, String>> parseInfo(String text) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    assertThat(text).doesNotContain("\n\n").doesNotContainPattern("[^\r]\n");
    Map<String, String> current = null;
    String[] lines = text.split("\r\n", -1);
    assertThat(lines[lines.length - 1]).as("text ends with CRLF").isEmpty();
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      if (line.startsWith("# ")) {
        assertThat(i == 0 || lines[i - 1].isEmpty()).as("blank line before " + line).isTrue();
        current = new LinkedHashMap<>();
        sections.put(line.substring(2), current);
      } else if (!line.isEmpty()) {
        assertThat(current).as("field before any section: " + line).isNotNull();
        int colon = line.indexOf(':');
        assertThat(colon).as(line).isPositive();
        current.put(line.substring(0, colon), line.substring(colon + 1));
      } else {
        assertThat(lines[i + 1]).as("blank line only before a section").startsWith("# ");
      }
    }
    return sections;
  }

  private Map<String, Map<String, String>> info(String... sections) {
    String[] cmd = new String[sections.length + 1];
    cmd[0] = "INFO";
    System.arraycopy(sections, 0, cmd, 1, sections.length);
    return parseInfo((String) c.call(cmd));
  }

  private String field(String section, String name) {
    return info(section).values().iterator().next().get(name);
  }

  @Test
  void infoSectionsComeInRedisOrder() {
    assertThat(info().keySet()).containsExactly("Server", "Clients", "Memory", "Persistence", "Stats",
        "Replication", "CPU", "Modules", "Errorstats", "Cluster", "Keyspace");
    assertThat(info("default").keySet()).isEqualTo(info().keySet());
    assertThat(info("everything").keySet()).containsExactly("Server", "Clients", "Memory", "Persistence", "Stats",
        "Replication", "CPU", "Modules", "Commandstats", "Errorstats", "Cluster", "Keyspace");
    assertThat(info("all").keySet()).isEqualTo(info("everything").keySet());
    assertThat(info("keyspace", "CPU").keySet()).containsExactly("CPU", "Keyspace");
    assertThat(info("default", "commandstats").keySet()).contains("Commandstats", "Server");
    assertThat(c.call("INFO", "nosuch")).isEqualTo("");
  }

  @Test
  void infoServerIdentifiesTideAndTheProcess() {
    Map<String, String> s = info("server").get("Server");
    assertThat(s.get("redis_version")).isEqualTo("7.0.15");
    assertThat(s.get("tide_version")).isNotBlank();
    assertThat(s.get("redis_mode")).isEqualTo("standalone");
    assertThat(s.get("process_id")).isEqualTo(Long.toString(ProcessHandle.current().pid()));
    assertThat(s.get("tcp_port")).isEqualTo(Integer.toString(server.port()));
    assertThat(s.get("run_id")).matches("[0-9a-f]{40}");
    assertThat(Long.parseLong(s.get("uptime_in_seconds"))).isBetween(0L, 3600L);
    assertThat(s.get("hz")).isEqualTo("10");
    assertThat(Map.of("Replication", info("replication").get("Replication").get("role"))).containsEntry("Replication",
        "master");
  }

  @Test
  void infoKeyspaceAndHitsFollowTheData() {
    assertThat(info("keyspace").get("Keyspace")).isEmpty();
    for (int i = 0; i < 25; i++) {
      assertThat(c.call("SET", "key:" + i, "v")).isEqualTo(OK);
    }
    assertThat(info("keyspace").get("Keyspace")).containsEntry("db0", "keys=25,expires=0,avg_ttl=0");
    long hits = Long.parseLong(field("stats", "keyspace_hits"));
    long misses = Long.parseLong(field("stats", "keyspace_misses"));
    c.call("GET", "key:1");
    c.call("GET", "key:2");
    c.call("GET", "missing");
    assertThat(Long.parseLong(field("stats", "keyspace_hits"))).isEqualTo(hits + 2);
    assertThat(Long.parseLong(field("stats", "keyspace_misses"))).isEqualTo(misses + 1);
  }

  @Test
  void infoMemoryGrowsWithTheDataAndReadsTheProcess() {
    Map<String, String> before = info("memory").get("Memory");
    long usedBefore = Long.parseLong(before.get("used_memory"));
    for (int i = 0; i < 200; i++) {
      c.call("SET", "big:" + i, "x".repeat(1000));
    }
    Map<String, String> after = info("memory").get("Memory");
    long usedAfter = Long.parseLong(after.get("used_memory"));
    assertThat(usedAfter - usedBefore).isGreaterThanOrEqualTo(200L * 1000);
    assertThat(Long.parseLong(after.get("used_memory_peak"))).isGreaterThanOrEqualTo(usedAfter);
    assertThat(Long.parseLong(after.get("used_memory_rss"))).isPositive();
    assertThat(Long.parseLong(after.get("used_memory_dataset")) + Long.parseLong(after.get("used_memory_overhead")))
        .isEqualTo(usedAfter);
    assertThat(after.get("used_memory_human")).matches("\\d+(\\.\\d\\d[KMGTP])?B?");
    assertThat(Double.parseDouble(after.get("mem_fragmentation_ratio"))).isPositive();
    assertThat(after.get("maxmemory")).isEqualTo("0");
    assertThat(after.get("maxmemory_policy")).isEqualTo("noeviction");
    Map<String, String> cpu = info("cpu").get("CPU");
    assertThat(Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys")))
        .isPositive();
  }

  @Test
  void infoStatsCountCommandsConnectionsAndErrors() {
    long total = Long.parseLong(field("stats", "total_commands_processed"));
    for (int i = 0; i < 10; i++) {
      c.call("PING");
    }
    // The 10 PINGs plus the INFO that read the first figure.
    assertThat(Long.parseLong(field("stats", "total_commands_processed"))).isEqualTo(total + 11);
    long connections = Long.parseLong(field("stats", "total_connections_received"));
    try (RespClient other = server.client()) {
      other.call("PING");
      assertThat(Long.parseLong(field("clients", "connected_clients"))).isEqualTo(2);
    }
    assertThat(Long.parseLong(field("stats", "total_connections_received"))).isEqualTo(connections + 1);

    c.call("GET");
    c.call("AUTH", "x");
    c.call("CLIENT", "ID");
    Map<String, String> cmdstats = info("commandstats").get("Commandstats");
    assertThat(cmdstats.get("cmdstat_get")).startsWith("calls=0,").endsWith(",rejected_calls=1,failed_calls=0");
    assertThat(cmdstats.get("cmdstat_auth")).startsWith("calls=1,").endsWith(",rejected_calls=0,failed_calls=1");
    assertThat(cmdstats.get("cmdstat_client|id")).matches("calls=1,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,"
        + "rejected_calls=0,failed_calls=0");
    assertThat(cmdstats.get("cmdstat_ping")).startsWith("calls=11,"); // 10 here, 1 from the other client
    assertThat(info("errorstats").get("Errorstats")).containsEntry("errorstat_ERR", "count=2");
  }

  @Test
  void instantaneousOpsPerSecondRisesUnderLoad() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread load = new Thread(() -> {
      try (RespClient l = server.client()) {
        // Bounded: stops when the test has seen the rate, or after this many commands.
        for (int i = 0; i < 5_000_000 && !stop.get(); i++) {
          l.call("PING");
        }
      }
    }, "ops-load");
    load.start();
    try {
      await().atMost(WAIT).until(() -> Long.parseLong(field("stats", "instantaneous_ops_per_sec")) > 0);
    } finally {
      stop.set(true);
      load.join(WAIT.toMillis());
    }
  }

  @Test
  void infoInResp3IsAVerbatimTxtString() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      StringBuilder received = new StringBuilder();
      Pattern verbatim = Pattern.compile("\r\n=(\\d+)\r\ntxt:# Server\r\nredis_version:7\\.0\\.15\r\n");
      byte[] buf = new byte[8192];
      // Bounded: the two replies are a few KB; stop at the first sight of the verbatim header.
      for (int reads = 0; reads < 1000 && !verbatim.matcher(received).find(); reads++) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
      assertThat(received.charAt(0)).as("HELLO 3 replies with a map").isEqualTo('%');
      assertThat(received.toString()).containsPattern(verbatim);
    }
  }

  // ---- CONFIG ------------------------------------------------------------------------------------

  @Test
  void configSetTakesEffectOnTheRunningNode() {
    TideServer node = server.server();
    assertThat(c.call("CONFIG", "SET", "maxmemory", "100mb", "maxmemory-policy", "allkeys-lfu",
        "maxmemory-samples", "10", "lfu-log-factor", "3", "lfu-decay-time", "7")).isEqualTo(OK);
    assertThat(node.engineConfig().maxmemoryBytes).isEqualTo(100L * 1024 * 1024);
    assertThat(node.engineConfig().maxmemoryPolicy).isEqualTo(EvictionPolicy.ALLKEYS_LFU);
    assertThat(node.engineConfig().maxmemorySamples).isEqualTo(10);
    assertThat(node.engineConfig().lfuLogFactor).isEqualTo(3);
    assertThat(node.engineConfig().lfuDecayTime).isEqualTo(7);
    assertThat(info("memory").get("Memory")).containsEntry("maxmemory", Long.toString(100L * 1024 * 1024))
        .containsEntry("maxmemory_human", "100.00M").containsEntry("maxmemory_policy", "allkeys-lfu");

    assertThat(c.call("CONFIG", "SET", "hash-max-ziplist-entries", "9", "hash-max-listpack-value", "1kb",
        "set-max-intset-entries", "99999999999", "zset-max-listpack-entries", "5", "zset-max-ziplist-value", "6"))
        .isEqualTo(OK);
    assertThat(node.engineConfig().hashMaxListpackEntries).isEqualTo(9);
    assertThat(node.engineConfig().hashMaxListpackValue).isEqualTo(1024);
    assertThat(node.engineConfig().setMaxIntsetEntries).isEqualTo(Integer.MAX_VALUE);
    assertThat(c.call("CONFIG", "GET", "set-max-intset-entries")).isEqualTo(List.of("set-max-intset-entries",
        "99999999999"));
    assertThat(node.engineConfig().zsetMaxListpackEntries).isEqualTo(5);
    assertThat(node.engineConfig().zsetMaxListpackValue).isEqualTo(6);

    assertThat(c.call("CONFIG", "SET", "hz", "50", "timeout", "300", "proto-max-bulk-len", "2mb")).isEqualTo(OK);
    assertThat(node.config().hz).isEqualTo(50);
    assertThat(field("server", "hz")).isEqualTo("50");
    assertThat(node.config().idleTimeoutSeconds).isEqualTo(300);
    assertThat(node.config().protocolLimits().maxBulkBytes()).isEqualTo(2L * 1024 * 1024);
  }

  @Test
  void configSetMaxclientsRefusesNewConnections() {
    assertThat(c.call("CONFIG", "SET", "maxclients", "1")).isEqualTo(OK);
    try (RespClient refused = server.client()) {
      assertThat(refused.read()).isEqualTo(new Err("ERR max number of clients reached"));
    }
    assertThat(c.call("CONFIG", "SET", "maxclients", "10")).isEqualTo(OK);
    try (RespClient admitted = server.client()) {
      assertThat(admitted.call("PING")).isEqualTo(new Simple("PONG"));
    }
    assertThat(Long.parseLong(field("stats", "rejected_connections"))).isEqualTo(1);
  }

  @Test
  void configSetRefusesImmutableSettingsAndTideLimits() {
    for (String name : List.of("port", "bind", "shards", "databases", "metrics-port")) {
      assertThat(c.call("CONFIG", "SET", name, "1")).as(name).isEqualTo(new Err(
          "ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config"));
    }
    assertThat(c.call("CONFIG", "SET", "maxmemory-samples", "65")).isEqualTo(new Err("ERR CONFIG SET failed "
        + "(possibly related to argument 'maxmemory-samples') - argument must be between 1 and 64 inclusive"));
    assertThat(c.call("CONFIG", "SET", "maxclients", "0")).isEqualTo(new Err("ERR CONFIG SET failed "
        + "(possibly related to argument 'maxclients') - argument must be between 1 and 1000000 inclusive"));
    assertThat(c.call("CONFIG", "GET", "maxmemory-samples")).isEqualTo(List.of("maxmemory-samples", "5"));
  }

  @Test
  void configGetStarListsEverySettingWithLiveValues() {
    List<?> all = list(c.call("CONFIG", "GET", "*"));
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i += 2) {
      map.put(all.get(i), all.get(i + 1));
    }
    assertThat(map).containsEntry("port", Integer.toString(server.port())).containsEntry("databases", "1")
        .containsEntry("bind", "127.0.0.1").containsEntry("maxmemory", "0")
        .containsKeys("hash-max-listpack-entries", "hash-max-ziplist-entries", "client-output-buffer-limit");
  }

  @Test
  void configResetstatZeroesCounters() {
    c.call("SET", "k", "v");
    c.call("GET", "k");
    c.call("GET", "nope");
    c.call("GET");
    assertThat(Long.parseLong(field("stats", "keyspace_hits"))).isPositive();
    assertThat(c.call("CONFIG", "RESETSTAT")).isEqualTo(OK);
    Map<String, String> stats = info("stats").get("Stats");
    assertThat(stats).containsEntry("keyspace_hits", "0").containsEntry("keyspace_misses", "0")
        .containsEntry("total_connections_received", "0").containsEntry("total_error_replies", "0");
    // CONFIG RESETSTAT itself and the INFO above ran since the reset.
    assertThat(stats.get("total_commands_processed")).isEqualTo("1");
    assertThat(info("errorstats").get("Errorstats")).isEmpty();
  }

  @Test
  void configHelp() {
    List<Object> help = list(c.call("CONFIG", "HELP"));
    assertThat(help.get(0)).isEqualTo(new Simple("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    assertThat(help).contains(new Simple("RESETSTAT"), new Simple("HELP"));
  }

  // ---- COMMAND and TIME ----------------------------------------------------------------------------

  @Test
  void commandDescribesTheWholeTable() {
    long count = (Long) c.call("COMMAND", "COUNT");
    assertThat(count).isEqualTo(server.server().table().size());
    List<?> all = list(c.call("COMMAND"));
    assertThat(all).hasSize((int) count);
    List<Object> names = list(c.call("COMMAND", "LIST"));
    assertThat(names).contains("get", "client", "client|list", "config|set", "command|docs");
    assertThat(list(c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT|*")))
        .allSatisfy(n -> assertThat((String) n).startsWith("client|")).contains("client|kill");
    assertThat(list(c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection")))
        .contains("hello", "client|id").doesNotContain("get");

    List<?> client = (List<?>) (list(c.call("COMMAND", "INFO", "client"))).get(0);
    assertThat(client.get(0)).isEqualTo("client");
    List<String> subNames = new ArrayList<>();
    for (Object sub : (List<?>) client.get(9)) {
      subNames.add((String) ((List<?>) sub).get(0));
    }
    assertThat(subNames).contains("client|list", "client|kill", "client|no-touch");

    List<?> get = (List<?>) (list(c.call("COMMAND", "INFO", "GET"))).get(0);
    assertThat(get.subList(0, 6)).isEqualTo(List.of("get", 2L, List.of(new Simple("readonly"), new Simple("fast")),
        1L, 1L, 1L));
    List<?> keySpecs = (List<?>) get.get(8);
    assertThat(keySpecs).hasSize(1);
    assertThat(keySpecs.get(0).toString()).contains("begin_search", "index", "find_keys", "range", "RO");
  }

  @Test
  void commandDocsInResp3IsAMapWithSubcommands() {
    c.call("HELLO", "3");
    Map<Object, Object> docs = map(c.call("COMMAND", "DOCS", "config", "nosuch", "get"));
    assertThat(docs.keySet()).containsExactly("config", "get");
    Map<Object, Object> config = map(docs.get("config"));
    assertThat(config.get("group")).isEqualTo("server");
    assertThat(config.get("since")).isEqualTo("2.0.0");
    assertThat(map(config.get("subcommands")).keySet()).contains("config|get", "config|set");
    assertThat(map(c.call("COMMAND", "DOCS"))).hasSize((int) (long) (Long) c.call("COMMAND", "COUNT"));
  }

  @Test
  void timeIsTheServerClock() {
    List<?> time = list(c.call("TIME"));
    long seconds = Long.parseLong((String) time.get(0));
    long micros = Long.parseLong((String) time.get(1));
    assertThat(micros).isBetween(0L, 999_999L);
    // The clock is this JVM's wall clock: generous bounds, no timing assumption.
    assertThat(Math.abs(seconds - System.currentTimeMillis() / 1000)).isLessThan(300);
  }
}
