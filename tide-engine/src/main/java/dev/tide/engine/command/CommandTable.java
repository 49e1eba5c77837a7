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

  public void register(CommandSpec spec) {
    if (byName.putIfAbsent(spec.name(), spec) != null) {
      throw new IllegalStateException("command registered twice: " + spec.name());
    }
  }

  public void register(CommandSpec.Builder builder) {
    register(builder.build());
  }

  /** The spec for a command name in any case, or null. */
  public CommandSpec lookup(byte[] name) {
    if (name.length > 32) {
      return null;
    }
    char[] chars = new char[name.length];
    for (int i = 0; i < name.length; i++) {
      int c = name[i] & 0xff;
      chars[i] = (char) (c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return byName.get(new String(chars));
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
