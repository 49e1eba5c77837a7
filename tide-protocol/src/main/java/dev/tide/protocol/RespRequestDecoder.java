package dev.tide.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;

import java.util.Arrays;
import java.util.List;

/**
 * Decodes client requests (RESP multibulk or inline) into argument vectors ({@code byte[][]}).
 *
 * <p>An explicit state machine, one state per protocol phase, that never assumes a frame arrives
 * whole: every state returns and waits for more bytes when its input is incomplete, and resumes
 * where it stopped. Every declared length is checked against {@link ProtocolLimits} before any
 * memory is set aside for it; an argument's bytes are copied out only once all of them have
 * arrived, so a peer that announces a huge bulk and stalls costs only what it actually sent.
 *
 * <p>On a violation the decoder emits a {@link ProtocolError} after the requests decoded before it
 * (so their replies come first), then discards all further input. The error texts are Redis 7's,
 * because clients and operators recognise them.
 */
public final class RespRequestDecoder extends ByteToMessageDecoder {

  private enum State {
    /** Between requests: the next byte says multibulk ({@code *}) or inline. */
    START,
    /** Reading the {@code *<count>\r\n} line. */
    MULTIBULK_COUNT,
    /** Reading a {@code $<length>\r\n} line. */
    BULK_LENGTH,
    /** Waiting for {@code length} bytes of an argument and its CRLF. */
    BULK_DATA,
    /** Reading an inline request up to its newline. */
    INLINE,
    /** A protocol error was reported; everything else from this client is dropped. */
    DISCARD
  }

  /** Arguments allocated up front at most, however many the request declares (Redis: 1024). */
  private static final int MAX_PREALLOCATED_ARGS = 1024;

  private final ProtocolLimits limits;
  private volatile boolean authenticated;

  private State state = State.START;
  private byte[][] argv;
  private int argc;
  private int expectedArgs;
  private int bulkLength;
  /** Bytes of the current request already copied into {@link #argv}: counts toward the query buffer. */
  private long requestBytes;

  /**
   * @param limits the limits to enforce
   * @param authenticated whether the client starts authenticated (true unless a password is set)
   */
  public RespRequestDecoder(ProtocolLimits limits, boolean authenticated) {
    this.limits = limits;
    this.authenticated = authenticated;
  }

