package dev.tide.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Encodes replies into a Netty buffer for a RESP2 or RESP3 client. */
public final class RespReplyWriter implements Reply {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RESP3_NULL = "_\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Pre-encoded {@code :n\r\n} for small integers, the most common integer replies. */
  private static final byte[][] SMALL_INTEGERS = new byte[128][];

  static {
    for (int i = 0; i < SMALL_INTEGERS.length; i++) {
      SMALL_INTEGERS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
  }

  private ByteBuf out;
  private int protocol;

  public RespReplyWriter(ByteBuf out, int protocol) {
    this.out = out;
    this.protocol = protocol;
  }

  /** Points this writer at another buffer, so one writer can serve a connection for its life. */
  public void reset(ByteBuf buffer, int protocolVersion) {
    this.out = buffer;
    this.protocol = protocolVersion;
  }

  public ByteBuf buffer() {
    return out;
  }

  @Override
  public int protocol() {
    return protocol;
  }

  @Override
  public void simple(String text) {
    if (text.equals("OK")) {
      out.writeBytes(OK);
      return;
    }
    out.writeByte('+');
    writeSanitized(text);
    out.writeBytes(CRLF);
  }

  @Override
  public void error(String text) {
    out.writeByte('-');
    writeSanitized(text);
    out.writeBytes(CRLF);
  }

  @Override
  public void integer(long value) {
    if (value >= 0 && value < SMALL_INTEGERS.length) {
      out.writeBytes(SMALL_INTEGERS[(int) value]);
      return;
    }
    header(':', value);
  }

  @Override
  public void bulk(byte[] value, int offset, int length) {
    header('$', length);
    out.writeBytes(value, offset, length);
    out.writeBytes(CRLF);
  }

  @Override
  public void nullBulk() {
    out.writeBytes(protocol >= 3 ? RESP3_NULL : NULL_BULK);
  }

  @Override
  public void nullArray() {
    out.writeBytes(protocol >= 3 ? RESP3_NULL : NULL_ARRAY);
  }

  @Override
  public void array(int count) {
    header('*', count);
  }

  @Override
  public void map(int count) {
    if (protocol >= 3) {
      header('%', count);
    } else {
      header('*', 2L * count);
    }
  }

  @Override
  public void set(int count) {
    header(protocol >= 3 ? '~' : '*', count);
  }

  @Override
  public void push(int count) {
    header(protocol >= 3 ? '>' : '*', count);
  }

  @Override
  public void doubleValue(double value) {
    String text = RespDoubles.format17g(value);
    if (protocol >= 3) {
      out.writeByte(',');
      out.writeCharSequence(text, StandardCharsets.US_ASCII);
      out.writeBytes(CRLF);
    } else {
      bulk(text.getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Override
  public void bool(boolean value) {
    if (protocol >= 3) {
      out.writeByte('#');
      out.writeByte(value ? 't' : 'f');
      out.writeBytes(CRLF);
    } else {
      integer(value ? 1 : 0);
    }
  }

  @Override
  public void verbatim(String format, String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    if (protocol >= 3) {
      header('=', body.length + 4L);
      out.writeCharSequence(format, StandardCharsets.US_ASCII);
      out.writeByte(':');
      out.writeBytes(body);
      out.writeBytes(CRLF);
    } else {
      bulk(body);
    }
  }

  private void header(char type, long n) {
    out.writeByte(type);
    writeLong(n);
    out.writeBytes(CRLF);
  }

  private void writeLong(long n) {
    if (n == Long.MIN_VALUE) {
      out.writeCharSequence("-9223372036854775808", StandardCharsets.US_ASCII);
      return;
    }
    if (n < 0) {
      out.writeByte('-');
      n = -n;
    }
    if (n < 10) {
      out.writeByte((int) ('0' + n));
      return;
    }
    int digits = 1;
    for (long t = n; t >= 10; t /= 10) {
      digits++;
    }
    int at = out.writerIndex() + digits;
    out.ensureWritable(digits);
    for (int i = 1; i <= digits; i++) {
      out.setByte(at - i, (int) ('0' + n % 10));
      n /= 10;
    }
    out.writerIndex(at);
  }

  /**
   * Simple strings and errors cannot carry CR or LF: Redis replaces them with spaces. The text is
   * written as UTF-8 (whole code points, so a surrogate pair stays one character); CR and LF bytes
   * never occur inside a multi-byte UTF-8 sequence, so replacing them afterwards is safe.
   */
  private void writeSanitized(String text) {
    int start = out.writerIndex();
    out.writeCharSequence(text, StandardCharsets.UTF_8);
    int end = out.writerIndex();
    for (int i = start; i < end; i++) {
      byte b = out.getByte(i);
      if (b == '\r' || b == '\n') {
        out.setByte(i, ' ');
      }
    }
  }
}
