package dev.tide.server.config;

import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.protocol.ProtocolLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Settings of one node, gathered from defaults, a config file and command-line options, and
 * checked once by {@link #conclude()} before the server starts (the Aeron {@code Context} habit):
 * a bad value stops start-up with a message that names the setting.
 *
 * <p>The config file uses Redis's format: one {@code name value} per line, {@code #} comments.
 * Names, formats and checks of each setting are defined once, in {@link Settings}; CONFIG SET
 * changes the mutable ones on a running node.
 */
public final class ServerConfig {

  /** Redis's default port. */
  public static final int DEFAULT_PORT = 6379;
  /** Redis's default {@code maxclients}. */
  public static final int DEFAULT_MAX_CLIENTS = 10_000;
  /** Active expiry and other housekeeping run this many times per second (Redis's {@code hz}). */
  public static final int DEFAULT_HZ = 10;
  /** The engine's own defaults, so the encoding thresholds have one source. */
  private static final EngineConfig ENGINE_DEFAULTS = new EngineConfig();

  public int port = DEFAULT_PORT;
  public String bind = "127.0.0.1";
  // Fields CONFIG SET may change while the node runs are volatile: other threads read them.
  public volatile long maxmemoryBytes;
  public volatile EvictionPolicy maxmemoryPolicy = EvictionPolicy.NOEVICTION;
  public volatile int maxmemorySamples = EngineConfig.DEFAULT_MAXMEMORY_SAMPLES;
  public volatile String requirePass;
  /** 0 = no metrics endpoint. */
  public int metricsPort;
  /** Lab feature: emulated capacity in commands per second (token bucket), 0 = unlimited. */
  public int capacityOps;
  public volatile int maxClients = DEFAULT_MAX_CLIENTS;
  public int shards = Database.DEFAULT_SHARDS;
  /** Netty event loops serving clients; 0 = one per core but one (at least one). */
  public int ioThreads;
  public volatile int hz = DEFAULT_HZ;
  public volatile long protoMaxBulkLen = ProtocolLimits.DEFAULT_MAX_BULK_BYTES;
  public volatile long clientQueryBufferLimit = ProtocolLimits.DEFAULT_MAX_QUERY_BUFFER_BYTES;
  /** client-output-buffer-limit for normal clients: hard, soft bytes and soft seconds (0 = none). */
  public volatile long outputLimitNormalHard;
  public volatile long outputLimitNormalSoft;
  public volatile int outputLimitNormalSoftSeconds;
  /** client-output-buffer-limit for pub/sub clients (Redis default: 32mb 8mb 60). */
  public volatile long outputLimitPubSubHard = 32L * 1024 * 1024;
  public volatile long outputLimitPubSubSoft = 8L * 1024 * 1024;
  public volatile int outputLimitPubSubSoftSeconds = 60;
  /**
   * client-output-buffer-limit for Redis replicas (Redis default: 256mb 64mb 60). Tide has no Redis
   * replicas; the value is kept so CONFIG GET shows what was set, as Redis does.
   */
  public volatile long outputLimitReplicaHard = 256L * 1024 * 1024;
  public volatile long outputLimitReplicaSoft = 64L * 1024 * 1024;
  public volatile int outputLimitReplicaSoftSeconds = 60;
  /** Close idle clients after this many seconds (0 = never), Redis's {@code timeout}. */
  public volatile int idleTimeoutSeconds;
  // Engine settings; the server copies them into its EngineConfig (see TideServer#applySettings).
  public volatile int lfuLogFactor = EngineConfig.DEFAULT_LFU_LOG_FACTOR;
  public volatile int lfuDecayTime = EngineConfig.DEFAULT_LFU_DECAY_TIME;
  public volatile long hashMaxListpackEntries = ENGINE_DEFAULTS.hashMaxListpackEntries;
  public volatile long hashMaxListpackValue = ENGINE_DEFAULTS.hashMaxListpackValue;
  public volatile long setMaxIntsetEntries = ENGINE_DEFAULTS.setMaxIntsetEntries;
  public volatile long zsetMaxListpackEntries = ENGINE_DEFAULTS.zsetMaxListpackEntries;
  public volatile long zsetMaxListpackValue = ENGINE_DEFAULTS.zsetMaxListpackValue;

  /** Reads a Redis-style config file into this object. */
  public ServerConfig loadFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    int lineNo = 0;
    for (String raw : lines) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      String value = parts.length > 1 ? unquote(parts[1].strip()) : "";
      try {
        set(parts[0], value);
      } catch (ConfigException e) {
        throw new ConfigException(file + ":" + lineNo + ": " + e.getMessage());
      }
    }
    return this;
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  /**
   * Sets one setting by its Redis name (or alias), checked as {@link Settings} defines it.
   *
   * @throws ConfigException naming the setting when the name is unknown or the value is not acceptable
   */
  public void set(String name, String value) {
    Setting<?> setting = Settings.lookup(name);
    if (setting == null) {
      throw new ConfigException("unknown setting '" + name + "'");
    }
    try {
      setting.apply(this, value);
    } catch (ConfigException e) {
      throw new ConfigException(setting.name() + " '" + value + "': " + e.getMessage());
    }
  }

  /** The value of a setting as CONFIG GET shows it, or null for an unknown name. */
  public String get(String name) {
    Setting<?> setting = Settings.lookup(name);
    return setting == null ? null : setting.show(this);
  }

  public static EvictionPolicy parsePolicy(String value) {
    EvictionPolicy p = EvictionPolicy.byName(value.trim());
    if (p == null) {
      throw new ConfigException("maxmemory-policy must be one of " + EvictionPolicy.allNames() + ", got '" + value + "'");
    }
    return p;
  }

  public ProtocolLimits protocolLimits() {
    return new ProtocolLimits(protoMaxBulkLen, ProtocolLimits.DEFAULT_MAX_MULTIBULK_LENGTH,
        ProtocolLimits.DEFAULT_MAX_INLINE_BYTES, Math.max(clientQueryBufferLimit, ProtocolLimits.DEFAULT_MAX_INLINE_BYTES));
  }

  /** Checks the settings together; throws {@link ConfigException} naming the first bad one. */
  public ServerConfig conclude() {
    if (metricsPort != 0 && metricsPort == port) {
      throw new ConfigException("metrics-port must differ from port (both " + port + ")");
    }
    if (bind == null || bind.isBlank()) {
      throw new ConfigException("bind must be an address such as 127.0.0.1");
    }
    if (protoMaxBulkLen < 1) {
      throw new ConfigException("proto-max-bulk-len must be at least 1");
    }
    if (clientQueryBufferLimit < 1024 * 1024) {
      throw new ConfigException("client-query-buffer-limit must be at least 1mb, got " + clientQueryBufferLimit);
    }
    if (protoMaxBulkLen > clientQueryBufferLimit) {
      throw new ConfigException("proto-max-bulk-len (" + protoMaxBulkLen
          + ") must not exceed client-query-buffer-limit (" + clientQueryBufferLimit + ")");
    }
    return this;
  }
}
