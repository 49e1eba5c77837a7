package dev.tide.engine.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything the dispatcher needs to know about a command before running it: arity (Redis
 * convention: positive = exact argument count including the name, negative = at least), flags,
 * where its keys are (first, last, step; last -1 = the last argument), and its implementation.
 * COMMAND INFO and COMMAND DOCS are generated from these.
 *
 * <p><b>Subcommands.</b> A container command (CLIENT, CONFIG, COMMAND, OBJECT ...) lists its
 * subcommands as specs of their own, named {@code container|sub} as Redis 7 names them. The
 * executor resolves {@code argv[1]} to the subcommand before its checks, so arity errors, flags,
 * key positions and statistics are the subcommand's; the container's own implementation dispatches
 * the same way, for callers that run a spec directly (EXEC).
 */
public final class CommandSpec {

  private static final java.util.concurrent.atomic.AtomicInteger NEXT_ID = new java.util.concurrent.atomic.AtomicInteger();

  /** Dense number of this spec in the process, for array-indexed per-command counters. */
  private final int id = NEXT_ID.getAndIncrement();
  private final String name;
  private final int arity;
  private final Set<CommandFlag> flags;
  private final int firstKey;
  private final int lastKey;
  private final int keyStep;
  private final KeyExtractor keyExtractor;
  private final String group;
  private final String summary;
  private final String since;
  private final List<String> aclCategories;
  private final Command impl;
  /** Subcommands by lower-case short name ({@code "list"} for {@code client|list}), in registration order. */
  private final Map<String, CommandSpec> subcommands;

  private CommandSpec(Builder b, String fullName) {
    this.name = fullName;
    Map<String, CommandSpec> subs = new LinkedHashMap<>();
    for (Builder sb : b.subcommands) {
      if (subs.put(sb.name, new CommandSpec(sb, fullName + "|" + sb.name)) != null) {
        throw new IllegalStateException("subcommand registered twice: " + fullName + "|" + sb.name);
      }
    }
    this.subcommands = Collections.unmodifiableMap(subs);
    this.arity = b.arity;
    this.flags = Collections.unmodifiableSet(b.flags);
    this.firstKey = b.firstKey;
    this.lastKey = b.lastKey;
    this.keyStep = b.keyStep;
    this.keyExtractor = b.keyExtractor;
    this.group = b.group;
    this.summary = b.summary;
    this.since = b.since;
    this.aclCategories = List.copyOf(b.aclCategories);
    Command own = b.impl;
    this.impl = subs.isEmpty() ? own : ctx -> dispatchToSubcommand(ctx, own);
    if (impl == null) {
      throw new IllegalStateException("command " + name + " has no implementation");
    }
    if (flags.contains(CommandFlag.WRITE) && flags.contains(CommandFlag.READONLY)) {
      // keyed commands may be neither (WATCH only registers interest), never both
      throw new IllegalStateException("command " + name + " cannot be both write and readonly");
    }
  }

  /**
   * Starts a spec.
   *
   * @param name lower-case command name
   * @param arity Redis arity: N exact, -N at least N (both counting the name)
   * @param flags space-separated Redis flag names, e.g. {@code "write denyoom fast"}
   */
  public static Builder builder(String name, int arity, String flags) {
    return new Builder(name, arity, flags);
  }

  public String name() {
    return name;
  }

  /** Dense, process-unique number (0, 1, 2 ...): lets per-command counters live in arrays. */
  public int id() {
    return id;
  }

  public int arity() {
    return arity;
  }

  public Set<CommandFlag> flags() {
    return flags;
  }

  public boolean has(CommandFlag flag) {
    return flags.contains(flag);
  }

  public int firstKey() {
    return firstKey;
  }

  public int lastKey() {
    return lastKey;
  }

  public int keyStep() {
    return keyStep;
  }

  public String group() {
    return group;
  }

  public String summary() {
    return summary;
  }

  public String since() {
    return since;
  }

  public List<String> aclCategories() {
    return aclCategories;
  }

  public Command impl() {
    return impl;
  }

  /** True when the command's keys are found by a function rather than fixed positions (COMMAND INFO's movablekeys). */
  public boolean movableKeys() {
    return keyExtractor != null;
  }

  /** True for container commands such as CLIENT or CONFIG. */
  public boolean hasSubcommands() {
    return !subcommands.isEmpty();
  }

  /** The subcommands of a container, in registration order; empty for other commands. */
  public List<CommandSpec> subcommands() {
    return List.copyOf(subcommands.values());
  }

