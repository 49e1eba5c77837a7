package dev.tide.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.tide.protocol.DecoderHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request decoder against Redis 7.0.15's behaviour. Every expected decoding in {@link #frames}
 * was observed on a real redis-server (raw bytes over a socket): what it executed, which
 * "Protocol error" it answered, or that it kept waiting for more input.
 */
class RespRequestDecoderTest {

  private static final String INVALID_COUNT = "ERR Protocol error: invalid multibulk length";
  private static final String INVALID_LENGTH = "ERR Protocol error: invalid bulk length";
  private static final String UNBALANCED = "ERR Protocol error: unbalanced quotes in request";
  private static final String TOO_BIG_INLINE = "ERR Protocol error: too big inline request";
  private static final String TOO_BIG_COUNT = "ERR Protocol error: too big mbulk count string";
  private static final String TOO_BIG_LENGTH = "ERR Protocol error: too big bulk count string";
  private static final int INLINE_MAX = ProtocolLimits.DEFAULT_MAX_INLINE_BYTES;

  /** Small inputs whose decoding does not depend on how they are cut into reads. */
  static Stream<Arguments> frames() {
    return Stream.of(
        // well-formed requests
        frame("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", "<SET><k><v>"),
        frame("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", "<ECHO><>"),
        frame("*1\r\n$0\r\n\r\n", "<>"),
        frame("*2\r\n$4\r\nECHO\r\n$5\r\na\r\nb\0\r\n", "<ECHO><a\r\nb\0>"),
        frame("PING\r\n", "<PING>"),
        frame("PING\nPING\n", "<PING>", "<PING>"),
        frame("\r\n\r\nPING\r\n", "<PING>"),
        frame("  \t\r\n", new String[0]),
        frame("*1\r\n$4\r\nPING\r\nECHO\t\"a\"\r\n", "<PING>", "<ECHO><a>"),
        // empty multibulk requests are ignored
        frame("*0\r\nPING\r\n", "<PING>"),
        frame("*-1\r\nPING\r\n", "<PING>"),
        frame("*-5\r\nPING\r\n", "<PING>"),
        frame("*-9223372036854775808\r\nPING\r\n", "<PING>"),
        // the two bytes after a bulk and the byte after a header's '\r' are not checked
        frame("*1\r\n$4\r\nPINGxx", "<PING>"),
        frame("*1\r\n$4\r\nPINGxxPING\r\n", "<PING>", "<PING>"),
        frame("*1\r\n$4\r\nPING\r\r", "<PING>"),
        frame("*1\r$4\r\nPING\r\n", "ERR Protocol error: expected '$', got '4'"),
        // inline quoting (sdssplitargs)
        frame("ECHO \"\\x41\\x4g\\n\"\r\n", "<ECHO><Ax4g\n>"),
        frame("ECHO 'it\\'s'\r\n", "<ECHO><it's>"),
        frame("ECHO \"a\\\"b\"\r\n", "<ECHO><a\"b>"),
        frame("ECHO \"\\xZZ\\q\"\r\n", "<ECHO><xZZq>"),
        frame("ECHO \"\\x4\"\r\n", "<ECHO><x4>"),
        frame("ECHO a\"b\"\r\n", "<ECHO><ab>"),
        frame("ECHO \u000bx\u000b\r\n", "<ECHO><x\u000b>"),
        frame("ECHO x\fy\r\n", "<ECHO><x\fy>"),
        frame("ECHO \"\"\r\n", "<ECHO><>"),
        frame("ECHO ''\r\n", "<ECHO><>"),
        frame("ECHO 'a\\nb'\r\n", "<ECHO><a\\nb>"),
        frame("ECHO 'a\\\\b'\r\n", "<ECHO><a\\\\b>"),
        frame("SET \"k\\r\\n\\t\\b\\a\\\\\" v\r\n", "<SET><k\r\n\t\b\u0007\\><v>"),
        // multibulk count errors
        frame("*abc\r\n", INVALID_COUNT),
        frame("*2147483648\r\n", INVALID_COUNT),
        frame("*+1\r\n$4\r\nPING\r\n", INVALID_COUNT),
        frame("*01\r\n$4\r\nPING\r\n", INVALID_COUNT),
        frame("*\r\n", INVALID_COUNT),
        frame("*-0\r\n", INVALID_COUNT),
        frame("*00\r\n", INVALID_COUNT),
        frame("*9223372036854775808\r\n", INVALID_COUNT),
        frame("*-9223372036854775809\r\n", INVALID_COUNT),
        frame("*1\n$4\r\nPING\r\n", INVALID_COUNT),
        frame("* 1\r\n", INVALID_COUNT),
        // bulk header errors
        frame("*1\r\n*1\r\n", "ERR Protocol error: expected '$', got '*'"),
        frame("*1\r\nx\r\n", "ERR Protocol error: expected '$', got 'x'"),
        frame("*1\r\n\r\n", "ERR Protocol error: expected '$', got '\r'"),
        frame("*1\r\n\n\r\n", "ERR Protocol error: expected '$', got '\n'"),
        frame("*1\r\n\u00ff\r\n", "ERR Protocol error: expected '$', got '\u00ff'"),
        frame("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "ERR Protocol error: expected '$', got 'f'"),
        frame("*1\r\n$abc\r\n", INVALID_LENGTH),
        frame("*1\r\n$-1\r\n", INVALID_LENGTH),
        frame("*1\r\n$-0\r\n", INVALID_LENGTH),
        frame("*1\r\n$99999999999\r\n", INVALID_LENGTH),
        frame("*1\r\n$536870913\r\n", INVALID_LENGTH),
        frame("*1\r\n$04\r\nPING\r\n", INVALID_LENGTH),
        frame("*1\r\n$ 4\r\nPING\r\n", INVALID_LENGTH),
        frame("*1\r\n$\r\nPING\r\n", INVALID_LENGTH),
        frame("*1\r\n$9223372036854775807\r\n", INVALID_LENGTH),
        frame("*1\r\n$9223372036854775808\r\n", INVALID_LENGTH),
        frame("*1\r\n$-9223372036854775808\r\n", INVALID_LENGTH),
        // inline quoting errors
        frame("PING \"abc\r\n", UNBALANCED),
        frame("SET \"a\"b c\r\n", UNBALANCED),
        frame("SET 'a'b c\r\n", UNBALANCED),
        frame("ECHO \"\r\n", UNBALANCED),
        frame("ECHO \"a\"\"b\"\r\n", UNBALANCED),
        frame("ECHO '\r\n", UNBALANCED),
        frame("ECHO \"\\\r\n", UNBALANCED),
        frame("ECHO a\"b\"c\r\n", UNBALANCED),
        frame("set \"\"\"test-key\"\"\" test-value\r\nping\r\n", UNBALANCED),
        // replies before the error, nothing after it
        frame("*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n", "<PING>", INVALID_LENGTH),
        frame("PING\r\nECHO \"x\r\nPING\r\n", "<PING>", UNBALANCED),
        // incomplete: redis-server keeps waiting and answers nothing
        frame("*2147483647\r\n", new String[0]),
        frame("*1\r\n$536870912\r\n", new String[0]),
        frame("*-2\r\n", new String[0]),
        frame("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n", new String[0]),
        // a NUL hides the line end from Redis's strchr: it waits (until 64 KB are buffered)
        frame("*1\r\n\0\r\n", new String[0]),
        frame("\0\u0001\u0002\r\n", new String[0]),
        frame("ECHO a\0b\r\n", new String[0]),
        frame("ECHO \"a\0b\"\r\n", new String[0]),
        frame("*\0\r\n", new String[0]),
        frame("PING\r\n*1\r\n$\0\r\n", "<PING>"));
  }

  private static Arguments frame(String input, String... expected) {
    return Arguments.of(printable(input), bytes(input), List.of(expected));
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return sb.length() > 60 ? sb.substring(0, 60) + "..." : sb.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void decodesLikeRedisWhenFedWhole(String name, byte[] input, List<String> expected) {
    assertThat(DecoderHarness.whole(input)).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void decodesTheSameAtEverySplitPoint(String name, byte[] input, List<String> expected) {
    for (int cut = 0; cut <= input.length; cut++) {
      try (DecoderHarness h = new DecoderHarness()) {
        assertThat(h.feedSplit(input, cut).decoded()).as("cut at %d", cut).containsExactlyElementsOf(expected);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void decodesTheSameAtEveryPairOfSplitPoints(String name, byte[] input, List<String> expected) {
    for (int a = 0; a <= input.length; a++) {
      for (int b = a; b <= input.length; b++) {
        try (DecoderHarness h = new DecoderHarness()) {
          assertThat(h.feedSplit(input, a, b).decoded()).as("cuts at %d, %d", a, b)
              .containsExactlyElementsOf(expected);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void decodesTheSameByteByByte(String name, byte[] input, List<String> expected) {
    assertThat(DecoderHarness.byteByByte(input)).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void agreesWithTheReferenceModel(String name, byte[] input, List<String> expected) {
    assertThat(ReferenceParser.parse(input, true, ProtocolLimits.DEFAULT_MAX_BULK_BYTES))
        .containsExactlyElementsOf(expected);
  }

  // ---- pipelines --------------------------------------------------------------------------------

  @Test
  void decodesAPipelineOfManyRequestsInOneBuffer() {
    Random random = new Random(42);
    StringBuilder input = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String key = "key:" + i;
      String value = "v".repeat(random.nextInt(300));
      switch (random.nextInt(4)) {
        case 0 -> {
          input.append(multibulk("SET", key, value));
          expected.add("<SET><" + key + "><" + value + ">");
        }
        case 1 -> {
          input.append("GET ").append(key).append(random.nextBoolean() ? "\r\n" : "\n");
          expected.add("<GET><" + key + ">");
        }
        case 2 -> input.append(random.nextBoolean() ? "*0\r\n" : "\r\n");
        default -> {
          input.append("ECHO \"").append(key).append("\\n\" '").append(value).append("'\r\n");
          expected.add("<ECHO><" + key + "\n><" + value + ">");
        }
      }
    }
    byte[] bytes = bytes(input.toString());
    assertThat(DecoderHarness.whole(bytes)).containsExactlyElementsOf(expected);
    assertThat(DecoderHarness.byteByByte(bytes)).containsExactlyElementsOf(expected);
    try (DecoderHarness h = new DecoderHarness()) {
      assertThat(h.feedSplit(bytes, randomCuts(random, bytes.length, 500)).decoded())
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void handsOverOneRequestAtATimeSoAuthAppliesToTheNextRequestOfTheSamePacket() {
    try (DecoderHarness h = new DecoderHarness(ProtocolLimits.DEFAULTS, false)) {
      h.channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (msg instanceof byte[][] argv && new String(argv[0], StandardCharsets.US_ASCII).equals("AUTH")) {
            h.decoder.setAuthenticated(true);
          }
          ctx.fireChannelRead(msg);
        }
      });
      String elevenArgs = multibulk("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
      h.feed(multibulk("AUTH", "pw") + elevenArgs);
      assertThat(h.decoded()).containsExactly("<AUTH><pw>", "<MSET><a><1><b><2><c><3><d><4><e><5>");
    }
  }

  // ---- limits -----------------------------------------------------------------------------------

  @Test
  void unauthenticatedClientsMaySendTenArgumentsOf16KbAndInlineRequestsOfAnySize() {
    assertThat(unauthenticated("*10\r\n")).isEmpty();
    assertThat(unauthenticated("*11\r\n")).containsExactly("ERR Protocol error: unauthenticated multibulk length");
    assertThat(unauthenticated("*2147483648\r\n")).containsExactly(INVALID_COUNT);
    assertThat(unauthenticated("*1\r\n$16384\r\n")).isEmpty();
    assertThat(unauthenticated("*1\r\n$16385\r\n")).containsExactly("ERR Protocol error: unauthenticated bulk length");
    assertThat(unauthenticated("*1\r\n$-1\r\n")).containsExactly(INVALID_LENGTH);
    assertThat(unauthenticated("PING" + " a".repeat(20) + "\r\n")).hasSize(1);
    try (DecoderHarness h = new DecoderHarness(ProtocolLimits.DEFAULTS, false)) {
      h.decoder.setAuthenticated(true);
      assertThat(h.feed("*11\r\n$16385\r\n").decoded()).isEmpty();
    }
  }

  private static List<String> unauthenticated(String input) {
    try (DecoderHarness h = new DecoderHarness(ProtocolLimits.DEFAULTS, false)) {
      return new ArrayList<>(h.feed(input).decoded());
    }
  }

  @Test
  void bulkLengthLimitIsInclusive() {
    ProtocolLimits limits = ProtocolLimits.DEFAULTS.withMaxBulkBytes(1024 * 1024);
    byte[] value = new byte[1024 * 1024];
    Arrays.fill(value, (byte) 'z');
    try (DecoderHarness h = new DecoderHarness(limits, true)) {
      h.feed("*1\r\n$1048576\r\n").feed(value).feed("\r\n");
      assertThat(h.decoded()).hasSize(1);
      assertThat(h.decoded().get(0)).hasSize(1024 * 1024 + 2);
    }
    try (DecoderHarness h = new DecoderHarness(limits, true)) {
      assertThat(h.feed("*1\r\n$1048577\r\n").decoded()).containsExactly(INVALID_LENGTH);
    }
  }

  @Test
  void requestsOverTheQueryBufferLimitCloseTheConnectionWithoutAReply() {
    // 100 KB per argument, 150 KB per request: a second 60 KB argument fits, a third does not.
    ProtocolLimits limits = new ProtocolLimits(100_000, Integer.MAX_VALUE, INLINE_MAX, 150_000);
    String chunk = "x".repeat(60_000);
    try (DecoderHarness h = new DecoderHarness(limits, true)) {
      h.feed("*4\r\n$3\r\nSET\r\n$60000\r\n" + chunk + "\r\n$60000\r\n" + chunk + "\r\n");
      assertThat(h.decoded()).isEmpty();
      h.feed("$60000\r\n");
      assertThat(h.decoded()).containsExactly(
          "CLOSE request of more than 150000 bytes exceeds client-query-buffer-limit");
      assertThat(h.decoder.error().replyToClient()).isFalse();
    }
    int overhead = RespRequestDecoder.ARG_OVERHEAD_BYTES;
    int exact = 150_000 - (3 + overhead) - 2 * overhead - 60_000;
    try (DecoderHarness h = new DecoderHarness(limits, true)) {
      h.feed("*3\r\n$3\r\nSET\r\n$60000\r\n" + chunk + "\r\n$" + exact + "\r\n" + "y".repeat(exact) + "\r\n");
      assertThat(h.decoded()).hasSize(1);
    }
  }

  @Test
  void manyEmptyArgumentsAreBoundedByTheQueryBufferLimitToo() {
    ProtocolLimits limits = new ProtocolLimits(100_000, Integer.MAX_VALUE, INLINE_MAX, 100_000);
    int fitting = 100_000 / RespRequestDecoder.ARG_OVERHEAD_BYTES;
    try (DecoderHarness h = new DecoderHarness(limits, true)) {
      h.feed("*2147483647\r\n" + "$0\r\n\r\n".repeat(fitting));
      assertThat(h.decoded()).isEmpty();
      assertThat(h.feed("$0\r\n").decoded()).hasSize(1).allMatch(s -> s.startsWith("CLOSE "));
    }
  }

  @Test
  void unterminatedLinesAreAllowedUpTo64KbBuffered() {
    String[][] cases = {
        {"", TOO_BIG_INLINE, "A"},
        {"*", TOO_BIG_COUNT, "1"},
        {"*1\r\n$", TOO_BIG_LENGTH, "1"},
        {"*1\r\n", TOO_BIG_LENGTH, "x"}, // the header is read as a line before its '$' is checked
        {"\0", TOO_BIG_INLINE, "A"}, // after a NUL, as Redis's strchr, the line end is never seen
        {"*\0", TOO_BIG_COUNT, "A"},
        {"*1\r\n$\0", TOO_BIG_LENGTH, "A"},
    };
    for (String[] c : cases) {
      try (DecoderHarness h = new DecoderHarness()) {
        int prefix = c[0].startsWith("*1\r\n") ? 4 : 0;
        String line = c[0].substring(prefix);
        h.feed(c[0]).feed(c[2].repeat(INLINE_MAX - line.length()));
        assertThat(h.decoded()).as("%s: exactly 64 KB buffered", printable(c[0])).isEmpty();
        h.feed(c[2]);
        assertThat(h.decoded()).as("%s: one byte more", printable(c[0])).containsExactly(c[1]);
      }
    }
  }

  @Test
  void longLinesThatArriveWholeAreAcceptedAsRedisDoes() {
    // Redis applies the 64 KB limit to bytes buffered without a line end (verified on 7.0.15).
    String value = "A".repeat(INLINE_MAX + 10_000);
    assertThat(DecoderHarness.whole(bytes("ECHO " + value + "\n"))).containsExactly("<ECHO><" + value + ">");
    assertThat(DecoderHarness.whole(bytes("*1" + "1".repeat(70_000) + "\r\n"))).containsExactly(INVALID_COUNT);
    assertThat(DecoderHarness.whole(bytes("*1\r\n$" + "9".repeat(70_000) + "\r\n"))).containsExactly(INVALID_LENGTH);
    // Fed in pieces, the same lines hit the limit while unterminated.
    assertThat(DecoderHarness.byteByByte(bytes("*1" + "1".repeat(70_000) + "\r\n"))).containsExactly(TOO_BIG_COUNT);
  }

  @Test
  void aHugeDeclaredBulkAllocatesOnlyWhatArrives() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] header = bytes("*2\r\n$3\r\nSET\r\n$536870912\r\n");
    byte[] someData = new byte[1000];
    try (DecoderHarness h = new DecoderHarness()) {
      h.feed(new byte[0]); // warm up the channel's first allocations
      long before = threads.getCurrentThreadAllocatedBytes();
      h.feed(header);
      for (int i = 0; i < 10; i++) {
        h.feed(someData);
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertThat(h.decoded()).isEmpty();
      assertThat(allocated).as("bytes allocated while a 512 MB bulk is declared and 10 KB sent")
          .isLessThan(1024 * 1024);
      assertThat(h.decoder.bufferedBytes()).isBetween(10_000L, 64L * 1024);
    }
  }

  @Test
  void aBulkArrivingInPiecesHoldsAtMostTwiceWhatArrivedAndDecodesExactly() {
    int declared = 8 * 1024 * 1024;
    byte[] value = new byte[declared];
    new Random(7).nextBytes(value);
    try (DecoderHarness h = new DecoderHarness()) {
      h.feed("*2\r\n$4\r\nECHO\r\n$" + declared + "\r\n");
      int sent = 0;
      int piece = 64 * 1024;
      while (sent < declared) {
        h.feed(Arrays.copyOfRange(value, sent, sent + piece));
        sent += piece;
        long held = h.decoder.bufferedBytes();
        assertThat(held).as("held after %d bytes", sent)
            .isLessThanOrEqualTo(2L * sent + RespRequestDecoder.MIN_PARTIAL_BULK_BYTES + 64);
      }
      assertThat(h.decoded()).isEmpty();
      h.feed("\r\n");
      assertThat(h.decoded()).containsExactly(
          "<ECHO><" + new String(value, StandardCharsets.ISO_8859_1) + ">");
      assertThat(h.decoder.bufferedBytes()).isZero();
    }
  }

  // ---- after an error ---------------------------------------------------------------------------

  @Test
  void discardsEverythingAfterAnError() {
    try (DecoderHarness h = new DecoderHarness()) {
      h.feed("PING\r\n*1\r\n$x\r\nPING\r\n");
      assertThat(h.decoded()).containsExactly("<PING>", INVALID_LENGTH);
      h.feed("PING\r\n").feed(multibulk("SET", "k", "v")).feed("*abc\r\n");
      assertThat(h.decoded()).containsExactly("<PING>", INVALID_LENGTH);
      assertThat(h.decoder.bufferedBytes()).isZero();
      assertThat(h.decoder.error()).isEqualTo(new ProtocolError("Protocol error: invalid bulk length"));
    }
  }

  @Test
  void errorRepliesCarryTheOffendingByteAsSentWithLineBreaksAsSpaces() {
    assertThat(new ProtocolError("Protocol error: expected '$', got '\u00ff'").encodeReply())
        .isEqualTo(bytes("-ERR Protocol error: expected '$', got '\u00ff'\r\n"));
    assertThat(new ProtocolError("Protocol error: expected '$', got '\r'").encodeReply())
        .isEqualTo(bytes("-ERR Protocol error: expected '$', got ' '\r\n"));
    assertThat(new ProtocolError("Protocol error: expected '$', got '\n'").encodeReply())
        .isEqualTo(bytes("-ERR Protocol error: expected '$', got ' '\r\n"));
  }

  // ---- fuzzing ----------------------------------------------------------------------------------

  /** Iterations of the fuzz test: enough to cover every state and error many times, under a second. */
  private static final int FUZZ_ITERATIONS = 4000;

  @Test
  void randomInputAndMutatedFramesNeverThrowAndDecodeAsTheReferenceModel() {
    Random random = new Random(20240611L);
    java.util.Set<String> outcomes = new java.util.TreeSet<>();
    for (int iteration = 0; iteration < FUZZ_ITERATIONS; iteration++) {
      byte[] input = iteration % 3 == 0 ? randomBytes(random) : mutatedFrames(random);
      boolean authenticated = random.nextInt(4) != 0;
      long maxBulk = random.nextBoolean() ? ProtocolLimits.DEFAULT_MAX_BULK_BYTES : 1 + random.nextInt(64);
      ProtocolLimits limits = ProtocolLimits.DEFAULTS.withMaxBulkBytes(maxBulk);
      List<String> expected = ReferenceParser.parse(input, authenticated, maxBulk);
      for (String e : expected) {
        outcomes.add(e.startsWith("ERR ") ? e.replaceAll("got '.'", "got 'c'") : "request");
      }
      String what = "iteration " + iteration + ": " + java.util.HexFormat.of().formatHex(input) + " expected " + expected;

      List<List<String>> decodings = new ArrayList<>();
      try (DecoderHarness h = new DecoderHarness(limits, authenticated)) {
        decodings.add(new ArrayList<>(h.feed(input).decoded()));
      }
      try (DecoderHarness h = new DecoderHarness(limits, authenticated)) {
        decodings.add(new ArrayList<>(h.feedByteByByte(input).decoded()));
      }
      try (DecoderHarness h = new DecoderHarness(limits, authenticated)) {
        decodings.add(new ArrayList<>(h.feedSplit(input, randomCuts(random, input.length, 1 + random.nextInt(6)))
            .decoded()));
        // whatever follows an error is ignored
        boolean failed = h.decoder.error() != null;
        int before = h.decoded().size();
        h.feed(multibulk("PING"));
        if (failed) {
          assertThat(h.decoded()).as(what).hasSize(before);
        }
      }
      for (List<String> decoded : decodings) {
        assertThat(decoded).as(what).containsExactlyElementsOf(expected);
        long errors = decoded.stream().filter(s -> s.startsWith("ERR ") || s.startsWith("CLOSE ")).count();
        assertThat(errors).as(what).isLessThanOrEqualTo(1);
        if (errors == 1) {
          assertThat(decoded.get(decoded.size() - 1)).as(what).matches(s -> s.startsWith("ERR "));
        }
      }
    }
    // The generator must reach every kind of outcome, or the comparison above proves little.
    assertThat(outcomes).contains("request", INVALID_COUNT, INVALID_LENGTH, UNBALANCED,
        "ERR Protocol error: expected '$', got 'c'", "ERR Protocol error: unauthenticated multibulk length");
  }

  private static final byte[] FUZZ_ALPHABET = bytes("*$\r\n\r\n0123456789-+ \t\"'\\xab\0\u00ffPINGSET");

  private static byte[] randomBytes(Random random) {
    byte[] b = new byte[random.nextInt(120)];
    for (int i = 0; i < b.length; i++) {
      b[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : FUZZ_ALPHABET[random.nextInt(FUZZ_ALPHABET.length)];
    }
    return b;
  }

  private static byte[] mutatedFrames(Random random) {
    StringBuilder sb = new StringBuilder();
    int frames = 1 + random.nextInt(5);
    for (int i = 0; i < frames; i++) {
      switch (random.nextInt(5)) {
        case 0 -> sb.append(multibulk("SET", "k" + i, "v".repeat(random.nextInt(20))));
        case 1 -> sb.append("GET k").append(i).append("\r\n");
        case 2 -> sb.append("ECHO \"a\\x41\\n\" 'b\\'c'\r\n");
        case 3 -> sb.append(random.nextBoolean() ? "*0\r\n" : "*-1\r\n");
        default -> sb.append(multibulk("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"));
      }
    }
    byte[] b = bytes(sb.toString());
    int mutations = random.nextInt(4);
    for (int m = 0; m < mutations && b.length > 0; m++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(5)) {
        case 0 -> b[at] = FUZZ_ALPHABET[random.nextInt(FUZZ_ALPHABET.length)];
        case 1 -> b[at] = (byte) random.nextInt(256);
        case 2 -> b = Arrays.copyOf(b, at); // truncate
        case 3 -> { // delete one byte
          byte[] shorter = new byte[b.length - 1];
          System.arraycopy(b, 0, shorter, 0, at);
          System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
          b = shorter;
        }
        default -> { // insert one byte
          byte[] longer = new byte[b.length + 1];
          System.arraycopy(b, 0, longer, 0, at);
          longer[at] = FUZZ_ALPHABET[random.nextInt(FUZZ_ALPHABET.length)];
          System.arraycopy(b, at, longer, at + 1, b.length - at);
          b = longer;
        }
      }
    }
    return b;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static String multibulk(String... args) {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }

  private static int[] randomCuts(Random random, int length, int count) {
    int[] cuts = new int[count];
    for (int i = 0; i < count; i++) {
      cuts[i] = length == 0 ? 0 : random.nextInt(length + 1);
    }
    Arrays.sort(cuts);
    return cuts;
  }
}