  /** Lifts the stricter limits for unauthenticated clients once AUTH (or HELLO AUTH) succeeds. */
  public void setAuthenticated(boolean authenticated) {
    this.authenticated = authenticated;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      switch (state) {
        case START -> {
          byte first = in.getByte(in.readerIndex());
          state = first == '*' ? State.MULTIBULK_COUNT : State.INLINE;
        }
        case INLINE -> {
          if (!decodeInline(in, out)) {
            return;
          }
        }
        case MULTIBULK_COUNT -> {
          if (!decodeMultibulkCount(in, out)) {
            return;
          }
        }
        case BULK_LENGTH -> {
          if (!decodeBulkLength(in, out)) {
            return;
          }
        }
        case BULK_DATA -> {
          if (!decodeBulkData(in, out)) {
            return;
          }
        }
        case DISCARD -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  private boolean decodeInline(ByteBuf in, List<Object> out) {
    int newline = in.forEachByte(ByteProcessor.FIND_LF);
    if (newline < 0) {
      if (in.readableBytes() > limits.maxInlineBytes()) {
        fail(in, out, "Protocol error: too big inline request");
      }
      return false;
    }
    int length = newline - in.readerIndex();
    if (length > limits.maxInlineBytes()) {
      fail(in, out, "Protocol error: too big inline request");
      return false;
    }
    int end = length > 0 && in.getByte(newline - 1) == '\r' ? length - 1 : length;
    byte[] line = new byte[end];
    in.getBytes(in.readerIndex(), line);
    in.readerIndex(newline + 1);
    state = State.START;
    byte[][] args = InlineSplitter.split(line);
    if (args == null) {
      fail(in, out, "Protocol error: unbalanced quotes in request");
      return false;
    }
    if (args.length > 0) {
      out.add(args);
    }
    return true;
  }

  private boolean decodeMultibulkCount(ByteBuf in, List<Object> out) {
    int lineEnd = findCrlf(in);
    if (lineEnd < 0) {
      if (in.readableBytes() > limits.maxInlineBytes()) {
        fail(in, out, "Protocol error: too big mbulk count string");
      }
      return false;
    }
    long count = parseLong(in, in.readerIndex() + 1, lineEnd);
    if (count == Long.MIN_VALUE || count > Integer.MAX_VALUE || count > limits.maxMultibulkLength()) {
      fail(in, out, "Protocol error: invalid multibulk length");
      return false;
    }
    if (!authenticated && count > ProtocolLimits.UNAUTHENTICATED_MAX_MULTIBULK_LENGTH) {
      fail(in, out, "Protocol error: unauthenticated multibulk length");
      return false;
    }
    in.readerIndex(lineEnd + 2);
    if (count <= 0) {
      state = State.START; // "*0" and "*-1" are empty requests: ignored, as Redis does
      return true;
    }
    expectedArgs = (int) count;
    argv = new byte[Math.min(expectedArgs, MAX_PREALLOCATED_ARGS)][];
    argc = 0;
    requestBytes = 0;
    state = State.BULK_LENGTH;
    return true;
  }

  private boolean decodeBulkLength(ByteBuf in, List<Object> out) {
    byte marker = in.getByte(in.readerIndex());
    if (marker != '$') {
      fail(in, out, "Protocol error: expected '$', got '" + printable(marker) + "'");
      return false;
    }
    int lineEnd = findCrlf(in);
    if (lineEnd < 0) {
      if (in.readableBytes() > limits.maxInlineBytes()) {
        fail(in, out, "Protocol error: too big bulk count string");
      }
      return false;
    }
    long length = parseLong(in, in.readerIndex() + 1, lineEnd);
    if (length < 0 || length > limits.maxBulkBytes() || length > Integer.MAX_VALUE - 2) {
      fail(in, out, "Protocol error: invalid bulk length");
      return false;
    }
    if (!authenticated && length > ProtocolLimits.UNAUTHENTICATED_MAX_BULK_BYTES) {
      fail(in, out, "Protocol error: unauthenticated bulk length");
      return false;
    }
    if (requestBytes + length > limits.maxQueryBufferBytes()) {
      fail(in, out, "Protocol error: request exceeds client-query-buffer-limit ("
          + limits.maxQueryBufferBytes() + " bytes)");
      return false;
    }
    in.readerIndex(lineEnd + 2);
    bulkLength = (int) length;
    state = State.BULK_DATA;
    return true;
  }

  private boolean decodeBulkData(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < bulkLength + 2) {
      return false;
    }
    byte[] arg = new byte[bulkLength];
    in.readBytes(arg);
    in.skipBytes(2); // CRLF; like Redis, its content is not checked
    if (argc == argv.length) {
      argv = Arrays.copyOf(argv, (int) Math.min((long) argv.length * 2, expectedArgs));
    }
    argv[argc++] = arg;
    requestBytes += bulkLength;
    if (argc == expectedArgs) {
      out.add(argv);
      argv = null;
      state = State.START;
    } else {
      state = State.BULK_LENGTH;
    }
    return true;
  }

  private void fail(ByteBuf in, List<Object> out, String message) {
    out.add(new ProtocolError(message));
    argv = null;
    state = State.DISCARD;
    in.skipBytes(in.readableBytes());
  }

  /**
   * Index of the '\r' that ends the line at the reader index, or -1 while the line (or the byte
   * after its '\r') has not fully arrived. Like Redis, the byte after '\r' is not checked.
   */
  private static int findCrlf(ByteBuf in) {
    int cr = in.forEachByte(ByteProcessor.FIND_CR);
    return cr < 0 || cr + 1 >= in.writerIndex() ? -1 : cr;
  }

  /** Parses a signed decimal as Redis's {@code string2ll}: no spaces, no '+', no leading zeros. */
  private static long parseLong(ByteBuf in, int from, int to) {
    int len = to - from;
    if (len <= 0 || len > 20) {
      return Long.MIN_VALUE;
    }
    int i = from;
    boolean negative = false;
    if (in.getByte(i) == '-') {
      negative = true;
      i++;
      if (i == to) {
        return Long.MIN_VALUE;
      }
    }
    if (in.getByte(i) == '0' && to - i > 1) {
      return Long.MIN_VALUE;
    }
    long value = 0;
    for (; i < to; i++) {
      byte b = in.getByte(i);
      if (b < '0' || b > '9') {
        return Long.MIN_VALUE;
      }
      if (value > (Long.MAX_VALUE - (b - '0')) / 10) {
        return Long.MIN_VALUE;
      }
      value = value * 10 + (b - '0');
    }
    return negative ? -value : value;
  }

  private static String printable(byte b) {
    return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
  }
}
