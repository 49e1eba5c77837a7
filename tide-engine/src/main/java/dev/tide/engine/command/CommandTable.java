package dev.tide.engine.command;

import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** All commands a node understands, by lower-case name. Filled at start-up, then read-only. */
public final class CommandTable {

  private final Map<String, CommandSpec> byName = new ConcurrentHashMap<>();
  /**
   * Open-addressing index over the lower-case name bytes, for {@link #lookup(byte[])} on the hot
   * path: no String, no char[] per request. Rebuilt on every registration (start-up only) and
   * published through a volatile field.
   */
  private volatile Index index = new Index(new CommandSpec[0], new byte[0][]);

  private record Index(CommandSpec[] specs, byte[][] names) {
  }

  /** Longest command name we look up; longer requests cannot name a command. */
  private static final int MAX_NAME_BYTES = 32;

  public synchronized void register(CommandSpec spec) {
    if (byName.putIfAbsent(spec.name(), spec) != null) {
      throw new IllegalStateException("command registered twice: " + spec.name());
    }
    rebuildIndex();
  }

  private void rebuildIndex() {
    int capacity = Integer.highestOneBit(Math.max(16, byName.size() * 4 - 1)) << 1;
    CommandSpec[] specs = new CommandSpec[capacity];
    byte[][] names = new byte[capacity][];
    for (CommandSpec spec : byName.values()) {
      byte[] name = spec.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      int i = foldedHash(name) & (capacity - 1);
      while (specs[i] != null) {
        i = (i + 1) & (capacity - 1);
      }
      specs[i] = spec;
      names[i] = name;
    }
    index = new Index(specs, names);
  }

  /** FNV-1a over ASCII-lower-cased bytes. */
  private static int foldedHash(byte[] name) {
    int h = 0x811c9dc5;
    for (byte b : name) {
      int c = b & 0xff;
      h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) * 0x01000193;
    }
    return h ^ (h >>> 16);
  }

  public void register(CommandSpec.Builder builder) {
    register(builder.build());
  }

  /** The spec for a command name in any case, or null. */
  public CommandSpec lookup(byte[] name) {
    if (name.length > MAX_NAME_BYTES) {
      return null;
    }
    Index current = index;
    CommandSpec[] specs = current.specs();
    byte[][] names = current.names();
    if (specs.length == 0) {
      return null;
    }
    int mask = specs.length - 1;
    for (int i = foldedHash(name) & mask; specs[i] != null; i = (i + 1) & mask) {
      if (equalsFolded(names[i], name)) {
        return specs[i];
      }
    }
    return null;
  }

  /** {@code lower} is lower case; {@code any} matches it ignoring ASCII case. */
  private static boolean equalsFolded(byte[] lower, byte[] any) {
    if (lower.length != any.length) {
      return false;
    }
    for (int i = 0; i < lower.length; i++) {
      int c = any[i] & 0xff;
      if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lower[i]) {
        return false;
      }
    }
    return true;
  }

  public CommandSpec lookup(String name) {
    return byName.get(name.toLowerCase(Locale.ROOT));
  }

  public int size() {
    return byName.size();
  }

  /** All specs, sorted by name. */
  public Collection<CommandSpec> all() {
    return Collections.unmodifiableCollection(new TreeMap<>(byName).values());
  }
}
