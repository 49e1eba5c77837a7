package dev.tide.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Where a command writes its answer. Implementations encode for the client's protocol version;
 * a command writes RESP3 shapes ({@link #map}, {@link #set}, {@link #doubleValue}) and a RESP2
 * client receives Redis's RESP2 equivalents.
 *
 * <p>Aggregates are written as a header with the element count followed by the elements, so a
 * command must know its count before it starts; collect first when it does not.
 */
public interface Reply {

  /** RESP2 or RESP3, as negotiated by HELLO. */
  int protocol();

  /** A simple string: {@code +OK}. */
  void simple(String text);

  /**
   * An error. {@code text} starts with the error code, e.g. {@code "ERR syntax error"} or
   * {@code "WRONGTYPE Operation against a key holding the wrong kind of value"}.
   */
  void error(String text);

  void integer(long value);

  void bulk(byte[] value, int offset, int length);

  default void bulk(byte[] value) {
    bulk(value, 0, value.length);
  }

  default void bulk(String value) {
    bulk(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The null bulk string: RESP2 {@code $-1}, RESP3 {@code _}. */
  void nullBulk();

  /** The null array: RESP2 {@code *-1}, RESP3 {@code _}. */
  void nullArray();

  /** Header of an array of {@code count} elements. */
  void array(int count);

  /** Header of a map of {@code count} key-value pairs (RESP2: an array of 2×count). */
  void map(int count);

  /** Header of a set of {@code count} members (RESP2: an array). */
  void set(int count);

  /** Header of an out-of-band push message (RESP2: an array). */
  void push(int count);

  /** A double (RESP2: a bulk string), formatted as Redis 7.0 does ({@code %.17g}). */
  void doubleValue(double value);

  /** A boolean (RESP2: the integer 1 or 0). */
  void bool(boolean value);

  /** A verbatim string such as INFO's text (RESP2: a bulk string). */
  void verbatim(String format, String text);

  default void ok() {
    simple("OK");
  }
}
