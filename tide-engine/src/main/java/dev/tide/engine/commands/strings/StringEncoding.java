package dev.tide.engine.commands.strings;

import dev.tide.engine.command.Args;
import dev.tide.engine.dict.ByteDict;
import dev.tide.engine.keyspace.AccessTracker;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.EvictionPolicy;
import dev.tide.engine.keyspace.Keyspace;

/**
 * What OBJECT ENCODING and OBJECT REFCOUNT report for a string, as Redis 7.0 would.
 *
 * <p>Tide stores every string as a plain {@code byte[]}; Redis picks one of three encodings when
 * it stores a value through {@code tryObjectEncoding}: {@code int} for a canonical 64-bit integer
 * of at most 20 characters, {@code embstr} up to 44 bytes, {@code raw} beyond. Most commands go
 * through that path, so the encoding can be derived from the bytes. A few do not, and clients can
 * see it, so the command marks the key with one of these flags in the value-flag bits of the
 * key's dict node ({@link AccessTracker#ACCESS_BITS}); {@code Keyspace.set} clears the flags
 * whenever a value is replaced, so a stale mark cannot outlive its value:
 *
 * <ul>
 *   <li>{@link #RAW}: APPEND to an existing key and SETRANGE leave a raw string in Redis, even a
 *       short one;</li>
 *   <li>{@link #NO_INT}: INCRBYFLOAT stores its result without trying the int encoding
 *       ({@code embstr} up to 44 bytes, else raw);</li>
 *   <li>{@link #INT_UNSHARED}: COPY duplicates an int-encoded value into a private object, so its
 *       REFCOUNT is 1 even for a small integer that SET would have shared.</li>
 * </ul>
 */
public final class StringEncoding {

  /** Encoding follows from the bytes, as after SET. */
  public static final int DERIVED = 0;
  public static final int RAW = 1;
  public static final int NO_INT = 2;
  public static final int INT_UNSHARED = 3;

  /** Redis's {@code OBJ_ENCODING_EMBSTR_SIZE_LIMIT}. */
  public static final int EMBSTR_SIZE_LIMIT = 44;
  /** Redis shares integer objects 0 .. 9999 ({@code OBJ_SHARED_INTEGERS}). */
  public static final int SHARED_INTEGERS = 10_000;
  /** The REFCOUNT Redis reports for shared objects ({@code OBJ_SHARED_REFCOUNT}, INT_MAX). */
  public static final int SHARED_REFCOUNT = Integer.MAX_VALUE;

  private static final int MASK = 0x3;

  private StringEncoding() {
  }

  public static int flags(ByteDict.Node<?> node) {
    return (node.meta >>> AccessTracker.VALUE_FLAGS_SHIFT) & MASK;
  }

  /** Marks how the string now stored at {@code key} was produced. The key must exist. */
  public static void mark(Keyspace ks, byte[] key, int flag) {
    ByteDict.Node<Object> node = ks.node(key);
    node.meta = (node.meta & ~(MASK << AccessTracker.VALUE_FLAGS_SHIFT)) | (flag << AccessTracker.VALUE_FLAGS_SHIFT);
  }

  public static String encoding(byte[] value, int flags) {
    return switch (flags) {
      case RAW -> "raw";
      case NO_INT -> value.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
      default -> Args.isCanonicalLong(value) ? "int" : value.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
    };
  }

  /** The flag a copy of this string gets (COPY): int-encoded values stop being shared. */
  public static int flagsForCopy(byte[] value, int flags) {
    if (flags == DERIVED && Args.isCanonicalLong(value)) {
      return INT_UNSHARED;
    }
    return flags;
  }

  /** OBJECT REFCOUNT of a string: shared small integers report INT_MAX, everything else 1. */
  public static int refcount(byte[] value, int flags, EngineConfig config) {
    if (flags != DERIVED || !sharedIntegersAllowed(config)) {
      return 1;
    }
    long[] out = new long[1];
    if (value.length <= 20 && Args.tryParseLong(value, out) && out[0] >= 0 && out[0] < SHARED_INTEGERS) {
      return SHARED_REFCOUNT;
    }
    return 1;
  }

  /** Redis does not share integers under an LRU or LFU policy with a memory limit (each needs its own access data). */
  private static boolean sharedIntegersAllowed(EngineConfig config) {
    EvictionPolicy p = config.maxmemoryPolicy;
    boolean lruOrLfu = p == EvictionPolicy.ALLKEYS_LRU || p == EvictionPolicy.VOLATILE_LRU || p.isLfu();
    return config.maxmemoryBytes == 0 || !lruOrLfu;
  }
}