  /** The subcommand with this short name in any case ({@code "LIST"} for {@code client|list}), or null. */
  public CommandSpec subcommand(byte[] shortName) {
    if (subcommands.isEmpty() || shortName.length > MAX_SUBCOMMAND_NAME_BYTES) {
      return null;
    }
    return subcommands.get(new String(shortName, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
  }

  /**
   * The spec that runs this request: the subcommand named by {@code argv[1]} for a container
   * called with one, else this spec. Throws the unknown-subcommand error when there is no such
   * subcommand.
   */
  public CommandSpec resolve(byte[][] argv) {
    if (subcommands.isEmpty() || argv.length < 2) {
      return this;
    }
    CommandSpec sub = subcommand(argv[1]);
    if (sub == null) {
      throw new CommandException(Errors.unknownSubcommand(Args.str(argv[1]), name));
    }
    return sub;
  }

  /**
   * The implementation of a container: run the subcommand after checking its arity; without one,
   * the container's own implementation if it has one (COMMAND alone lists every command).
   */
  private void dispatchToSubcommand(CommandContext ctx, Command own) {
    CommandSpec sub = resolve(ctx.argv());
    if (sub == this) {
      if (own == null) {
        throw new CommandException(Errors.wrongArity(name));
      }
      own.execute(ctx);
      return;
    }
    if (!sub.arityOk(ctx.argc())) {
      throw new CommandException(Errors.wrongArity(sub.name()));
    }
    sub.impl().execute(ctx);
  }

  /** Longest subcommand name looked up; longer arguments cannot name one. */
  private static final int MAX_SUBCOMMAND_NAME_BYTES = 64;

  public boolean arityOk(int argc) {
    return arity >= 0 ? argc == arity : argc >= -arity;
  }

  private static final int[] NO_KEYS = new int[0];

  /** Positions of the key arguments in {@code argv}. */
  public int[] keyIndexes(byte[][] argv) {
    if (keyExtractor != null) {
      return keyExtractor.keyIndexes(argv);
    }
    if (firstKey <= 0 || argv.length <= firstKey) {
      return NO_KEYS;
    }
    int last = lastKey < 0 ? argv.length + lastKey : Math.min(lastKey, argv.length - 1);
    if (last < firstKey) {
      return NO_KEYS;
    }
    int count = (last - firstKey) / keyStep + 1;
    int[] out = new int[count];
    for (int i = 0, k = firstKey; i < count; i++, k += keyStep) {
      out[i] = k;
    }
    return out;
  }

  /** Fluent construction; see {@link CommandSpec#builder}. */
  public static final class Builder {
    private final String name;
    private final int arity;
    private final EnumSet<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
    private int firstKey;
    private int lastKey;
    private int keyStep = 1;
    private KeyExtractor keyExtractor;
    private String group = "generic";
    private String summary = "";
    private String since = "1.0.0";
    private List<String> aclCategories = List.of();
    private Command impl;
    private final List<Builder> subcommands = new ArrayList<>();

    private Builder(String name, int arity, String flagNames) {
      this.name = name;
      this.arity = arity;
      for (String f : flagNames.trim().split("\\s+")) {
        if (f.isEmpty()) {
          continue;
        }
        flags.add(CommandFlag.valueOf(f.toUpperCase().replace('-', '_')));
      }
    }

    /** Keys at fixed positions: first, last (-1 = last argument, -2 = second to last ...), step. */
    public Builder keys(int first, int last, int step) {
      this.firstKey = first;
      this.lastKey = last;
      this.keyStep = step;
      return this;
    }

    /** Keys found by a function (numkeys-style commands). */
    public Builder keys(KeyExtractor extractor) {
      this.keyExtractor = extractor;
      return this;
    }

    public Builder group(String value) {
      this.group = value;
      return this;
    }

    public Builder summary(String value) {
      this.summary = value;
      return this;
    }

    public Builder since(String value) {
      this.since = value;
      return this;
    }

    public Builder acl(String... categories) {
      this.aclCategories = List.of(categories);
      return this;
    }

    public Builder impl(Command value) {
      this.impl = value;
      return this;
    }

    /**
     * Adds subcommands to a container. Each is built from its own builder with its short name
     * ({@code builder("list", -2, "admin")}) and becomes {@code container|list}. A container
     * needs no {@link #impl}: it dispatches to its subcommands.
     */
    public Builder subcommands(Builder... subs) {
      subcommands.addAll(List.of(subs));
      return this;
    }

    public CommandSpec build() {
      return new CommandSpec(this, name);
    }
  }
}
