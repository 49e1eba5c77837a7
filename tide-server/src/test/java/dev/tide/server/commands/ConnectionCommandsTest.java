package dev.tide.server.commands;

import dev.tide.engine.command.CommandSpec;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.testing.RespClient;
import dev.tide.server.testing.RespClient.Err;
import dev.tide.server.testing.RespClient.Simple;
import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tide.server.commands.ClosedConnections.assertClosedByServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tide-only checks of connection commands: the password flow (NOAUTH, AUTH, HELLO AUTH, RESET),
 * RESP3 after HELLO 3, and CLIENT LIST / INFO / KILL / UNBLOCK / NO-EVICT / NO-TOUCH on real
 * connections.
 */
class ConnectionCommandsTest {

  private static final Simple OK = new Simple("OK");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TideTestServer server;
  private final List<RespClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TideTestServer.start();
  }

  @AfterEach
  void stop() {
    clients.forEach(RespClient::close);
    server.close();
  }

  private RespClient connect() {
    RespClient c = server.client();
    clients.add(c);
    return c;
  }

  private TideTestServer startWithPassword(String password) {
    server.close();
    server = TideTestServer.start(c -> c.requirePass = password);
    return server;
  }

  // ---- authentication ----------------------------------------------------------------------------

  @Test
  void requirepassDemandsAuthBeforeOtherCommands() {
    startWithPassword("s3cret");
    RespClient c = connect();
    assertThat(c.call("PING")).isEqualTo(new Err("NOAUTH Authentication required."));
    assertThat(c.call("GET", "k")).isEqualTo(new Err("NOAUTH Authentication required."));
    assertThat(c.call("AUTH", "wrong")).isEqualTo(new Err(
        "WRONGPASS invalid username-password pair or user is disabled."));
    assertThat(c.call("AUTH", "someone", "s3cret")).isEqualTo(new Err(
        "WRONGPASS invalid username-password pair or user is disabled."));
    assertThat(c.call("PING")).isEqualTo(new Err("NOAUTH Authentication required."));
    assertThat(c.call("AUTH", "s3cret")).isEqualTo(OK);
    assertThat(c.call("PING")).isEqualTo(new Simple("PONG"));

    RespClient d = connect();
    assertThat(d.call("AUTH", "default", "s3cret")).isEqualTo(OK);
    assertThat(d.call("PING")).isEqualTo(new Simple("PONG"));
  }

  @Test
  void helloNeedsAuthenticationOrAuthOption() {
    startWithPassword("s3cret");
    RespClient c = connect();
    assertThat(c.call("HELLO", "3")).isEqualTo(new Err(ConnectionCommands.HELLO_NOAUTH));
    assertThat(c.call("HELLO", "3", "AUTH", "default", "bad")).isEqualTo(new Err(
        "WRONGPASS invalid username-password pair or user is disabled."));
    Object hello = c.call("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "app");
    assertThat(hello).isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) hello).get("proto")).isEqualTo(3L);
    assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("app");
  }

  @Test
  void authenticationLiftsTheUnauthenticatedRequestLimits() {
    startWithPassword("s3cret");
    RespClient c = connect();
    String[] eleven = {"ECHO", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
    Object refused = c.call(eleven);
    assertThat(refused).isInstanceOf(Err.class);
    assertThat(((Err) refused).text()).contains("unauthenticated multibulk length");
    assertClosedByServer(c);

    RespClient d = connect();
    assertThat(d.call("AUTH", "s3cret")).isEqualTo(OK);
    // Past the limit of 10 arguments: now it reaches ECHO, which rejects the argument count.
    assertThat(d.call(eleven)).isEqualTo(new Err("ERR wrong number of arguments for 'echo' command"));
    assertThat(d.call("ECHO", "x".repeat(20_000))).isEqualTo("x".repeat(20_000));
  }

  @Test
  void resetDeauthenticatesWhenAPasswordIsSet() {
    startWithPassword("s3cret");
    RespClient c = connect();
    assertThat(c.call("AUTH", "s3cret")).isEqualTo(OK);
    assertThat(c.call("RESET")).isEqualTo(new Simple("RESET"));
    assertThat(c.call("PING")).isEqualTo(new Err("NOAUTH Authentication required."));
  }

  @Test
  void configSetRequirepassAppliesToNewConnectionsAndCanBeLifted() {
    RespClient admin = connect();
    assertThat(admin.call("CONFIG", "SET", "requirepass", "pw")).isEqualTo(OK);
    assertThat(admin.call("PING")).isEqualTo(new Simple("PONG")); // already authenticated stays so
    RespClient late = connect();
    assertThat(late.call("PING")).isEqualTo(new Err("NOAUTH Authentication required."));
    assertThat(admin.call("CONFIG", "GET", "requirepass")).isEqualTo(List.of("requirepass", "pw"));
    assertThat(admin.call("CONFIG", "SET", "requirepass", "")).isEqualTo(OK);
    assertThat(late.call("PING")).isEqualTo(new Simple("PONG"));
    assertThat(late.call("AUTH", "x")).isEqualTo(new Err(ConnectionCommands.NO_PASSWORD_CONFIGURED));
  }

  // ---- RESP3 -------------------------------------------------------------------------------------

  @Test
  void hello3SwitchesRepliesToResp3AndHello2Back() {
    RespClient c = connect();
    assertThat(c.call("CONFIG", "GET", "maxmemory")).isInstanceOf(List.class);
    Object hello = c.call("HELLO", "3");
    assertThat(hello).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<Object, Object> map = (Map<Object, Object>) hello;
    assertThat(map.keySet()).containsExactly("server", "version", "proto", "id", "mode", "role", "modules");
    assertThat(map.get("version")).isEqualTo("7.0.15");
    assertThat(map.get("id")).isEqualTo(c.call("CLIENT", "ID"));
    assertThat(c.call("CONFIG", "GET", "maxmemory")).isEqualTo(Map.of("maxmemory", "0"));
    assertThat(c.call("GET", "missing")).isNull();
    assertThat(c.call("HELLO", "2")).isInstanceOf(List.class);
    assertThat(c.call("CONFIG", "GET", "maxmemory")).isEqualTo(List.of("maxmemory", "0"));
  }

  @Test
  void resetReturnsToResp2AndClearsModes() {
    RespClient c = connect();
    c.call("HELLO", "3", "SETNAME", "named");
    assertThat(c.call("CLIENT", "NO-EVICT", "on")).isEqualTo(OK);
    assertThat(c.call("CLIENT", "NO-TOUCH", "on")).isEqualTo(OK);
    assertThat(clientInfo(c).get("flags")).isEqualTo("eT");
    assertThat(c.call("RESET")).isEqualTo(new Simple("RESET"));
    Map<String, String> info = clientInfo(c);
    assertThat(info.get("flags")).isEqualTo("N");
    assertThat(info.get("name")).isEmpty();
    assertThat(info.get("resp")).isEqualTo("2");
  }

  // ---- CLIENT LIST / INFO ------------------------------------------------------------------------

  /** CLIENT INFO parsed into field → value, in order. */
  private static Map<String, String> clientInfo(RespClient c) {
    return parseLine(((String) c.call("CLIENT", "INFO")).strip());
  }

  private static Map<String, String> parseLine(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String kv : line.split(" ")) {
      int eq = kv.indexOf('=');
      fields.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return fields;
  }

  private static List<Map<String, String>> clientList(RespClient c, String... options) {
    String[] cmd = new String[2 + options.length];
    cmd[0] = "CLIENT";
    cmd[1] = "LIST";
    System.arraycopy(options, 0, cmd, 2, options.length);
    String text = (String) c.call(cmd);
    List<Map<String, String>> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        out.add(parseLine(line));
      }
    }
    return out;
  }

  @Test
  void clientListHasRedisFieldsInRedisOrder() {
    RespClient a = connect();
    RespClient b = connect();
    assertThat(b.call("CLIENT", "SETNAME", "bee")).isEqualTo(OK);
    b.call("HELLO", "3");
    String text = (String) a.call("CLIENT", "LIST");
    assertThat(text).endsWith("\n");
    List<Map<String, String>> list = clientList(a);
    assertThat(list).hasSize(2);
    assertThat(list.get(0).keySet()).containsExactly("id", "addr", "laddr", "fd", "name", "age", "idle", "flags",
        "db", "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl",
        "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp");
    long aId = (Long) a.call("CLIENT", "ID");
    Map<String, String> self = list.stream().filter(m -> m.get("id").equals(Long.toString(aId))).findFirst()
        .orElseThrow();
    Map<String, String> other = list.stream().filter(m -> !m.get("id").equals(Long.toString(aId))).findFirst()
        .orElseThrow();
    assertThat(self.get("cmd")).isEqualTo("client|list");
    assertThat(self.get("laddr")).isEqualTo("127.0.0.1:" + server.port());
    assertThat(self.get("addr")).startsWith("127.0.0.1:").isNotEqualTo(other.get("addr"));
    assertThat(self.get("multi")).isEqualTo("-1");
    assertThat(self.get("user")).isEqualTo("default");
    assertThat(self.get("resp")).isEqualTo("2");
    assertThat(other.get("name")).isEqualTo("bee");
    assertThat(other.get("resp")).isEqualTo("3");
    assertThat(other.get("cmd")).isEqualTo("hello");

    assertThat(clientList(a, "ID", other.get("id"))).singleElement()
        .satisfies(m -> assertThat(m.get("name")).isEqualTo("bee"));
    assertThat(clientList(a, "ID", other.get("id"), self.get("id"))).hasSize(2);
    assertThat(clientList(a, "TYPE", "normal")).hasSize(2);
    assertThat(clientList(a, "TYPE", "pubsub")).isEmpty();
    assertThat(clientInfo(b).get("id")).isEqualTo(other.get("id"));
  }

  // ---- CLIENT KILL -------------------------------------------------------------------------------

  @Test
  void clientKillById() {
    RespClient killer = connect();
    RespClient victim = connect();
    String victimId = clientInfo(victim).get("id");
    assertThat(killer.call("CLIENT", "KILL", "ID", victimId)).isEqualTo(1L);
    assertClosedByServer(victim);
    await().atMost(WAIT).until(() -> server.server().clients().get(Long.parseLong(victimId)) == null);
    assertThat(killer.call("CLIENT", "KILL", "ID", victimId)).isEqualTo(0L);
  }

  @Test
  void clientKillByAddrOldAndNewForm() {
    RespClient killer = connect();
    RespClient first = connect();
    RespClient second = connect();
    assertThat(killer.call("CLIENT", "KILL", clientInfo(first).get("addr"))).isEqualTo(OK);
    assertClosedByServer(first);
    assertThat(killer.call("CLIENT", "KILL", "ADDR", clientInfo(second).get("addr"))).isEqualTo(1L);
    assertClosedByServer(second);
    assertThat(killer.call("PING")).isEqualTo(new Simple("PONG"));
  }

  @Test
  void clientKillSkipsTheCallerUnlessToldNot() {
    RespClient killer = connect();
    RespClient a = connect();
    RespClient b = connect();
    a.call("PING");
    b.call("PING");
    assertThat(killer.call("CLIENT", "KILL", "TYPE", "normal", "USER", "default")).isEqualTo(2L);
    assertClosedByServer(a);
    assertClosedByServer(b);
    assertThat(killer.call("PING")).isEqualTo(new Simple("PONG"));
    await().atMost(WAIT).until(() -> server.server().clients().size() == 1);
    assertThat(killer.call("CLIENT", "KILL", "LADDR", "127.0.0.1:" + server.port(), "SKIPME", "no")).isEqualTo(1L);
    assertClosedByServer(killer);
  }

  // ---- CLIENT UNBLOCK, blocked flags --------------------------------------------------------------

  /** A blocking command for this test only: waits for its key to exist, then replies with its value. */
  private void registerWaitCommand() {
    server.server().table().register(CommandSpec.builder("test-wait", 2, "readonly blocking").keys(1, 1, 1)
        .impl(ctx -> {
          byte[] key = ctx.arg(1);
          Object v = ctx.keyspace(key).read(key, ctx.nowMs());
          if (v == null) {
            ctx.block(new byte[][] {key}, 0, r -> r.nullArray());
          } else {
            ctx.reply().bulk((byte[]) v);
          }
        }));
  }

  @Test
  void clientUnblockEndsABlockedCommandWithTimeoutOrError() {
    registerWaitCommand();
    RespClient admin = connect();
    RespClient waiter = connect();
    long waiterId = (Long) waiter.call("CLIENT", "ID");
    assertThat(admin.call("CLIENT", "UNBLOCK", Long.toString(waiterId))).isEqualTo(0L); // not blocked

    waiter.send("test-wait", "nokey");
    awaitBlocked(waiterId);
    Map<String, String> line = clientList(admin, "ID", Long.toString(waiterId)).get(0);
    assertThat(line.get("flags")).isEqualTo("b");
    assertThat(line.get("cmd")).isEqualTo("test-wait");
    assertThat(info(admin, "clients")).contains("blocked_clients:1\r\n");
    assertThat(admin.call("CLIENT", "UNBLOCK", Long.toString(waiterId))).isEqualTo(1L);
    assertThat(waiter.read()).isNull();

    waiter.send("test-wait", "nokey");
    awaitBlocked(waiterId);
    assertThat(admin.call("CLIENT", "UNBLOCK", Long.toString(waiterId), "ERROR")).isEqualTo(1L);
    assertThat(waiter.read()).isEqualTo(new Err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
    assertThat(waiter.call("PING")).isEqualTo(new Simple("PONG"));
    assertThat(info(admin, "clients")).contains("blocked_clients:0\r\n");
  }

  private void awaitBlocked(long id) {
    await().atMost(WAIT).until(() -> {
      ClientConnection c = server.server().clients().get(id);
      return c != null && c.isBlocked();
    });
  }

  private static String info(RespClient c, String section) {
    return (String) c.call("INFO", section);
  }

  @Test
  void timeoutClosesIdleConnectionsButNotBlockedOnes() {
    registerWaitCommand();
    RespClient waiter = connect();
    long waiterId = (Long) waiter.call("CLIENT", "ID");
    waiter.send("test-wait", "nokey");
    awaitBlocked(waiterId);
    // Connected after the waiter last spoke: whenever this one has idled too long, so has the waiter.
    RespClient idle = connect();
    long idleId = (Long) idle.call("CLIENT", "ID");
    assertThat(idle.call("CONFIG", "SET", "timeout", "1")).isEqualTo(OK);
    await().atMost(WAIT).until(() -> server.server().clients().get(idleId) == null);
    assertClosedByServer(idle);
    assertThat(server.server().clients().get(waiterId)).isNotNull();
    try (RespClient admin = server.client()) {
      assertThat(admin.call("CONFIG", "SET", "timeout", "0")).isEqualTo(OK);
      assertThat(admin.call("CLIENT", "UNBLOCK", Long.toString(waiterId))).isEqualTo(1L);
    }
    assertThat(waiter.read()).isNull();
    assertThat(waiter.call("PING")).isEqualTo(new Simple("PONG"));
  }

  @Test
  void noTouchAndNoEvictSetConnectionModes() {
    RespClient c = connect();
    long id = (Long) c.call("CLIENT", "ID");
    ClientConnection conn = server.server().clients().get(id);
    assertThat(c.call("CLIENT", "NO-TOUCH", "on")).isEqualTo(OK);
    assertThat(conn.noTouch()).isTrue();
    assertThat(c.call("CLIENT", "NO-TOUCH", "maybe")).isEqualTo(new Err("ERR syntax error"));
    assertThat(c.call("CLIENT", "NO-TOUCH", "OFF")).isEqualTo(OK);
    assertThat(conn.noTouch()).isFalse();
    assertThat(c.call("CLIENT", "NO-EVICT", "on")).isEqualTo(OK);
    assertThat(conn.noEvict()).isTrue();
    assertThat(clientInfo(c).get("flags")).isEqualTo("e");
  }

  @Test
  void clientHelpListsEverySubcommand() {
    RespClient c = connect();
    List<?> help = (List<?>) c.call("CLIENT", "HELP");
    assertThat(help.get(0)).isEqualTo(new Simple("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for (String sub : List.of("GETNAME", "ID", "INFO", "KILL", "LIST", "NO-EVICT", "NO-TOUCH", "SETNAME", "UNBLOCK",
        "GETREDIR", "HELP")) {
      assertThat(help).anySatisfy(line -> assertThat(((Simple) line).text()).startsWith(sub));
    }
  }
}
