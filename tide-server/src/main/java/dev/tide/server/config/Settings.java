package dev.tide.server.config;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.Glob;
import dev.tide.engine.keyspace.EvictionPolicy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Every setting a node understands, typed, in one place (the Ratis habit): the config file, the
 * command line and CONFIG GET/SET all go through this table, so a setting is parsed and checked
 * the same way wherever it comes from.
 *
 * <p>Names, value formats, ranges and reason texts are Redis 7.0's where the setting is Redis's;
 * where Tide's own limits are narrower (maxmemory-samples) the range says so in the same words.
 * Settings that only Tide has ({@code shards}, {@code metrics-port}, {@code capacity-ops}) are fixed at start-up.
 */
public final class Settings {

  /** Redis's smallest {@code proto-max-bulk-len} and {@code client-query-buffer-limit}: 1 MB. */
  static final long MIN_PROTOCOL_LIMIT_BYTES = 1024L * 1024;
  /** Tide's largest {@code maxmemory-samples}: eviction keeps a sample pool of this size. */
  static final int MAX_MAXMEMORY_SAMPLES = 64;
  /** Redis clamps {@code hz} into 1..500 (CONFIG_MIN_HZ, CONFIG_MAX_HZ). */
  public static final int MIN_HZ = 1;
  public static final int MAX_HZ = 500;
  /** Tide's largest {@code maxclients}: each client costs a channel and buffers. */
  static final int MAX_CLIENTS_LIMIT = 1_000_000;

  /** Redis's order in its "must be one of" message for {@code maxmemory-policy}. */
  private static final List<EvictionPolicy> POLICY_ORDER = List.of(EvictionPolicy.VOLATILE_LRU,
      EvictionPolicy.VOLATILE_LFU, EvictionPolicy.VOLATILE_RANDOM, EvictionPolicy.VOLATILE_TTL,
      EvictionPolicy.ALLKEYS_LRU, EvictionPolicy.ALLKEYS_LFU, EvictionPolicy.ALLKEYS_RANDOM,
      EvictionPolicy.NOEVICTION);

  private static final List<Setting<?>> ALL = build();

  private Settings() {
  }

  /** All settings, in a stable order. */
  public static List<Setting<?>> all() {
    return ALL;
  }

  /** The setting with this name or alias, in any case, or null. */
  public static Setting<?> lookup(String name) {
    for (Setting<?> s : ALL) {
      if (s.isNamed(name)) {
        return s;
      }
    }
    return null;
  }

  /** True when {@code pattern} has glob characters (CONFIG GET then matches names and aliases). */
  public static boolean isGlob(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }

  /** One name CONFIG GET reports and the setting it shows. */
  public record Match(String reportedName, Setting<?> setting) {
  }

  /**
   * The names a CONFIG GET pattern selects. A plain name selects its setting and is reported as
   * given; a glob selects, case-insensitively, every name and alias it matches.
   */
  public static List<Match> matching(String pattern) {
    if (!isGlob(pattern)) {
      Setting<?> s = lookup(pattern);
      return s == null ? List.of() : List.of(new Match(pattern, s));
    }
    byte[] p = pattern.getBytes(StandardCharsets.UTF_8);
    List<Match> out = new ArrayList<>();
    for (Setting<?> s : ALL) {
      if (Glob.matches(p, s.name().getBytes(StandardCharsets.UTF_8), true)) {
        out.add(new Match(s.name(), s));
      }
      for (String alias : s.aliases()) {
        if (Glob.matches(p, alias.getBytes(StandardCharsets.UTF_8), true)) {
          out.add(new Match(alias, s));
        }
      }
    }
    return out;
  }

  // ---- the table ---------------------------------------------------------------------------------

