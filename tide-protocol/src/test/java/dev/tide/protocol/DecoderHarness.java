package dev.tide.protocol;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link RespRequestDecoder} in an {@link EmbeddedChannel} and renders what comes out as
 * plain strings, so tests compare whole decodings at once: a request is {@code <arg><arg>}
 * (bytes as ISO-8859-1 chars), a protocol error is {@code ERR <text>} or {@code CLOSE <reason>}.
 */
final class DecoderHarness implements AutoCloseable {

  final RespRequestDecoder decoder;
  final EmbeddedChannel channel;
  private final List<String> decoded = new ArrayList<>();

  DecoderHarness() {
    this(ProtocolLimits.DEFAULTS, true);
  }

  DecoderHarness(ProtocolLimits limits, boolean authenticated) {
    decoder = new RespRequestDecoder(limits, authenticated);
    channel = new EmbeddedChannel();
    // Heap buffers, so that the allocation counter of the test thread sees every byte allocated.
    channel.config().setAllocator(new UnpooledByteBufAllocator(false));
    channel.pipeline().addLast(decoder);
  }

  static byte[] bytes(String latin1) {
    return latin1.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Feeds one chunk; returns this for chaining. */
  DecoderHarness feed(byte[] chunk) {
    channel.writeInbound(Unpooled.wrappedBuffer(chunk));
    drain();
    return this;
  }

  DecoderHarness feed(String latin1) {
    return feed(bytes(latin1));
  }

  /** Feeds {@code input} cut at the given offsets (ascending). */
  DecoderHarness feedSplit(byte[] input, int... cuts) {
    int from = 0;
    for (int cut : cuts) {
      feed(java.util.Arrays.copyOfRange(input, from, cut));
      from = cut;
    }
    return feed(java.util.Arrays.copyOfRange(input, from, input.length));
  }

  DecoderHarness feedByteByByte(byte[] input) {
    for (byte b : input) {
      feed(new byte[] {b});
    }
    return this;
  }

  private void drain() {
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      decoded.add(render(msg));
    }
  }

  static String render(Object msg) {
    if (msg instanceof ProtocolError e) {
      return (e.replyToClient() ? "ERR " : "CLOSE ") + e.message();
    }
    byte[][] argv = (byte[][]) msg;
    if (argv.length == 0) {
      throw new AssertionError("an empty request was emitted");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < argv.length; i++) {
      if (argv[i] == null) {
        throw new AssertionError("argument " + i + " of " + argv.length + " is null");
      }
      sb.append('<').append(new String(argv[i], StandardCharsets.ISO_8859_1)).append('>');
    }
    return sb.toString();
  }

  List<String> decoded() {
    return decoded;
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }

  /** Decodes {@code input} fed as one buffer. */
  static List<String> whole(byte[] input) {
    try (DecoderHarness h = new DecoderHarness()) {
      return new ArrayList<>(h.feed(input).decoded());
    }
  }

  static List<String> byteByByte(byte[] input) {
    try (DecoderHarness h = new DecoderHarness()) {
      return new ArrayList<>(h.feedByteByByte(input).decoded());
    }
  }
}
