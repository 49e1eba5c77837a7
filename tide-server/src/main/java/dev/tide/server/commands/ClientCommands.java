package dev.tide.server.commands;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.server.TideServer;
import dev.tide.server.connection.ClientConnection;
import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The CLIENT container: ID SETNAME GETNAME LIST INFO KILL UNBLOCK NO-EVICT NO-TOUCH GETREDIR HELP.
 *
 * <p>CLIENT LIST and CLIENT INFO lines have Redis 7.0's fields in Redis's order, so tools that
 * parse them work. Figures Tide does not track per connection (query buffer sizes, argument
 * memory) are reported as 0; {@code sub} counts channels and patterns together because the
 * connection keeps one subscription count.
 *
 * <p>CLIENT NO-TOUCH is Redis 7.2's; Tide has it because eviction honours it.
 */
final class ClientCommands {

  private static final String NO_SUCH_CLIENT = "ERR No such client";

  private ClientCommands() {
  }

  static void register(CommandTable table, TideServer server) {
    String admin = "admin noscript loading stale connection";
    String plain = "noscript loading stale connection";
    String[] aclAdmin = {"@admin", "@slow", "@dangerous", "@connection"};
    String[] acl = {"@slow", "@connection"};
    table.register(CommandSpec.builder("client", -2, "connection").group("connection").since("2.4.0")
        .summary("A container for connection commands.").acl("@slow")
        .subcommands(
            CommandSpec.builder("id", 2, plain).group("connection").since("5.0.0")
                .summary("Returns the unique id of the connection.").acl(acl)
                .impl(ctx -> ctx.reply().integer(ctx.session().clientId())),
            CommandSpec.builder("setname", 3, plain).group("connection").since("2.6.9")
                .summary("Names the connection.").acl(acl).impl(ClientCommands::setName),
            CommandSpec.builder("getname", 2, plain).group("connection").since("2.6.9")
                .summary("Returns the name of the connection.").acl(acl).impl(ClientCommands::getName),
            CommandSpec.builder("list", -2, admin).group("connection").since("2.4.0")
                .summary("Lists the open connections.").acl(aclAdmin).impl(ctx -> list(ctx, server)),
            CommandSpec.builder("info", 2, plain).group("connection").since("6.2.0")
                .summary("Describes the connection.").acl(acl)
                .impl(ctx -> ctx.reply().verbatim("txt", describe(ConnectionCommands.conn(ctx), server.now()) + "\n")),
            CommandSpec.builder("kill", -3, admin).group("connection").since("2.4.0")
                .summary("Closes connections by address, id, type or user.").acl(aclAdmin)
                .impl(ctx -> kill(ctx, server)),
            CommandSpec.builder("unblock", -3, admin).group("connection").since("5.0.0")
                .summary("Ends the blocking command of another connection.").acl(aclAdmin)
                .impl(ctx -> unblock(ctx, server)),
            CommandSpec.builder("no-evict", 3, admin).group("connection").since("7.0.0")
                .summary("Sets whether the connection may be evicted.").acl(aclAdmin)
                .impl(ctx -> ConnectionCommands.conn(ctx).setNoEvict(onOff(ctx))),
            CommandSpec.builder("no-touch", 3, plain).group("connection").since("7.2.0")
                .summary("Sets whether the connection's reads update the keys' access times.").acl(acl)
                .impl(ctx -> ConnectionCommands.conn(ctx).setNoTouch(onOff(ctx))),
            CommandSpec.builder("getredir", 2, plain).group("connection").since("6.0.0")
                .summary("Returns the client tracking redirection id; Tide has no tracking, so -1.").acl(acl)
                .impl(ctx -> ctx.reply().integer(-1)),
            CommandSpec.builder("help", 2, "loading stale connection").group("connection").since("5.0.0")
                .summary("Describes the CLIENT subcommands.").acl(acl).impl(ClientCommands::help)));
  }

  // ---- names -------------------------------------------------------------------------------------

  static void setName(CommandContext ctx) {
    ConnectionCommands.conn(ctx).setName(ConnectionCommands.checkedName(ctx.arg(2)));
    ctx.reply().ok();
  }

  static void getName(CommandContext ctx) {
    String name = ConnectionCommands.conn(ctx).name();
    if (name.isEmpty()) {
      ctx.reply().nullBulk();
    } else {
      ctx.reply().bulk(name);
    }
  }

  /** ON or OFF as the third argument; replies OK. */
  private static boolean onOff(CommandContext ctx) {
    boolean on;
    if (ctx.argIs(2, "on")) {
      on = true;
    } else if (ctx.argIs(2, "off")) {
      on = false;
    } else {
      throw Errors.syntax();
    }
    ctx.reply().ok();
    return on;
  }