  private static List<Setting<?>> build() {
    List<Setting<?>> s = new ArrayList<>();
    s.add(integer("port", false, c -> c.port, (c, v) -> c.port = v, 0, 65535));
    s.add(new Setting<String>("bind", List.of(), false, c -> c.bind, (t, c) -> {
      String first = t.strip().split("\\s+")[0];
      if (first.isEmpty()) {
        throw new ConfigException("argument must be an address such as 127.0.0.1");
      }
      return first;
    }, (c, v) -> c.bind = v));
    s.add(integer("metrics-port", false, c -> c.metricsPort, (c, v) -> c.metricsPort = v, 0, 65535));
    s.add(integer("capacity-ops", false, c -> c.capacityOps, (c, v) -> c.capacityOps = v, 0,
        dev.tide.server.capacity.EmulatedCapacity.MAX_CAPACITY_OPS));
    s.add(integer("shards", false, c -> c.shards, (c, v) -> c.shards = v, 1, 16384));
    s.add(integer("io-threads", false, c -> c.ioThreads, (c, v) -> c.ioThreads = v, 0, 256));
    s.add(readOnly("databases", c -> "1"));
    s.add(integer("maxclients", true, c -> c.maxClients, (c, v) -> c.maxClients = v, 1, MAX_CLIENTS_LIMIT));
    s.add(integer("timeout", true, c -> c.idleTimeoutSeconds, (c, v) -> c.idleTimeoutSeconds = v, 0, Integer.MAX_VALUE));
    s.add(new Setting<Integer>("hz", List.of(), true, c -> Integer.toString(c.hz), (t, c) -> {
      int v = (int) parseInteger(t, 0, Integer.MAX_VALUE);
      return Math.max(MIN_HZ, Math.min(MAX_HZ, v)); // Redis accepts any and clamps
    }, (c, v) -> c.hz = v));
    s.add(new Setting<String>("requirepass", List.of(), true, c -> c.requirePass == null ? "" : c.requirePass,
        (t, c) -> t, (c, v) -> c.requirePass = v.isEmpty() ? null : v));
    s.add(memory("maxmemory", c -> c.maxmemoryBytes, (c, v) -> c.maxmemoryBytes = v, 0));
    s.add(new Setting<EvictionPolicy>("maxmemory-policy", List.of(), true, c -> c.maxmemoryPolicy.configName(),
        (t, c) -> policy(t), (c, v) -> c.maxmemoryPolicy = v));
    s.add(integer("maxmemory-samples", true, c -> c.maxmemorySamples, (c, v) -> c.maxmemorySamples = v, 1,
        MAX_MAXMEMORY_SAMPLES));
    s.add(integer("lfu-log-factor", true, c -> c.lfuLogFactor, (c, v) -> c.lfuLogFactor = v, 0, Integer.MAX_VALUE));
    s.add(integer("lfu-decay-time", true, c -> c.lfuDecayTime, (c, v) -> c.lfuDecayTime = v, 0, Integer.MAX_VALUE));
    s.add(memory("proto-max-bulk-len", c -> c.protoMaxBulkLen, (c, v) -> c.protoMaxBulkLen = v,
        MIN_PROTOCOL_LIMIT_BYTES));
    s.add(memory("client-query-buffer-limit", c -> c.clientQueryBufferLimit, (c, v) -> c.clientQueryBufferLimit = v,
        MIN_PROTOCOL_LIMIT_BYTES));
    s.add(new Setting<OutputLimits>("client-output-buffer-limit", List.of(), true, Settings::showOutputLimits,
        Settings::parseOutputLimits, (c, v) -> v.storeInto(c)));
    // Encoding thresholds: counts are Redis size_t settings (0..LONG_MAX), byte sizes memory settings.
    s.add(count("hash-max-listpack-entries", "hash-max-ziplist-entries", c -> c.hashMaxListpackEntries,
        (c, v) -> c.hashMaxListpackEntries = v));
    s.add(memory("hash-max-listpack-value", "hash-max-ziplist-value", c -> c.hashMaxListpackValue,
        (c, v) -> c.hashMaxListpackValue = v, 0));
    s.add(count("set-max-intset-entries", null, c -> c.setMaxIntsetEntries, (c, v) -> c.setMaxIntsetEntries = v));
    s.add(count("zset-max-listpack-entries", "zset-max-ziplist-entries", c -> c.zsetMaxListpackEntries,
        (c, v) -> c.zsetMaxListpackEntries = v));
    s.add(memory("zset-max-listpack-value", "zset-max-ziplist-value", c -> c.zsetMaxListpackValue,
        (c, v) -> c.zsetMaxListpackValue = v, 0));
    return Collections.unmodifiableList(s);
  }

