package dev.tide.engine.types;

/**
 * Base of every non-string value (hash, list, set, sorted set).
 *
 * <p>Each collection keeps an estimate of its own heap footprint, updated as it changes, so the
 * keyspace can account memory in O(1) per write. {@link #accountedBytes} is the figure the
 * keyspace last added to its total; {@code Keyspace.modified} moves the total by the difference.
 */
public abstract class CollectionValue {

  /** What the keyspace currently counts for this value; owned by the keyspace. */
  public long accountedBytes;

  public abstract ValueType type();

  /** The encoding name OBJECT ENCODING reports, as Redis 7.0 would (listpack, hashtable, ...). */
  public abstract String encoding();

  /** Estimated heap bytes held by this value, including its elements. */
  public abstract long memoryBytes();

  /** Number of elements (fields, members, list items). */
  public abstract int size();

  /**
   * A deep copy (COPY): changing either value afterwards must not change the other. Element
   * byte arrays may be shared, since Tide never changes a byte array once stored. Every type
   * overrides this; the default exists only so types can be written independently.
   */
  public CollectionValue copy() {
    throw new UnsupportedOperationException(type().redisName() + " values do not implement copy() yet");
  }
}
