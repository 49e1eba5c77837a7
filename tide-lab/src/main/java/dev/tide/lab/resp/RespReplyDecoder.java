package dev.tide.lab.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes RESP2 replies (and the RESP3 types a server may send) into plain values: simple
 * string → {@link String}, error → {@link RespError}, integer → {@link Long}, bulk →
 * {@code byte[]}, null → {@link #NULL}, array → {@code List<Object>}.
 *
 * <p>Each call parses whole replies from the cumulated buffer and rewinds when one is not
 * complete yet. That re-parses a partial reply once per arriving chunk, which is cheap for the
 * small replies of a load test; the limits below bound both the work and the memory.
 */
public final class RespReplyDecoder extends ByteToMessageDecoder {

  /** Stands for a null bulk string or null array (Netty's output list cannot hold Java null). */
  public static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "(nil)";
    }
  };

  /** Largest bulk string accepted: well above any value the lab writes (1 MiB). */
  static final int MAX_BULK_BYTES = 64 << 20;
  /** Largest array accepted (CLUSTER SLOTS of a big cluster, LRANGE results of the workloads). */
  static final int MAX_ARRAY_ELEMENTS = 1 << 20;
  /** Deepest nesting accepted (CLUSTER SLOTS is 3 deep). */
  static final int MAX_DEPTH = 16;
  /** Longest simple line (errors, integers, headers). */
  static final int MAX_LINE_BYTES = 64 << 10;

  private static final Object INCOMPLETE = new Object();

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int start = in.readerIndex();
      Object v = parse(in, 0);
      if (v == INCOMPLETE) {
        in.readerIndex(start);
        return;
      }
      out.add(v);
    }
  }

  /** Parses one value from {@code in}, or returns INCOMPLETE (reader index then undefined). */
  static Object parse(ByteBuf in, int depth) {
    if (depth > MAX_DEPTH) {
      throw new DecoderException("reply nested deeper than " + MAX_DEPTH);
    }
    if (!in.isReadable()) {
      return INCOMPLETE;
    }
    byte type = in.readByte();
    String line = readLine(in);
    if (line == null) {
      return INCOMPLETE;
    }
    switch (type) {
      case '+':
        return line;
      case '-':
        return new RespError(line);
      case ':':
        return parseLong(line);
      case ',':   // RESP3 double
      case '(':   // RESP3 big number
        return line;
      case '#':   // RESP3 boolean
        return line.equals("t") ? 1L : 0L;
      case '_':   // RESP3 null
        return NULL;
      case '$':
      case '=':
      case '!': {
        long n = parseLong(line);
        if (n < 0) {
          return NULL;
        }
        if (n > MAX_BULK_BYTES) {
          throw new DecoderException("bulk reply of " + n + " bytes exceeds " + MAX_BULK_BYTES);
        }
        if (in.readableBytes() < n + 2) {
          return INCOMPLETE;
        }
        byte[] b = new byte[(int) n];
        in.readBytes(b);
        in.skipBytes(2);
        return type == '!' ? new RespError(new String(b, StandardCharsets.UTF_8)) : b;
      }
      case '*':
      case '~':
      case '>':
      case '%': {
        long n = parseLong(line);
        if (n < 0) {
          return NULL;
        }
        long elements = type == '%' ? n * 2 : n;
        if (elements > MAX_ARRAY_ELEMENTS) {
          throw new DecoderException("array reply of " + n + " elements exceeds " + MAX_ARRAY_ELEMENTS);
        }
        List<Object> list = new ArrayList<>((int) Math.min(elements, 1024));
        for (long i = 0; i < elements; i++) {
          Object v = parse(in, depth + 1);
          if (v == INCOMPLETE) {
            return INCOMPLETE;
          }
          list.add(v);
        }
        return list;
      }
      default:
        throw new DecoderException("unexpected reply type byte 0x" + Integer.toHexString(type & 0xff));
    }
  }

  private static String readLine(ByteBuf in) {
    int from = in.readerIndex();
    int limit = Math.min(in.writerIndex(), from + MAX_LINE_BYTES);
    for (int i = from; i < limit - 1; i++) {
      if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
        String s = in.toString(from, i - from, StandardCharsets.UTF_8);
        in.readerIndex(i + 2);
        return s;
      }
    }
    if (in.writerIndex() - from >= MAX_LINE_BYTES) {
      throw new DecoderException("reply line longer than " + MAX_LINE_BYTES + " bytes");
    }
    return null;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new DecoderException("bad integer in reply: '" + s + "'");
    }
  }
}
