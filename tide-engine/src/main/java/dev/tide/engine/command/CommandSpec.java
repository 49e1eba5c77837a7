package dev.tide.engine.command;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the dispatcher needs to know about a command before running it: arity (Redis
 * convention: positive = exact argument count including the name, negative = at least), flags,
 * where its keys are (first, last, step; last -1 = the last argument), and its implementation.
 * COMMAND INFO and COMMAND DOCS are generated from these.
 */
public final class CommandSpec {

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

  private CommandSpec(Builder b) {
    this.name = b.name;
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
    this.impl = b.impl;
    if (impl == null) {
      throw new IllegalStateException("command " + name + " has no implementation");
    }
    if (flags.contains(CommandFlag.WRITE) == flags.contains(CommandFlag.READONLY)
        && (firstKey > 0 || keyExtractor != null)) {
      throw new IllegalStateException("command " + name + " with keys must be exactly one of write or readonly");
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

    public CommandSpec build() {
      return new CommandSpec(this);
    }
  }
}
