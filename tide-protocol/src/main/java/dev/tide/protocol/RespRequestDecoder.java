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
 * <p><b>State machine.</b> One state per protocol phase; every state returns and waits when its
 * input is incomplete and resumes where it stopped, so a frame may arrive split anywhere. The
 * decoder hands over one request per {@link #decode} call: Netty passes it down the pipeline and
 * the connection runs it before the next one is decoded, so a successful AUTH lifts the
 * unauthenticated limits for the very next request of the same packet, as in Redis.
 *
 * <p><b>Memory.</b> Every declared length is checked against {@link ProtocolLimits} before any
 * memory is set aside for it. An argument that arrives whole is copied out once; one that arrives
 * in pieces is moved out of Netty's cumulation buffer into an array that grows with what has
 * actually arrived (to at most twice that), never to the declared size up front, so a peer that
 * announces a 512 MB bulk and stalls costs only about what it sent. Header lines are searched
 * incrementally (each byte is looked at once), so a peer dribbling a line byte by byte cannot make
 * the search quadratic.
 *
 * <p><b>Redis compatibility.</b> The rules and error texts are Redis 7.0's, behaviour for
 * behaviour (checked against redis-server 7.0.15):
 * <ul>
 *   <li>a request starting with {@code *} is multibulk, anything else inline;</li>
 *   <li>header lines end at {@code \r} followed by any byte (the {@code \n} is not checked), inline
 *       lines at {@code \n} with an optional {@code \r} before it; the two bytes after a bulk are
 *       not checked either;</li>
 *   <li>Redis finds line ends with {@code strchr}, so a NUL byte in a header or inline line hides
 *       the line end: the request waits for more input and fails once more than 64 KB are buffered
 *       ("too big inline request", "too big mbulk count string", "too big bulk count string");</li>
 *   <li>the 64 KB line limit applies to input buffered without a line end, as in Redis: a longer
 *       line that arrives whole in one read is accepted (it is bounded by the read size);</li>
 *   <li>a bulk header is read as a whole line before its {@code $} is checked;</li>
 *   <li>numbers follow {@code string2ll}: an optional '-', digits without leading zeros, at most
 *       20 characters, within the range of a long;</li>
 *   <li>{@code *0} and negative counts are empty requests and are ignored.</li>
 * </ul>
 *
 * <p><b>Errors.</b> On a violation the decoder emits one {@link ProtocolError} after the requests
 * decoded before it (so their replies come first) and then discards all further input.
 */
public final class RespRequestDecoder extends ByteToMessageDecoder {

  private enum State {
    /** Between requests: the next byte says multibulk ({@code *}) or inline. */
    START,
    /** Reading an inline request up to its newline. */
    INLINE,
    /** Reading the {@code *<count>\r\n} line. */
    MULTIBULK_COUNT,
    /** Reading a {@code $<length>\r\n} line. */
    BULK_LENGTH,
    /** Waiting for the {@code length} bytes of an argument and the two bytes after them. */
    BULK_DATA,
    /** A protocol error was reported; everything else from this client is dropped. */
    DISCARD
  }

  /** Arguments allocated up front at most, however many the request declares (Redis: 1024). */
  static final int MAX_PREALLOCATED_ARGS = 1024;
  /**
   * Heap cost counted per argument on top of its bytes (array header 16 + reference 8), so that a
   * request of millions of empty arguments is bounded by {@code client-query-buffer-limit} too.
   */
  static final int ARG_OVERHEAD_BYTES = 24;
  /** Smallest array started for an argument that arrives in pieces. */
  static final int MIN_PARTIAL_BULK_BYTES = 4096;
  /** Longest argument a Java array can hold (a few header words below {@code Integer.MAX_VALUE}). */
  static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
  /** Longest number {@code string2ll} accepts: 20 characters ({@code LONG_STR_SIZE - 1}). */
  private static final int MAX_NUMBER_CHARS = 20;

  /** Stops at the end of a header line, or at a NUL, which hides it (Redis uses strchr). */
  private static final ByteProcessor FIND_CR_OR_NUL = b -> b != '\r' && b != 0;
  /** Stops at the end of an inline line, or at a NUL, which hides it. */
  private static final ByteProcessor FIND_LF_OR_NUL = b -> b != '\n' && b != 0;

  static final String TOO_BIG_INLINE = "Protocol error: too big inline request";
  static final String TOO_BIG_COUNT = "Protocol error: too big mbulk count string";
  static final String TOO_BIG_LENGTH = "Protocol error: too big bulk count string";
  static final String INVALID_COUNT = "Protocol error: invalid multibulk length";
  static final String INVALID_LENGTH = "Protocol error: invalid bulk length";
  static final String UNBALANCED_QUOTES = "Protocol error: unbalanced quotes in request";
  static final String UNAUTH_COUNT = "Protocol error: unauthenticated multibulk length";
  static final String UNAUTH_LENGTH = "Protocol error: unauthenticated bulk length";

  /** Line search results besides the index of the line end. */
  private static final int LINE_INCOMPLETE = -1;
  private static final int LINE_TOO_BIG = -2;

  private final ProtocolLimits limits;
  private volatile boolean authenticated;

  private State state = State.START;
  /** Bytes after the reader index already searched for the current line's end. */
  private int lineScanned;
  /** A NUL came before the current line's end: the line can only grow until it is too big. */
  private boolean lineHidden;
  /** The value the last successful {@link #parseNumber} read. */
  private long parsed;

  private byte[][] argv;
  private int argc;
  private int expectedArgs;
  private int bulkLength;
  /** The current argument while it arrives in pieces, or null. */
  private byte[] partialBulk;
  private int partialFilled;
  /** Memory the current request holds in complete arguments (bytes plus per-argument overhead). */
  private long requestBytes;
  private ProtocolError error;

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

  /**
   * Bytes held for this client's unparsed input: the cumulation buffer, the arguments of the
   * request being assembled and an argument arriving in pieces (Redis's {@code qbuf}). Event loop
   * only.
   */
  public long bufferedBytes() {
    return internalBuffer().readableBytes() + requestBytes + (partialBulk == null ? 0 : partialBulk.length);
  }

  /** The error this decoder reported, or null while the input has been well formed. */
  public ProtocolError error() {
    return error;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int before = out.size();
    while (in.isReadable() && out.size() == before) {
      boolean progressed = switch (state) {
        case START -> {
          state = in.getByte(in.readerIndex()) == '*' ? State.MULTIBULK_COUNT : State.INLINE;
          yield true;
        }
        case INLINE -> decodeInline(in, out);
        case MULTIBULK_COUNT -> decodeMultibulkCount(in, out);
        case BULK_LENGTH -> decodeBulkLength(in, out);
        case BULK_DATA -> decodeBulkData(in, out);
        case DISCARD -> {
          in.skipBytes(in.readableBytes());
          yield false;
        }
      };
      if (!progressed) {
        return;
      }
    }
  }

  // ---- states --------------------------------------------------------------------------------

  private boolean decodeInline(ByteBuf in, List<Object> out) {
    int newline = findLineEnd(in, FIND_LF_OR_NUL, (byte) '\n', false);
    if (newline < 0) {
      if (newline == LINE_TOO_BIG) {
        fail(in, out, TOO_BIG_INLINE);
      }
      return false;
    }
    int start = in.readerIndex();
    int end = newline > start && in.getByte(newline - 1) == '\r' ? newline - 1 : newline;
    byte[] line = new byte[end - start];
    in.getBytes(start, line);
    consumeLine(in, newline + 1);
    state = State.START;
    byte[][] args = InlineSplitter.split(line);
    if (args == null) {
      fail(in, out, UNBALANCED_QUOTES);
      return false;
    }
    if (args.length > 0) {
      out.add(args);
    }
    return true;
  }

  private boolean decodeMultibulkCount(ByteBuf in, List<Object> out) {
    int cr = findLineEnd(in, FIND_CR_OR_NUL, (byte) '\r', true);
    if (cr < 0) {
      if (cr == LINE_TOO_BIG) {
        fail(in, out, TOO_BIG_COUNT);
      }
      return false;
    }
    if (!parseNumber(in, in.readerIndex() + 1, cr) || parsed > Integer.MAX_VALUE
        || parsed > limits.maxMultibulkLength()) {
      fail(in, out, INVALID_COUNT);
      return false;
    }
    if (!authenticated && parsed > ProtocolLimits.UNAUTHENTICATED_MAX_MULTIBULK_LENGTH) {
      fail(in, out, UNAUTH_COUNT);
      return false;
    }
    consumeLine(in, cr + 2);
    if (parsed <= 0) {
      state = State.START; // "*0" and "*-1" are empty requests: ignored, as Redis does
      return true;
    }
    expectedArgs = (int) parsed;
    argv = new byte[Math.min(expectedArgs, MAX_PREALLOCATED_ARGS)][];
    argc = 0;
    requestBytes = 0;
    state = State.BULK_LENGTH;
    return true;
  }

  private boolean decodeBulkLength(ByteBuf in, List<Object> out) {
    int cr = findLineEnd(in, FIND_CR_OR_NUL, (byte) '\r', true);
    if (cr < 0) {
      if (cr == LINE_TOO_BIG) {
        fail(in, out, TOO_BIG_LENGTH);
      }
      return false;
    }
    byte marker = in.getByte(in.readerIndex());
    if (marker != '$') {
      // The byte goes out as it came (one char per byte), as Redis's %c does.
      fail(in, out, "Protocol error: expected '$', got '" + (char) (marker & 0xff) + "'");
      return false;
    }
    if (!parseNumber(in, in.readerIndex() + 1, cr) || parsed < 0 || parsed > limits.maxBulkBytes()
        || parsed > MAX_ARRAY_BYTES) {
      fail(in, out, INVALID_LENGTH);
      return false;
    }
    if (!authenticated && parsed > ProtocolLimits.UNAUTHENTICATED_MAX_BULK_BYTES) {
      fail(in, out, UNAUTH_LENGTH);
      return false;
    }
    if (requestBytes + ARG_OVERHEAD_BYTES + parsed > limits.maxQueryBufferBytes()) {
      // Redis closes a client over client-query-buffer-limit without a reply, and logs it.
      report(in, out, new ProtocolError("request of more than " + limits.maxQueryBufferBytes()
          + " bytes exceeds client-query-buffer-limit", false));
      return false;
    }
    consumeLine(in, cr + 2);
    bulkLength = (int) parsed;
    state = State.BULK_DATA;
    return true;
  }

  private boolean decodeBulkData(ByteBuf in, List<Object> out) {
    if (partialBulk == null && in.readableBytes() >= bulkLength + 2L) {
      byte[] arg = new byte[bulkLength];
      in.readBytes(arg);
      in.skipBytes(2); // the line end; like Redis, its content is not checked
      addArgument(arg, out);
      return true;
    }
    if (partialBulk == null || partialFilled < bulkLength) {
      collectPiece(in);
    }
    if (partialFilled < bulkLength || in.readableBytes() < 2) {
      return false;
    }
    in.skipBytes(2);
    byte[] arg = partialBulk;
    partialBulk = null;
    partialFilled = 0;
    addArgument(arg, out);
    return true;
  }

  /** Moves what has arrived of the current argument out of the cumulation buffer. */
  private void collectPiece(ByteBuf in) {
    int take = Math.min(in.readableBytes(), bulkLength - partialFilled);
    if (partialBulk == null) {
      partialBulk = new byte[Math.min(bulkLength, Math.max(take, MIN_PARTIAL_BULK_BYTES))];
      partialFilled = 0;
    } else if (partialFilled + take > partialBulk.length) {
      // Grow with what arrived, to at most twice of it, reaching the exact length at the end.
      long grown = Math.max((long) partialFilled + take, 2L * partialBulk.length);
      partialBulk = Arrays.copyOf(partialBulk, (int) Math.min(bulkLength, grown));
    }
    in.readBytes(partialBulk, partialFilled, take);
    partialFilled += take;
  }

  private void addArgument(byte[] arg, List<Object> out) {
    if (argc == argv.length) {
      argv = Arrays.copyOf(argv, (int) Math.min(2L * argv.length, expectedArgs));
    }
    argv[argc++] = arg;
    requestBytes += arg.length + ARG_OVERHEAD_BYTES;
    if (argc == expectedArgs) {
      out.add(argv);
      argv = null;
      requestBytes = 0;
      state = State.START;
    } else {
      state = State.BULK_LENGTH;
    }
  }

  // ---- errors ---------------------------------------------------------------------------------

  private void fail(ByteBuf in, List<Object> out, String message) {
    report(in, out, new ProtocolError(message, true));
  }

  private void report(ByteBuf in, List<Object> out, ProtocolError protocolError) {
    error = protocolError;
    out.add(protocolError);
    argv = null;
    partialBulk = null;
    requestBytes = 0;
    state = State.DISCARD;
    in.skipBytes(in.readableBytes());
  }

  // ---- lines and numbers ----------------------------------------------------------------------

  /**
   * Index of the byte that ends the line starting at the reader index, {@link #LINE_INCOMPLETE}
   * while it has not arrived, or {@link #LINE_TOO_BIG} when more than the inline limit is buffered
   * without it. A header line's {@code \r} counts only once the byte after it has arrived too.
   */
  private int findLineEnd(ByteBuf in, ByteProcessor finder, byte terminator, boolean needsByteAfter) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    if (!lineHidden && start + lineScanned < end) {
      int from = start + lineScanned;
      int found = in.forEachByte(from, end - from, finder);
      if (found < 0) {
        lineScanned = end - start;
      } else if (in.getByte(found) != terminator) {
        lineHidden = true; // a NUL: Redis's strchr never looks past it
        lineScanned = found - start;
      } else if (needsByteAfter && found + 1 >= end) {
        lineScanned = found - start; // found again at once when more arrives
        return LINE_INCOMPLETE;
      } else {
        return found;
      }
    }
    return in.readableBytes() > limits.maxInlineBytes() ? LINE_TOO_BIG : LINE_INCOMPLETE;
  }

  private void consumeLine(ByteBuf in, int next) {
    in.readerIndex(next);
    lineScanned = 0;
    lineHidden = false;
  }

  /**
   * Parses the bytes {@code [from, to)} as Redis's {@code string2ll} does: an optional '-', then
   * digits without leading zeros ("0" alone is fine, "-0" is not), at most 20 characters, within
   * the range of a long. Sets {@link #parsed}; false when the text is not such a number.
   */
  private boolean parseNumber(ByteBuf in, int from, int to) {
    int length = to - from;
    if (length <= 0 || length > MAX_NUMBER_CHARS) {
      return false;
    }
    if (length == 1 && in.getByte(from) == '0') {
      parsed = 0;
      return true;
    }
    int i = from;
    boolean negative = in.getByte(i) == '-';
    if (negative) {
      i++;
    }
    if (i == to) {
      return false;
    }
    byte first = in.getByte(i);
    if (first < '1' || first > '9') {
      return false;
    }
    // Accumulate negatively, as Long.parseLong does, so that Long.MIN_VALUE is reachable.
    long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long multiplyLimit = limit / 10;
    long value = -(first - '0');
    for (i++; i < to; i++) {
      byte b = in.getByte(i);
      if (b < '0' || b > '9') {
        return false;
      }
      int digit = b - '0';
      if (value < multiplyLimit) {
        return false;
      }
      value *= 10;
      if (value < limit + digit) {
        return false;
      }
      value -= digit;
    }
    parsed = negative ? value : -value;
    return true;
  }
}