  // ---- LIST and INFO -----------------------------------------------------------------------------

  /** CLIENT LIST [TYPE type | ID id [id ...]]. */
  static void list(CommandContext ctx, TideServer server) {
    String type = null;
    Set<Long> ids = null;
    if (ctx.argc() == 4 && ctx.argIs(2, "type")) {
      type = clientType(ctx.argString(3));
    } else if (ctx.argc() > 3 && ctx.argIs(2, "id")) {
      ids = new HashSet<>();
      long[] v = new long[1];
      for (int i = 3; i < ctx.argc(); i++) {
        if (!Args.tryParseLong(ctx.arg(i), v)) {
          throw new CommandException("ERR Invalid client ID");
        }
        ids.add(v[0]);
      }
    } else if (ctx.argc() != 2) {
      throw Errors.syntax();
    }
    long now = server.now();
    StringBuilder sb = new StringBuilder();
    for (ClientConnection c : server.clients().all()) {
      if (type != null && !type.equals(typeOf(c)) || ids != null && !ids.contains(c.clientId())) {
        continue;
      }
      sb.append(describe(c, now)).append('\n');
    }
    ctx.reply().verbatim("txt", sb.toString());
  }

  /** Redis's client type name for a TYPE option, or the unknown-type error. Tide only has normal and pubsub clients. */
  private static String clientType(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "normal" -> "normal";
      case "pubsub" -> "pubsub";
      case "replica", "slave" -> "replica";
      case "master" -> "master";
      default -> throw new CommandException("ERR Unknown client type '" + name + "'");
    };
  }

  private static String typeOf(ClientConnection c) {
    return c.subscriptionCount() > 0 ? "pubsub" : "normal";
  }

  /** One CLIENT LIST line (without the newline), with Redis 7.0's fields in Redis's order. */
  static String describe(ClientConnection c, long nowMs) {
    Channel ch = c.channel();
    long omem = c.pendingOutputBytes();
    int multi = c.inMulti() ? c.multiQueue().size() : -1;
    StringBuilder sb = new StringBuilder(256);
    sb.append("id=").append(c.clientId())
        .append(" addr=").append(address(ch.remoteAddress()))
        .append(" laddr=").append(address(ch.localAddress()))
        .append(" fd=").append(ch instanceof UnixChannel u ? u.fd().intValue() : -1)
        .append(" name=").append(c.name())
        .append(" age=").append(Math.max(0, (nowMs - c.createdMs()) / 1000))
        .append(" idle=").append(Math.max(0, (nowMs - c.lastInteractionMs()) / 1000))
        .append(" flags=").append(flags(c))
        .append(" db=0")
        .append(" sub=").append(c.subscriptionCount())
        .append(" psub=0 ssub=0")
        .append(" multi=").append(multi)
        .append(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0")
        .append(" obl=0 oll=0 omem=").append(omem)
        .append(" tot-mem=").append(omem)
        .append(" events=").append(ch.config().isAutoRead() ? "r" : "").append(ch.isWritable() ? "" : "w")
        .append(" cmd=").append(c.lastCommand())
        .append(" user=").append(ConnectionCommands.DEFAULT_USER)
        .append(" redir=-1")
        .append(" resp=").append(c.protocol());
    return sb.toString();
  }

  /** Redis's flag letters, in Redis's order; N when none applies. */
  private static String flags(ClientConnection c) {
    StringBuilder f = new StringBuilder();
    if (c.subscriptionCount() > 0) {
      f.append('P');
    }
    if (c.inMulti()) {
      f.append('x');
    }
    if (c.isBlocked()) {
      f.append('b');
    }
    if (c.watchDirty()) {
      f.append('d');
    }
    if (c.closing()) {
      f.append('c');
    }
    if (c.readonlyMode()) {
      f.append('r');
    }
    if (c.noEvict()) {
      f.append('e');
    }
    if (c.noTouch()) {
      f.append('T');
    }
    return f.isEmpty() ? "N" : f.toString();
  }

  /** {@code ip:port}, IPv6 addresses in brackets, as Redis writes addresses. */
  static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String ip = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      int zone = ip.indexOf('%');
      if (zone >= 0) {
        ip = ip.substring(0, zone);
      }
      return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  // ---- KILL --------------------------------------------------------------------------------------

  /**
   * CLIENT KILL ip:port (the old form: OK or an error) or CLIENT KILL with filters ID, ADDR,
   * LADDR, TYPE, USER, SKIPME (the number of connections closed). A connection that kills itself
   * gets its reply before it is closed.
   */
  static void kill(CommandContext ctx, TideServer server) {
    ClientConnection self = ConnectionCommands.conn(ctx);
    if (ctx.argc() == 3) {
      String addr = ctx.argString(2);
      List<ClientConnection> victims = select(server, self, null, addr, null, null, false);
      if (victims.isEmpty()) {
        throw new CommandException(NO_SUCH_CLIENT);
      }
      ctx.reply().ok();
      close(victims, self);
      return;
    }
    Long id = null;
    String addr = null;
    String laddr = null;
    String type = null;
    boolean skipMe = true;
    for (int i = 2; i < ctx.argc(); i += 2) {
      if (i + 1 >= ctx.argc()) {
        throw Errors.syntax();
      }
      String value = ctx.argString(i + 1);
      if (ctx.argIs(i, "id")) {
        long[] v = new long[1];
        if (!Args.tryParseLong(ctx.arg(i + 1), v) || v[0] < 1) {
          throw new CommandException("ERR client-id should be greater than 0");
        }
        id = v[0];
      } else if (ctx.argIs(i, "type")) {
        type = clientType(value);
      } else if (ctx.argIs(i, "addr")) {
        addr = value;
      } else if (ctx.argIs(i, "laddr")) {
        laddr = value;
      } else if (ctx.argIs(i, "user")) {
        if (!ConnectionCommands.DEFAULT_USER.equals(value)) {
          throw new CommandException("ERR No such user '" + value + "'");
        }
      } else if (ctx.argIs(i, "skipme")) {
        if (value.equalsIgnoreCase("yes")) {
          skipMe = true;
        } else if (value.equalsIgnoreCase("no")) {
          skipMe = false;
        } else {
          throw Errors.syntax();
        }
      } else {
        throw Errors.syntax();
      }
    }
    List<ClientConnection> victims = select(server, skipMe ? self : null, id, addr, laddr, type, true);
    ctx.reply().integer(victims.size());
    close(victims, self);
  }

  private static List<ClientConnection> select(TideServer server, ClientConnection skip, Long id, String addr,
                                               String laddr, String type, boolean newForm) {
    List<ClientConnection> out = new ArrayList<>();
    for (ClientConnection c : server.clients().all()) {
      if (c == skip && newForm) {
        continue;
      }
      if (id != null && c.clientId() != id
          || addr != null && !addr.equals(address(c.channel().remoteAddress()))
          || laddr != null && !laddr.equals(address(c.channel().localAddress()))
          || type != null && !type.equals(typeOf(c))) {
        continue;
      }
      out.add(c);
    }
    return out;
  }

  private static void close(List<ClientConnection> victims, ClientConnection self) {
    for (ClientConnection c : victims) {
      if (c == self) {
        self.closeAfterReply();
      } else {
        c.kill();
      }
    }
  }

  // ---- UNBLOCK -----------------------------------------------------------------------------------

  /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when that connection was blocked and is now released. */
  static void unblock(CommandContext ctx, TideServer server) {
    long id = ctx.argLong(2);
    boolean withError = false;
    if (ctx.argc() == 4) {
      if (ctx.argIs(3, "error")) {
        withError = true;
      } else if (!ctx.argIs(3, "timeout")) {
        throw new CommandException("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      }
    } else if (ctx.argc() > 4) {
      throw Errors.syntax();
    }
    ClientConnection target = server.clients().get(id);
    boolean released = target != null && target.isBlocked() && server.executor().unblock(target, withError);
    ctx.reply().integer(released ? 1 : 0);
  }

  // ---- HELP --------------------------------------------------------------------------------------

  private static final List<String> HELP = List.of(
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "GETREDIR",
      "    Return -1: Tide has no client side caching to redirect.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current connection.",
      "KILL <ip:port>",
      "    Close the connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Close connections. Options are:",
      "    * ADDR <ip:port>",
      "      Connections made from this address.",
      "    * LADDR <ip:port>",
      "      Connections made to this local address.",
      "    * ID <client-id>",
      "      The connection with this ID.",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Connections of this type.",
      "    * USER <username>",
      "      Connections authenticated as this user.",
      "    * SKIPME (YES|NO)",
      "      Leave the current connection open (default: yes).",
      "LIST [options ...]",
      "    Return information about the open connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Only connections of this type.",
      "    * ID <client-id> [<client-id> ...]",
      "      Only the connections with these IDs.",
      "NO-EVICT (ON|OFF)",
      "    Protect the current connection from client eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Stop the current connection's reads from updating the keys' access times.",
      "SETNAME <name>",
      "    Assign <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    End the blocking command of the given connection.",
      "HELP",
      "    Print this help.");

  static void help(CommandContext ctx) {
    reply(ctx, HELP);
  }

  /** Help text as Redis sends it: an array of simple strings. */
  static void reply(CommandContext ctx, List<String> lines) {
    ctx.reply().array(lines.size());
    for (String line : lines) {
      ctx.reply().simple(line);
    }
  }
}
