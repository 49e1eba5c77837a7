package dev.tide.server.config;

import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One named setting of a node, as the config file, the command line and CONFIG GET/SET name it:
 * how to show its value, how to parse and check a new one, where to store it, and whether it may
 * change while the node runs.
 *
 * <p>Parsing is separate from storing so that CONFIG SET can check every value of a request before
 * changing anything (Redis applies one CONFIG SET all or nothing). A parse failure throws
 * {@link ConfigException} whose message is Redis 7's reason text ({@code "argument must be a memory
 * value"}), which CONFIG SET wraps in Redis's error line and the config file loader prefixes with
 * the setting's name.
 *
 * @param <T> the parsed form of a value
 */
public final class Setting<T> {

  /** Parses and checks text; throws {@link ConfigException} with Redis's reason text. */
  @FunctionalInterface
  public interface Parser<T> {
    /**
     * @param text the new value as given
     * @param current the settings as they are now (some values update part of a setting)
     */
    T parse(String text, ServerConfig current);
  }

  private final String name;
  private final List<String> aliases;
  private final boolean mutable;
  private final Function<ServerConfig, String> show;
  private final Parser<T> parser;
  private final BiConsumer<ServerConfig, T> store;

  Setting(String name, List<String> aliases, boolean mutable, Function<ServerConfig, String> show, Parser<T> parser,
          BiConsumer<ServerConfig, T> store) {
    this.name = name;
    this.aliases = List.copyOf(aliases);
    this.mutable = mutable;
    this.show = show;
    this.parser = parser;
    this.store = store;
  }

  /** The canonical (Redis 7) name, lower case. */
  public String name() {
    return name;
  }

  /** Older names that mean the same setting ({@code hash-max-ziplist-entries}). */
  public List<String> aliases() {
    return aliases;
  }

  /** True when CONFIG SET may change it on a running node. */
  public boolean mutable() {
    return mutable;
  }

  /** True when {@code candidate} is this setting's name or an alias, in any case. */
  public boolean isNamed(String candidate) {
    String lower = candidate.toLowerCase(Locale.ROOT);
    return name.equals(lower) || aliases.contains(lower);
  }

  /** The value as CONFIG GET shows it. */
  public String show(ServerConfig config) {
    return show.apply(config);
  }

  /**
   * Parses and checks {@code text} without changing anything; the returned action stores it.
   *
   * @throws ConfigException with Redis's reason text when the value is not acceptable
   */
  public Runnable prepare(ServerConfig config, String text) {
    T value = parser.parse(text, config);
    return () -> store.accept(config, value);
  }

  /** Parses, checks and stores {@code text}. */
  public void apply(ServerConfig config, String text) {
    prepare(config, text).run();
  }

  @Override
  public String toString() {
    return name;
  }
}
