package dev.tide.engine.keyspace;

/** Redis's {@code maxmemory-policy} values. */
public enum EvictionPolicy {
  NOEVICTION("noeviction"),
  ALLKEYS_LRU("allkeys-lru"),
  ALLKEYS_LFU("allkeys-lfu"),
  ALLKEYS_RANDOM("allkeys-random"),
  VOLATILE_LRU("volatile-lru"),
  VOLATILE_LFU("volatile-lfu"),
  VOLATILE_RANDOM("volatile-random"),
  VOLATILE_TTL("volatile-ttl");

  private final String configName;

  EvictionPolicy(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public boolean isLfu() {
    return this == ALLKEYS_LFU || this == VOLATILE_LFU;
  }

  public boolean volatileOnly() {
    return name().startsWith("VOLATILE");
  }

  /** The policy with this config name, or null. */
  public static EvictionPolicy byName(String name) {
    for (EvictionPolicy p : values()) {
      if (p.configName.equalsIgnoreCase(name)) {
        return p;
      }
    }
    return null;
  }

  public static String allNames() {
    StringBuilder sb = new StringBuilder();
    for (EvictionPolicy p : values()) {
      sb.append(sb.isEmpty() ? "" : "|").append(p.configName);
    }
    return sb.toString();
  }
}
