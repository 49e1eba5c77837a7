package dev.tide.engine.types;

/**
 * Heap-size estimates used for memory accounting, for a 64-bit JVM with compressed oops
 * (12-byte object headers, 16-byte array headers, 8-byte alignment).
 */
public final class Memory {

  /** Header of a {@code byte[]}: mark word, compressed class pointer, length. */
  public static final int ARRAY_HEADER = 16;
  /** A {@link dev.tide.engine.dict.ByteDict.Node}: header, key, value, next, meta. */
  public static final int DICT_NODE = 32;
  /** One bucket slot of a dict table (a compressed reference). */
  public static final int REFERENCE = 4;
  /** A boxed {@code Long} expiry time. */
  public static final int BOXED_LONG = 16;

  private Memory() {
  }

  public static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  /** Heap bytes of a {@code byte[]} of this length. */
  public static long bytes(int length) {
    return align(ARRAY_HEADER + length);
  }

  /** Heap bytes of a string value or key. */
  public static long bytes(byte[] value) {
    return bytes(value.length);
  }
}
