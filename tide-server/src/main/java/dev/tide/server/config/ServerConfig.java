package dev.tide.server.config;

import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.protocol.ProtocolLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Settings of one node, gathered from defaults, a config file and command-line options, and
 * checked once by {@link #conclude()} before the server starts (the Aeron {@code Context} habit):
 * a bad value stops start-up with a message that names the setting.
 *
 * <p>The config file uses Redis's format: one {@code name value} per line, {@code #} comments.
 */
public final class ServerConfig {

  /** Redis's default port. */
  public static final int DEFAULT_PORT = 6379;
  /** Redis's default {@code maxclients}. */
  public static final int DEFAULT_MAX_CLIENTS = 10_000;
  /** Active expiry and other housekeeping run this many times per second (Redis's {@code hz}). */
  public static final int DEFAULT_HZ = 10;

  public int port = DEFAULT_PORT;
  public String bind = "127.0.0.1";
  public long maxmemoryBytes;
  public EvictionPolicy maxmemoryPolicy = EvictionPolicy.NOEVICTION;
  public int maxmemorySamples = 5;
  public String requirePass;
  /** 0 = no metrics endpoint. */
  public int metricsPort;
  public int maxClients = DEFAULT_MAX_CLIENTS;
  public int shards = Database.DEFAULT_SHARDS;
  public int hz = DEFAULT_HZ;
  public long protoMaxBulkLen = ProtocolLimits.DEFAULT_MAX_BULK_BYTES;
  public long clientQueryBufferLimit = ProtocolLimits.DEFAULT_MAX_QUERY_BUFFER_BYTES;
  /** client-output-buffer-limit for normal clients: hard, soft bytes and soft seconds (0 = none). */
  public long outputLimitNormalHard;
  public long outputLimitNormalSoft;
  public int outputLimitNormalSoftSeconds;
  /** client-output-buffer-limit for pub/sub clients (Redis default: 32mb 8mb 60). */
  public long outputLimitPubSubHard = 32L * 1024 * 1024;
  public long outputLimitPubSubSoft = 8L * 1024 * 1024;
  public int outputLimitPubSubSoftSeconds = 60;
  /** Close idle clients after this many seconds (0 = never), Redis's {@code timeout}. */
  public int idleTimeoutSeconds;

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

  /** Sets one setting by its Redis name. */
  public void set(String name, String value) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "port" -> port = parseInt(name, value, 0, 65535);
      case "bind" -> bind = value.split("\\s+")[0];
      case "maxmemory" -> maxmemoryBytes = Sizes.parse(name, value);
      case "maxmemory-policy" -> maxmemoryPolicy = parsePolicy(value);
      case "maxmemory-samples" -> maxmemorySamples = parseInt(name, value, 1, 64);
      case "requirepass" -> requirePass = value.isEmpty() ? null : value;
      case "metrics-port" -> metricsPort = parseInt(name, value, 0, 65535);
      case "maxclients" -> maxClients = parseInt(name, value, 1, 1_000_000);
      case "shards" -> shards = parseInt(name, value, 1, 16384);
      case "hz" -> hz = parseInt(name, value, 1, 500);
      case "proto-max-bulk-len" -> protoMaxBulkLen = Sizes.parse(name, value);
      case "client-query-buffer-limit" -> clientQueryBufferLimit = Sizes.parse(name, value);
      case "timeout" -> idleTimeoutSeconds = parseInt(name, value, 0, Integer.MAX_VALUE);
      case "client-output-buffer-limit" -> parseOutputLimit(value);
      default -> throw new ConfigException("unknown setting '" + name + "'");
    }
  }

  private void parseOutputLimit(String value) {
    String[] p = value.trim().split("\\s+");
    if (p.length % 4 != 0 || p.length == 0) {
      throw new ConfigException("client-output-buffer-limit takes groups of '<class> <hard> <soft> <seconds>', got '"
          + value + "'");
    }
    for (int i = 0; i < p.length; i += 4) {
      long hard = Sizes.parse("client-output-buffer-limit", p[i + 1]);
      long soft = Sizes.parse("client-output-buffer-limit", p[i + 2]);
      int seconds = parseInt("client-output-buffer-limit", p[i + 3], 0, Integer.MAX_VALUE);
      switch (p[i].toLowerCase(Locale.ROOT)) {
        case "normal" -> {
          outputLimitNormalHard = hard;
          outputLimitNormalSoft = soft;
          outputLimitNormalSoftSeconds = seconds;
        }
        case "pubsub" -> {
          outputLimitPubSubHard = hard;
          outputLimitPubSubSoft = soft;
          outputLimitPubSubSoftSeconds = seconds;
        }
        case "replica", "slave" -> { } // accepted for compatibility; Tide has no Redis replicas
        default -> throw new ConfigException("client-output-buffer-limit class must be normal, pubsub or replica, got '"
            + p[i] + "'");
      }
    }
  }

  public static EvictionPolicy parsePolicy(String value) {
    EvictionPolicy p = EvictionPolicy.byName(value.trim());
    if (p == null) {
      throw new ConfigException("maxmemory-policy must be one of " + EvictionPolicy.allNames() + ", got '" + value + "'");
    }
    return p;
  }

  private static int parseInt(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be an integer, got '" + value + "'");
    }
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
