package dev.tide.server.commands;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.protocol.Reply;
import dev.tide.server.TideServer;
import dev.tide.server.connection.ClientConnection;
import dev.tide.server.pubsub.ChannelName;
import dev.tide.server.pubsub.PubSubRegistry;
import dev.tide.server.pubsub.PubSubRegistry.Kind;
import dev.tide.server.pubsub.Subscriber;

import java.util.List;
import java.util.Locale;

/**
 * SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB, and the sharded SSUBSCRIBE
 * SUNSUBSCRIBE SPUBLISH (on one node they behave like the classic ones, with their own
 * namespace and count). Replies and messages have Redis 7.0's shapes: RESP2 arrays, RESP3 push
 * frames. The registry and delivery are in {@link PubSubRegistry}.
 */
public final class PubSubCommands {

  /** Characters of a subcommand name echoed in an error (Redis: {@code %.128s}). */
  private static final int SUBCOMMAND_ECHO_CHARS = 128;

  private static final String[] HELP = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };

  private PubSubCommands() {
  }

  public static void register(CommandTable table, TideServer server) {
    PubSubRegistry registry = server.pubSub();
    table.register(CommandSpec.builder("subscribe", -2, "pubsub noscript loading stale connection").group("pubsub")
        .since("2.0.0").summary("Listens for messages published to channels.").acl("@pubsub", "@slow")
        .impl(ctx -> subscribe(ctx, registry, Kind.CHANNEL)));
    table.register(CommandSpec.builder("psubscribe", -2, "pubsub noscript loading stale connection").group("pubsub")
        .since("2.0.0").summary("Listens for messages published to channels that match one or more patterns.")
        .acl("@pubsub", "@slow").impl(ctx -> subscribe(ctx, registry, Kind.PATTERN)));
    table.register(CommandSpec.builder("ssubscribe", -2, "pubsub noscript loading stale connection").group("pubsub")
        .since("7.0.0").summary("Listens for messages published to shard channels.").acl("@pubsub", "@slow")
        .impl(ctx -> subscribe(ctx, registry, Kind.SHARD)));
    table.register(CommandSpec.builder("unsubscribe", -1, "pubsub noscript loading stale connection").group("pubsub")
        .since("2.0.0").summary("Stops listening to messages posted to channels.").acl("@pubsub", "@slow")
        .impl(ctx -> unsubscribe(ctx, registry, Kind.CHANNEL)));
    table.register(CommandSpec.builder("punsubscribe", -1, "pubsub noscript loading stale connection")
        .group("pubsub").since("2.0.0").summary("Stops listening to messages published to channels that match "
            + "one or more patterns.").acl("@pubsub", "@slow")
        .impl(ctx -> unsubscribe(ctx, registry, Kind.PATTERN)));
    table.register(CommandSpec.builder("sunsubscribe", -1, "pubsub noscript loading stale connection")
        .group("pubsub").since("7.0.0").summary("Stops listening to messages posted to shard channels.")
        .acl("@pubsub", "@slow").impl(ctx -> unsubscribe(ctx, registry, Kind.SHARD)));
    table.register(CommandSpec.builder("publish", 3, "pubsub loading stale fast").group("pubsub").since("2.0.0")
        .summary("Posts a message to a channel.").acl("@pubsub", "@fast")
        .impl(ctx -> publish(ctx, registry, Kind.CHANNEL)));
    table.register(CommandSpec.builder("spublish", 3, "pubsub loading stale fast").group("pubsub").since("7.0.0")
        .summary("Posts a message to a shard channel.").acl("@pubsub", "@fast")
        .impl(ctx -> publish(ctx, registry, Kind.SHARD)));
    table.register(CommandSpec.builder("pubsub", -2, "").group("pubsub").since("2.8.0")
        .summary("A container for Pub/Sub commands.").acl("@slow").impl(ctx -> pubsub(ctx, registry)));
    server.executor().onConnectionClosed(registry::unsubscribeAll);
  }

  static void subscribe(CommandContext ctx, PubSubRegistry registry, Kind kind) {
    ClientConnection conn = (ClientConnection) ctx.session();
    if (kind == Kind.SHARD && conn.inMulti()) {
      // Redis refuses SSUBSCRIBE for "deny blocking" clients, which includes EXEC; SUBSCRIBE and
      // PSUBSCRIBE are let through there for backward compatibility.
      throw new CommandException("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    }
    Subscriber s = PubSubRegistry.subscriber(conn);
    Reply reply = ctx.reply();
    for (int i = 1; i < ctx.argc(); i++) {
      registry.subscribe(s, kind, ctx.arg(i));
      reply.push(3);
      reply.bulk(kind.subscribeWord());
      reply.bulk(ctx.arg(i));
      reply.integer(PubSubRegistry.replyCount(s, kind));
    }
  }

  static void unsubscribe(CommandContext ctx, PubSubRegistry registry, Kind kind) {
    ClientConnection conn = (ClientConnection) ctx.session();
    Subscriber s = PubSubRegistry.subscriber(conn);
    Reply reply = ctx.reply();
    byte[] word = kind.unsubscribeWord();
    if (ctx.argc() == 1) {
      List<ChannelName> all = registry.subscriptions(s, kind);
      if (all.isEmpty()) {
        reply.push(3);
        reply.bulk(word);
        reply.nullBulk();
        reply.integer(PubSubRegistry.replyCount(s, kind));
        return;
      }
      for (ChannelName name : all) {
        registry.unsubscribe(s, kind, name);
        reply.push(3);
        reply.bulk(word);
        reply.bulk(name.bytes());
        reply.integer(PubSubRegistry.replyCount(s, kind));
      }
      return;
    }
    for (int i = 1; i < ctx.argc(); i++) {
      registry.unsubscribe(s, kind, ChannelName.of(ctx.arg(i)));
      reply.push(3);
      reply.bulk(word);
      reply.bulk(ctx.arg(i));
      reply.integer(PubSubRegistry.replyCount(s, kind));
    }
  }

  static void publish(CommandContext ctx, PubSubRegistry registry, Kind kind) {
    ClientConnection publisher = ctx.session() instanceof ClientConnection c ? c : null;
    ctx.reply().integer(registry.publish(kind, ctx.arg(1), ctx.arg(2), publisher, ctx.nowMs()));
  }

  static void pubsub(CommandContext ctx, PubSubRegistry registry) {
    String sub = ctx.argString(1).toLowerCase(Locale.ROOT);
    int argc = ctx.argc();
    Reply reply = ctx.reply();
    switch (sub) {
      case "channels", "shardchannels" -> {
        if (argc > 3) {
          throw new CommandException("ERR unknown subcommand or wrong number of arguments for '"
              + echo(ctx.argString(1)) + "'. Try PUBSUB HELP.");
        }
        List<byte[]> names = registry.activeChannels(sub.equals("channels") ? Kind.CHANNEL : Kind.SHARD,
            argc == 3 ? ctx.arg(2) : null);
        reply.array(names.size());
        for (byte[] n : names) {
          reply.bulk(n);
        }
      }
      case "numsub", "shardnumsub" -> {
        Kind kind = sub.equals("numsub") ? Kind.CHANNEL : Kind.SHARD;
        reply.array((argc - 2) * 2);
        for (int i = 2; i < argc; i++) {
          reply.bulk(ctx.arg(i));
          reply.integer(registry.subscriberCount(kind, ctx.arg(i)));
        }
      }
      case "numpat" -> {
        if (argc != 2) {
          throw new CommandException("ERR wrong number of arguments for 'pubsub|numpat' command");
        }
        reply.integer(registry.patternCount());
      }
      case "help" -> {
        if (argc != 2) {
          throw new CommandException("ERR wrong number of arguments for 'pubsub|help' command");
        }
        reply.array(HELP.length);
        for (String line : HELP) {
          reply.simple(line);
        }
      }
      default -> throw new CommandException("ERR unknown subcommand '" + echo(ctx.argString(1))
          + "'. Try PUBSUB HELP.");
    }
  }

  private static String echo(String s) {
    return s.length() > SUBCOMMAND_ECHO_CHARS ? s.substring(0, SUBCOMMAND_ECHO_CHARS) : s;
  }
}
