package dev.tide.engine.types;

/** The five Redis data types Tide stores, with the names TYPE and SCAN TYPE use. */
public enum ValueType {
  STRING("string"),
  LIST("list"),
  SET("set"),
  ZSET("zset"),
  HASH("hash");

  private final String redisName;

  ValueType(String redisName) {
    this.redisName = redisName;
  }

  public String redisName() {
    return redisName;
  }

  /** The type of a stored value: strings are {@code byte[]}, the rest {@link CollectionValue}s. */
  public static ValueType of(Object value) {
    return value instanceof byte[] ? STRING : ((CollectionValue) value).type();
  }

  public static ValueType byName(String name) {
    for (ValueType t : values()) {
      if (t.redisName.equalsIgnoreCase(name)) {
        return t;
      }
    }
    return null;
  }
}
