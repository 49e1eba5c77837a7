package dev.tide.server.commands;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandFlag;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.command.Glob;
import dev.tide.protocol.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The COMMAND container: the command table described in Redis 7.0's shapes, so clients that
 * discover commands (cluster clients reading key positions, tools listing commands) work.
 *
 * <p>COMMAND INFO gives ten fields per command: name, arity, flags, first key, last key, key step,
 * ACL categories, tips (none), key specs and subcommands. Key specs are derived from the fixed key
 * positions and say only RO or RW; commands whose keys are found by parsing their arguments report
 * {@code movablekeys} and no key specs. COMMAND DOCS gives summary, since and group (Tide keeps no
 * complexity or argument docs).
 */
final class CommandCommands {

  private CommandCommands() {
  }

  static void register(CommandTable table) {
    String flags = "loading stale connection";
    String[] acl = {"@slow", "@connection"};
    table.register(CommandSpec.builder("command", -1, flags).group("server").since("2.8.13")
        .summary("Describes the commands the server understands.").acl(acl)
        .impl(ctx -> infoAll(ctx, table))
        .subcommands(
            CommandSpec.builder("count", 2, flags).group("server").since("2.8.13")
                .summary("Returns the number of commands.").acl(acl)
                .impl(ctx -> ctx.reply().integer(table.size())),
            CommandSpec.builder("list", -2, flags).group("server").since("7.0.0")
                .summary("Returns the names of the commands, optionally filtered.").acl(acl)
                .impl(ctx -> list(ctx, table)),
            CommandSpec.builder("info", -2, flags).group("server").since("2.8.13")
                .summary("Describes the named commands, or all.").acl(acl).impl(ctx -> info(ctx, table)),
            CommandSpec.builder("docs", -2, flags).group("server").since("7.0.0")
                .summary("Returns the documentation of the named commands, or all.").acl(acl)
                .impl(ctx -> docs(ctx, table)),
            CommandSpec.builder("getkeys", -4, flags).group("server").since("2.8.13")
                .summary("Returns the keys of a full command line.").acl(acl).impl(ctx -> getKeys(ctx, table)),
            CommandSpec.builder("help", 2, flags).group("server").since("5.0.0")
                .summary("Describes the COMMAND subcommands.").acl(acl)
                .impl(ctx -> ClientCommands.reply(ctx, HELP))));
  }

  // ---- INFO --------------------------------------------------------------------------------------

  /** COMMAND with no subcommand: COMMAND INFO of every command. */
  static void infoAll(CommandContext ctx, CommandTable table) {
    List<CommandSpec> all = new ArrayList<>(table.all());
    ctx.reply().array(all.size());
    for (CommandSpec spec : all) {
      writeInfo(ctx.reply(), spec);
    }
  }

  /** COMMAND INFO [name ...]: one entry per name, null for an unknown one. */
  static void info(CommandContext ctx, CommandTable table) {
    if (ctx.argc() == 2) {
      infoAll(ctx, table);
      return;
    }
    ctx.reply().array(ctx.argc() - 2);
    for (int i = 2; i < ctx.argc(); i++) {
      CommandSpec spec = find(table, ctx.argString(i));
      if (spec == null) {
        ctx.reply().nullBulk();
      } else {
        writeInfo(ctx.reply(), spec);
      }
    }
  }

  /** A command by name, or a subcommand by its full name ({@code config|get}), in any case. */
  static CommandSpec find(CommandTable table, String name) {
    int bar = name.indexOf('|');
    if (bar < 0) {
      return table.lookup(name);
    }
    CommandSpec container = table.lookup(name.substring(0, bar));
    if (container == null) {
      return null;
    }
    return container.subcommand(name.substring(bar + 1).getBytes(StandardCharsets.UTF_8));
  }

  private static void writeInfo(Reply r, CommandSpec spec) {
    r.array(10);
    r.bulk(spec.name());
    r.integer(spec.arity());
    List<String> flags = redisFlags(spec);
    r.set(flags.size());
    for (String f : flags) {
      r.simple(f);
    }
    r.integer(spec.firstKey());
    r.integer(spec.lastKey());
    r.integer(spec.firstKey() == 0 ? 0 : spec.keyStep());
    r.set(spec.aclCategories().size());
    for (String a : spec.aclCategories()) {
      r.simple(a);
    }
    r.set(0); // tips
    writeKeySpecs(r, spec);
    List<CommandSpec> subs = spec.subcommands();
    if (subs.isEmpty()) {
      r.set(0); // Redis's shape: an empty set when there are none, an array otherwise
    } else {
      r.array(subs.size());
      for (CommandSpec sub : subs) {
        writeInfo(r, sub);
      }
    }
  }

  /** Redis flag names in Redis's order ({@code movablekeys} sits just before {@code allow_busy}). */
  static List<String> redisFlags(CommandSpec spec) {
    List<String> out = new ArrayList<>();
    for (CommandFlag f : CommandFlag.values()) {
      if (f == CommandFlag.ALLOW_BUSY && spec.movableKeys()) {
        out.add("movablekeys");
      }
      if (f.redisName() != null && spec.has(f)) {
        out.add(f.redisName());
      }
    }
    if (spec.movableKeys() && !spec.has(CommandFlag.ALLOW_BUSY) && !out.contains("movablekeys")) {
      out.add("movablekeys");
    }
    return out;
  }