  // ---- kinds of settings -------------------------------------------------------------------------

  private static Setting<Integer> integer(String name, boolean mutable, ToIntFunction<ServerConfig> get,
                                          ObjIntConsumer<ServerConfig> set, int min, int max) {
    return new Setting<>(name, List.of(), mutable, c -> Integer.toString(get.applyAsInt(c)),
        (t, c) -> (int) parseInteger(t, min, max), set::accept);
  }

  /** A count threshold: mutable, 0..LONG_MAX, with an optional pre-7.0 alias. */
  private static Setting<Long> count(String name, String alias, ToLongFunction<ServerConfig> get,
                                     ObjLongConsumer<ServerConfig> set) {
    return new Setting<>(name, alias == null ? List.of() : List.of(alias), true,
        c -> Long.toString(get.applyAsLong(c)), (t, c) -> parseInteger(t, 0, Long.MAX_VALUE), set::accept);
  }

  private static Setting<Long> memory(String name, ToLongFunction<ServerConfig> get, ObjLongConsumer<ServerConfig> set,
                                      long min) {
    return memory(name, null, get, set, min);
  }

  private static Setting<Long> memory(String name, String alias, ToLongFunction<ServerConfig> get,
                                      ObjLongConsumer<ServerConfig> set, long min) {
    return new Setting<>(name, alias == null ? List.of() : List.of(alias), true, c -> Long.toString(get.applyAsLong(c)), (t, c) -> {
      long v = parseMemory(t);
      if (v < min) {
        throw new ConfigException("argument must be between " + min + " and " + Long.MAX_VALUE + " inclusive");
      }
      return v;
    }, set::accept);
  }

  private static Setting<String> readOnly(String name, Function<ServerConfig, String> get) {
    return new Setting<>(name, List.of(), false, get, (t, c) -> {
      throw new ConfigException("can't set immutable config");
    }, (c, v) -> { });
  }

  // ---- value parsers (Redis 7 reason texts) ------------------------------------------------------

  /** An integer as Redis's {@code string2ll} accepts it (no spaces, '+' or leading zeros), within range. */
  static long parseInteger(String text, long min, long max) {
    long[] out = new long[1];
    if (!Args.tryParseLong(text.getBytes(StandardCharsets.UTF_8), out)) {
      throw new ConfigException("argument couldn't be parsed into an integer");
    }
    if (out[0] < min || out[0] > max) {
      throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
    }
    return out[0];
  }

  /**
   * A memory amount as Redis's {@code memtoll} reads it: an integer followed by nothing, {@code b},
   * {@code k} (1000), {@code kb} (1024), {@code m}, {@code mb}, {@code g} or {@code gb}, in any case.
   */
  static long parseMemory(String text) {
    int unitStart = 0;
    while (unitStart < text.length() && (Character.isDigit(text.charAt(unitStart))
        || unitStart == 0 && text.charAt(0) == '-')) {
      unitStart++;
    }
    long multiplier = switch (text.substring(unitStart).toLowerCase(Locale.ROOT)) {
      case "", "b" -> 1;
      case "k" -> 1000;
      case "kb" -> 1024;
      case "m" -> 1000L * 1000;
      case "mb" -> 1024L * 1024;
      case "g" -> 1000L * 1000 * 1000;
      case "gb" -> 1024L * 1024 * 1024;
      default -> -1;
    };
    long[] out = new long[1];
    if (multiplier < 0 || !Args.tryParseLong(text.substring(0, unitStart).getBytes(StandardCharsets.US_ASCII), out)
        || out[0] < 0) {
      throw new ConfigException("argument must be a memory value");
    }
    try {
      return Math.multiplyExact(out[0], multiplier);
    } catch (ArithmeticException e) {
      throw new ConfigException("argument must be a memory value");
    }
  }

