package dev.tide.server.commands;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.protocol.Reply;
import dev.tide.server.TideServer;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.info.ServerInfo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Connection commands: PING ECHO QUIT HELLO AUTH SELECT RESET, and the CLIENT container (see
 * {@link ClientCommands}).
 *
 * <p>Authentication knows one user, Redis's {@code default}, whose password is {@code requirepass};
 * with no password set, the default user takes any password (Redis's {@code nopass}). AUTH, HELLO,
 * QUIT and RESET carry {@code no_auth} so they work before authentication.
 */
public final class ConnectionCommands {

  /** The one user Tide knows, as Redis names it. */
  static final String DEFAULT_USER = "default";

  static final String NO_PASSWORD_CONFIGURED = "ERR AUTH <password> called without any password configured for "
      + "the default user. Are you sure your configuration is correct?";
  static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, otherwise "
      + "the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
      + "version at the same time";
  static final String BAD_CLIENT_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";

  private ConnectionCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    table.register(CommandSpec.builder("ping", -1, "fast connection").group("connection")
        .summary("Returns the server's liveliness response.").acl("@fast", "@connection")
        .impl(ConnectionCommands::ping));
    table.register(CommandSpec.builder("echo", 2, "loading stale fast connection").group("connection")
        .summary("Returns the given string.").acl("@fast", "@connection").impl(ctx -> ctx.reply().bulk(ctx.arg(1))));
    table.register(CommandSpec.builder("quit", -1, "noscript loading stale fast no_auth allow_busy connection")
        .group("connection").summary("Closes the connection.").acl("@fast", "@connection").impl(ctx -> {
          ctx.reply().ok();
          conn(ctx).closeAfterReply();
        }));
    table.register(CommandSpec.builder("hello", -1, "noscript loading stale fast no_auth allow_busy connection")
        .group("connection").since("6.0.0")
        .summary("Handshakes with the server: picks RESP2 or RESP3, optionally authenticates and names the connection.")
        .acl("@fast", "@connection").impl(ctx -> hello(ctx, server)));
    table.register(CommandSpec.builder("auth", -2, "noscript loading stale fast no_auth allow_busy connection")
        .group("connection").summary("Authenticates the connection.").acl("@fast", "@connection")
        .impl(ctx -> auth(ctx, server)));
    table.register(CommandSpec.builder("select", 2, "loading stale fast connection").group("connection")
        .summary("Changes the selected database; Tide has database 0 only.").acl("@fast", "@connection")
        .impl(ConnectionCommands::select));
    table.register(CommandSpec.builder("reset", 1, "noscript loading stale fast no_auth allow_busy connection")
        .group("connection").since("6.2.0").summary("Resets the connection to its state right after connecting.")
        .acl("@fast", "@connection").impl(ctx -> reset(ctx, server)));
    ClientCommands.register(table, server);
  }

  static ClientConnection conn(CommandContext ctx) {
    return (ClientConnection) ctx.session();
  }

  static void ping(CommandContext ctx) {
    if (ctx.argc() > 2) {
      throw new CommandException(Errors.wrongArity("ping"));
    }
    ClientConnection conn = conn(ctx);
    if (conn.subscriptionCount() > 0 && conn.protocol() == 2) {
      ctx.reply().array(2);
      ctx.reply().bulk("pong");
      ctx.reply().bulk(ctx.argc() == 2 ? ctx.arg(1) : new byte[0]);
      return;
    }
    if (ctx.argc() == 2) {
      ctx.reply().bulk(ctx.arg(1));
    } else {
      ctx.reply().simple("PONG");
    }
  }

  // ---- HELLO -------------------------------------------------------------------------------------

  /** HELLO [protover [AUTH username password] [SETNAME clientname]]. */
  static void hello(CommandContext ctx, TideServer server) {
    ClientConnection conn = conn(ctx);
    int protocol = 0;
    int next = 1;
    if (ctx.argc() >= 2) {
      long[] v = new long[1];
      if (!Args.tryParseLong(ctx.arg(1), v)) {
        throw new CommandException("ERR Protocol version is not an integer or out of range");
      }
      if (v[0] < 2 || v[0] > 3) {
        throw new CommandException("NOPROTO unsupported protocol version");
      }
      protocol = (int) v[0];
      next = 2;
    }
    String user = null;
    String password = null;
    byte[] name = null;
    for (int i = next; i < ctx.argc(); i++) {
      int more = ctx.argc() - 1 - i;
      if (ctx.argIs(i, "AUTH") && more >= 2) {
        user = ctx.argString(i + 1);
        password = ctx.argString(i + 2);
        i += 2;
      } else if (ctx.argIs(i, "SETNAME") && more >= 1) {
        name = ctx.arg(i + 1);
        i++;
      } else {
        throw new CommandException("ERR Syntax error in HELLO option '" + ctx.argString(i) + "'");
      }
    }
    if (user != null) {
      if (!passwordMatches(server, user, password)) {
        throw new CommandException(Errors.WRONGPASS);
      }
      conn.setAuthenticated(true);
    }
    if (server.executor().requirePass() != null && !conn.authenticated()) {
      throw new CommandException(HELLO_NOAUTH);
    }
    if (name != null) {
      conn.setName(checkedName(name));
    }
    if (protocol != 0) {
      conn.setProtocol(protocol); // the reply below is already in the new protocol, as in Redis
    }
    Reply r = ctx.reply();
    r.map(7);
    r.bulk("server");
    r.bulk("redis");
    r.bulk("version");
    r.bulk(ServerInfo.REDIS_VERSION);
    r.bulk("proto");
    r.integer(conn.protocol());
    r.bulk("id");
    r.integer(conn.clientId());
    r.bulk("mode");
    r.bulk("standalone");
    r.bulk("role");
    r.bulk("master");
    r.bulk("modules");
    r.array(0);
  }

  // ---- AUTH --------------------------------------------------------------------------------------

  /** AUTH [username] password. */
  static void auth(CommandContext ctx, TideServer server) {
    if (ctx.argc() > 3) {
      throw Errors.syntax();
    }
    if (ctx.argc() == 2 && server.executor().requirePass() == null) {
      throw new CommandException(NO_PASSWORD_CONFIGURED);
    }
    String user = ctx.argc() == 3 ? ctx.argString(1) : DEFAULT_USER;
    String password = ctx.argString(ctx.argc() - 1);
    if (!passwordMatches(server, user, password)) {
      throw new CommandException(Errors.WRONGPASS);
    }
    conn(ctx).setAuthenticated(true);
    ctx.reply().ok();
  }

  /** True when {@code user} is the default user and the password is right (any, when none is set). */
  static boolean passwordMatches(TideServer server, String user, String password) {
    if (!DEFAULT_USER.equals(user)) {
      return false;
    }
    String required = server.executor().requirePass();
    if (required == null) {
      return true;
    }
    // Constant time: how long a wrong password takes says nothing about how much of it was right.
    return MessageDigest.isEqual(required.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
  }

  // ---- SELECT, RESET -----------------------------------------------------------------------------

  /** SELECT index: Tide, like Redis Cluster, has database 0 only. */
  static void select(CommandContext ctx) {
    long index = ctx.argLong(1);
    if (index != 0) {
      throw new CommandException("ERR DB index is out of range");
    }
    ctx.reply().ok();
  }

  /**
   * RESET: ends MULTI and WATCH, leaves every channel and pattern, forgets the name and the client
   * modes, returns to RESP2 and, when a password is set, to unauthenticated.
   */
  static void reset(CommandContext ctx, TideServer server) {
    ClientConnection conn = conn(ctx);
    server.executor().connectionReset(conn); // WATCH and pub/sub code drop what they keep for it
    conn.setInMulti(false);
    conn.setMultiDirty(false);
    conn.multiQueue().clear();
    conn.setWatchState(null);
    conn.setWatchDirty(false);
    conn.setPubSubState(null);
    conn.setSubscriptionCount(0);
    conn.setName("");
    conn.setNoEvict(false);
    conn.setNoTouch(false);
    conn.setReadonlyMode(false);
    conn.setAuthenticated(server.executor().requirePass() == null);
    ctx.reply().simple("RESET");
    conn.setProtocol(2);
  }

  /**
   * A connection name as Redis accepts it: printable ASCII without spaces ('!' to '~'); empty
   * clears the name.
   */
  static String checkedName(byte[] name) {
    for (byte b : name) {
      if (b < '!' || b > '~') {
        throw new CommandException(BAD_CLIENT_NAME);
      }
    }
    return new String(name, StandardCharsets.US_ASCII);
  }
}