  /** One range key spec from the fixed key positions, or none. */
  private static void writeKeySpecs(Reply r, CommandSpec spec) {
    if (spec.firstKey() <= 0 || spec.movableKeys()) {
      r.set(0);
      return;
    }
    r.set(1);
    r.map(3);
    r.bulk("flags");
    r.set(1);
    r.simple(spec.has(CommandFlag.WRITE) ? "RW" : "RO");
    r.bulk("begin_search");
    r.map(2);
    r.bulk("type");
    r.bulk("index");
    r.bulk("spec");
    r.map(1);
    r.bulk("index");
    r.integer(spec.firstKey());
    r.bulk("find_keys");
    r.map(2);
    r.bulk("type");
    r.bulk("range");
    r.bulk("spec");
    r.map(3);
    r.bulk("lastkey");
    r.integer(spec.lastKey() < 0 ? spec.lastKey() : spec.lastKey() - spec.firstKey());
    r.bulk("keystep");
    r.integer(spec.keyStep());
    r.bulk("limit");
    r.integer(0);
  }

  // ---- DOCS --------------------------------------------------------------------------------------

  /** COMMAND DOCS [name ...]: a map of name to docs; unknown names are left out. */
  static void docs(CommandContext ctx, CommandTable table) {
    List<CommandSpec> specs = new ArrayList<>();
    if (ctx.argc() == 2) {
      specs.addAll(table.all());
    } else {
      for (int i = 2; i < ctx.argc(); i++) {
        CommandSpec spec = find(table, ctx.argString(i));
        if (spec != null) {
          specs.add(spec);
        }
      }
    }
    ctx.reply().map(specs.size());
    for (CommandSpec spec : specs) {
      ctx.reply().bulk(spec.name());
      writeDocs(ctx.reply(), spec);
    }
  }

  private static void writeDocs(Reply r, CommandSpec spec) {
    List<CommandSpec> subs = spec.subcommands();
    r.map(subs.isEmpty() ? 3 : 4);
    r.bulk("summary");
    r.bulk(spec.summary());
    r.bulk("since");
    r.bulk(spec.since());
    r.bulk("group");
    r.bulk(spec.group());
    if (!subs.isEmpty()) {
      r.bulk("subcommands");
      r.map(subs.size());
      for (CommandSpec sub : subs) {
        r.bulk(sub.name());
        writeDocs(r, sub);
      }
    }
  }

  // ---- LIST --------------------------------------------------------------------------------------

  /** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names, subcommands included. */
  static void list(CommandContext ctx, CommandTable table) {
    String filter = null;
    String value = null;
    if (ctx.argc() == 5 && ctx.argIs(2, "filterby")) {
      filter = ctx.argString(3).toLowerCase(Locale.ROOT);
      value = ctx.argString(4);
      if (!filter.equals("module") && !filter.equals("aclcat") && !filter.equals("pattern")) {
        throw Errors.syntax();
      }
    } else if (ctx.argc() != 2) {
      throw Errors.syntax();
    }
    List<String> names = new ArrayList<>();
    for (CommandSpec spec : table.all()) {
      collect(spec, filter, value, names);
      for (CommandSpec sub : spec.subcommands()) {
        collect(sub, filter, value, names);
      }
    }
    ctx.reply().array(names.size());
    for (String n : names) {
      ctx.reply().bulk(n);
    }
  }

  private static void collect(CommandSpec spec, String filter, String value, List<String> out) {
    boolean keep;
    if (filter == null) {
      keep = true;
    } else {
      keep = switch (filter) {
        case "module" -> false; // Tide loads no modules
        case "aclcat" -> spec.aclCategories().stream().anyMatch(c -> c.equalsIgnoreCase("@" + value));
        default -> Glob.matches(value.getBytes(StandardCharsets.UTF_8), spec.name().getBytes(StandardCharsets.UTF_8),
            true);
      };
    }
    if (keep) {
      out.add(spec.name());
    }
  }

  // ---- GETKEYS -----------------------------------------------------------------------------------

  /** COMMAND GETKEYS command [arg ...]: the keys the command line would touch. */
  static void getKeys(CommandContext ctx, CommandTable table) {
    byte[][] argv = Arrays.copyOfRange(ctx.argv(), 2, ctx.argc());
    CommandSpec spec = table.lookup(argv[0]);
    if (spec == null) {
      throw new CommandException("ERR Invalid command specified");
    }
    if (spec.hasSubcommands() && argv.length >= 2) {
      spec = spec.subcommand(argv[1]);
      if (spec == null) {
        throw new CommandException("ERR Invalid command specified");
      }
    }
    if (!spec.arityOk(argv.length)) {
      throw new CommandException("ERR Invalid number of arguments specified for command");
    }
    if (spec.firstKey() <= 0 && !spec.movableKeys()) {
      throw new CommandException("ERR The command has no key arguments");
    }
    int[] keys = spec.keyIndexes(argv);
    if (keys.length == 0) {
      throw new CommandException("ERR Invalid arguments specified for command");
    }
    ctx.reply().array(keys.length);
    for (int k : keys) {
      ctx.reply().bulk(argv[k]);
    }
  }

  private static final List<String> HELP = List.of(
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about every command.",
      "COUNT",
      "    Return the number of commands.",
      "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
      "    Return the names of the commands, subcommands included, optionally filtered.",
      "INFO [<command-name> ...]",
      "    Return details about the named commands, or about every command.",
      "DOCS [<command-name> ...]",
      "    Return the documentation of the named commands, or of every command.",
      "GETKEYS <full-command>",
      "    Return the keys of a full command line.",
      "HELP",
      "    Print this help.");
}