  static EvictionPolicy policy(String text) {
    EvictionPolicy p = EvictionPolicy.byName(text);
    if (p == null) {
      StringBuilder names = new StringBuilder();
      for (EvictionPolicy q : POLICY_ORDER) {
        names.append(names.isEmpty() ? "" : ", ").append(q.configName());
      }
      throw new ConfigException("argument(s) must be one of the following: " + names);
    }
    return p;
  }

  // ---- client-output-buffer-limit ----------------------------------------------------------------

  /** Limits of one client class: hard and soft bytes, and seconds over the soft limit allowed. */
  record ClassLimit(String clientClass, long hardBytes, long softBytes, int softSeconds) {
  }

  /** The classes one value of {@code client-output-buffer-limit} sets; classes not named keep their limits. */
  record OutputLimits(List<ClassLimit> classes) {
    void storeInto(ServerConfig c) {
      for (ClassLimit l : classes) {
        switch (l.clientClass()) {
          case "normal" -> {
            c.outputLimitNormalHard = l.hardBytes();
            c.outputLimitNormalSoft = l.softBytes();
            c.outputLimitNormalSoftSeconds = l.softSeconds();
          }
          case "pubsub" -> {
            c.outputLimitPubSubHard = l.hardBytes();
            c.outputLimitPubSubSoft = l.softBytes();
            c.outputLimitPubSubSoftSeconds = l.softSeconds();
          }
          default -> {
            c.outputLimitReplicaHard = l.hardBytes();
            c.outputLimitReplicaSoft = l.softBytes();
            c.outputLimitReplicaSoftSeconds = l.softSeconds();
          }
        }
      }
    }
  }

  private static OutputLimits parseOutputLimits(String text, ServerConfig current) {
    String[] p = text.strip().isEmpty() ? new String[0] : text.strip().split("\\s+");
    if (p.length == 0 || p.length % 4 != 0) {
      throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
    }
    List<ClassLimit> classes = new ArrayList<>();
    for (int i = 0; i < p.length; i += 4) {
      String clientClass = switch (p[i].toLowerCase(Locale.ROOT)) {
        case "normal" -> "normal";
        case "pubsub" -> "pubsub";
        case "replica", "slave" -> "replica"; // kept for compatibility; Tide has no Redis replicas
        default -> throw new ConfigException("Invalid client class specified in buffer limit configuration.");
      };
      long hard;
      long soft;
      long seconds;
      try {
        hard = parseMemory(p[i + 1]);
        soft = parseMemory(p[i + 2]);
        seconds = parseInteger(p[i + 3], 0, Integer.MAX_VALUE);
      } catch (ConfigException e) {
        throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      classes.add(new ClassLimit(clientClass, hard, soft, (int) seconds));
    }
    return new OutputLimits(classes);
  }

  /** Redis's CONFIG GET form: {@code normal H S T slave H S T pubsub H S T}. */
  private static String showOutputLimits(ServerConfig c) {
    return "normal " + c.outputLimitNormalHard + " " + c.outputLimitNormalSoft + " " + c.outputLimitNormalSoftSeconds
        + " slave " + c.outputLimitReplicaHard + " " + c.outputLimitReplicaSoft + " " + c.outputLimitReplicaSoftSeconds
        + " pubsub " + c.outputLimitPubSubHard + " " + c.outputLimitPubSubSoft + " " + c.outputLimitPubSubSoftSeconds;
  }
}
