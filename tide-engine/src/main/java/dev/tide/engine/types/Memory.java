package dev.tide.engine.types;

import java.lang.management.ManagementFactory;

/**
 * Heap-size estimates used for memory accounting ({@code used_memory}, eviction).
 *
 * <p>The sizes depend on how the running JVM lays out objects, so they are read from the VM at
 * start-up rather than assumed: generational ZGC has no compressed oops (8-byte references),
 * G1 below 32 GB heaps has them (4 bytes), and JDK 24+ with {@code -XX:+UseCompactObjectHeaders}
 * has 8-byte object headers instead of 12. A fixed "compressed oops" table under ZGC undercounts
 * every dict node by a fifth, and every boxed {@code Long} by a third.
 *
 * <p>The resulting estimates are checked against real heap growth by {@code MemoryAccountingTest}
 * in tide-engine (load keys, {@code System.gc()}, compare), for G1, ZGC and compact headers;
 * {@code docs/memory.md} records the measured ratios.
 */
public final class Memory {

  /** 8-byte references (true under G1/Parallel/Serial with heaps below 32 GB; false under ZGC). */
  public static final boolean COMPRESSED_OOPS = vmFlag("UseCompressedOops", true);
  /** JDK 24+ compact object headers (JEP 450/519): 8-byte headers. */
  public static final boolean COMPACT_HEADERS = vmFlag("UseCompactObjectHeaders", false);
  private static final boolean COMPRESSED_CLASS_POINTERS = vmFlag("UseCompressedClassPointers", true);
  /** Object alignment in bytes ({@code -XX:ObjectAlignmentInBytes}, default 8). */
  public static final int ALIGNMENT = vmIntFlag("ObjectAlignmentInBytes", 8);

  /** Header of a plain object: mark word plus (compressed) class pointer. */
  public static final int OBJECT_HEADER = COMPACT_HEADERS ? 8 : COMPRESSED_CLASS_POINTERS ? 12 : 16;
  /** Header of an array: the object header plus the 4-byte length (data starts right after). */
  public static final int ARRAY_HEADER = OBJECT_HEADER + 4;
  /** One reference field or array slot. */
  public static final int REFERENCE = COMPRESSED_OOPS ? 4 : 8;
  /** A {@link dev.tide.engine.dict.ByteDict.Node}: header, key, value, next (references), meta (int). */
  public static final int DICT_NODE = object(3 * REFERENCE + 4);
  /** A boxed {@code Long} (an expiry time in the expires dict). */
  public static final int BOXED_LONG = object(8);

  private Memory() {
  }

  public static long align(long bytes) {
    return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
  }

  /** Heap bytes of a plain object with this many bytes of fields. */
  public static int object(int fieldBytes) {
    return (int) align(OBJECT_HEADER + fieldBytes);
  }

  /** Heap bytes of an array of {@code length} references. */
  public static long referenceArray(int length) {
    return align(ARRAY_HEADER + (long) length * REFERENCE);
  }

  /** Heap bytes of a {@code byte[]} of this length. */
  public static long bytes(int length) {
    return align(ARRAY_HEADER + (long) length);
  }

  /** Heap bytes of a string value or key. */
  public static long bytes(byte[] value) {
    return bytes(value.length);
  }

  /** A one-line description of the layout in use, for logs and docs. */
  public static String layout() {
    return "references " + REFERENCE + " B, object header " + OBJECT_HEADER + " B, array header " + ARRAY_HEADER
        + " B, alignment " + ALIGNMENT + " B, dict node " + DICT_NODE + " B";
  }

  private static boolean vmFlag(String name, boolean fallback) {
    String v = vmOption(name);
    return v == null ? fallback : Boolean.parseBoolean(v);
  }

  private static int vmIntFlag(String name, int fallback) {
    String v = vmOption(name);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** A HotSpot flag's value, or null when the VM is not HotSpot or the flag does not exist. */
  private static String vmOption(String name) {
    try {
      var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return bean == null ? null : bean.getVMOption(name).getValue();
    } catch (RuntimeException | LinkageError e) {
      return null; // not HotSpot, or a flag this JDK does not have (e.g. compact headers before 24)
    }
  }
}
