package dev.tide.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reply encoding for RESP2 and RESP3 clients. Expected bytes are what redis-server 7.0 sends for
 * the same reply shape (e.g. HGETALL is a map, ZSCORE a double, SISMEMBER... an integer in both).
 */
class RespReplyWriterTest {

  private static String encode(int protocol, Consumer<Reply> write) {
    ByteBuf buf = Unpooled.buffer();
    try {
      write.accept(new RespReplyWriter(buf, protocol));
      return buf.toString(StandardCharsets.ISO_8859_1);
    } finally {
      buf.release();
    }
  }

  private static void both(Consumer<Reply> write, String resp2, String resp3) {
    assertThat(encode(2, write)).as("RESP2").isEqualTo(resp2);
    assertThat(encode(3, write)).as("RESP3").isEqualTo(resp3);
  }

  @Test
  void simpleStringsErrorsAndIntegersAreTheSameInBothProtocols() {
    both(Reply::ok, "+OK\r\n", "+OK\r\n");
    both(r -> r.simple("PONG"), "+PONG\r\n", "+PONG\r\n");
    both(r -> r.error("ERR syntax error"), "-ERR syntax error\r\n", "-ERR syntax error\r\n");
    both(r -> r.integer(0), ":0\r\n", ":0\r\n");
    both(r -> r.integer(127), ":127\r\n", ":127\r\n");
    both(r -> r.integer(128), ":128\r\n", ":128\r\n");
    both(r -> r.integer(-1), ":-1\r\n", ":-1\r\n");
    both(r -> r.integer(Long.MAX_VALUE), ":9223372036854775807\r\n", ":9223372036854775807\r\n");
    both(r -> r.integer(Long.MIN_VALUE), ":-9223372036854775808\r\n", ":-9223372036854775808\r\n");
    both(r -> r.integer(1_000_000_007L), ":1000000007\r\n", ":1000000007\r\n");
  }

  @Test
  void lineBreaksInSimpleStringsAndErrorsBecomeSpaces() {
    both(r -> r.error("ERR unknown command 'a\r\nb'"), "-ERR unknown command 'a  b'\r\n",
        "-ERR unknown command 'a  b'\r\n");
    both(r -> r.simple("x\ny"), "+x y\r\n", "+x y\r\n");
  }

  @Test
  void nonAsciiTextIsWrittenAsUtf8WholeCodePoints() {
    String expected = "-ERR unknown command '" + new String("é😀".getBytes(StandardCharsets.UTF_8),
        StandardCharsets.ISO_8859_1) + "'\r\n";
    both(r -> r.error("ERR unknown command 'é😀'"), expected, expected);
  }

  @Test
  void bulkStringsAreBinarySafe() {
    byte[] value = {'a', '\r', '\n', 0, (byte) 0xff, 'z'};
    both(r -> r.bulk(value), "$6\r\na\r\n\0\u00ffz\r\n", "$6\r\na\r\n\0\u00ffz\r\n");
    both(r -> r.bulk(value, 1, 3), "$3\r\n\r\n\0\r\n", "$3\r\n\r\n\0\r\n");
    both(r -> r.bulk(""), "$0\r\n\r\n", "$0\r\n\r\n");
  }

  @Test
  void nullsAreTypedInResp2AndUnderscoreInResp3() {
    both(Reply::nullBulk, "$-1\r\n", "_\r\n");
    both(Reply::nullArray, "*-1\r\n", "_\r\n");
  }

  @Test
  void aggregatesFoldToArraysInResp2() {
    both(r -> r.array(0), "*0\r\n", "*0\r\n");
    both(r -> {
      r.array(2);
      r.bulk("a");
      r.integer(1);
    }, "*2\r\n$1\r\na\r\n:1\r\n", "*2\r\n$1\r\na\r\n:1\r\n");
    // HGETALL: a map of 2 pairs; RESP2 gets a flat array of 4
    both(r -> {
      r.map(2);
      r.bulk("f1");
      r.bulk("v1");
      r.bulk("f2");
      r.bulk("v2");
    }, "*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n", "%2\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n");
    both(r -> r.map(0), "*0\r\n", "%0\r\n");
    both(r -> r.set(3), "*3\r\n", "~3\r\n");
    both(r -> r.push(3), "*3\r\n", ">3\r\n");
  }

  @Test
  void doublesAreBulkStringsInResp2AndDoublesInResp3() {
    both(r -> r.doubleValue(1.5), "$3\r\n1.5\r\n", ",1.5\r\n");
    both(r -> r.doubleValue(0.1), "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n");
    both(r -> r.doubleValue(Double.POSITIVE_INFINITY), "$3\r\ninf\r\n", ",inf\r\n");
    both(r -> r.doubleValue(Double.NEGATIVE_INFINITY), "$4\r\n-inf\r\n", ",-inf\r\n");
    both(r -> r.doubleValue(3), "$1\r\n3\r\n", ",3\r\n");
  }

  @Test
  void booleansAreIntegersInResp2() {
    both(r -> r.bool(true), ":1\r\n", "#t\r\n");
    both(r -> r.bool(false), ":0\r\n", "#f\r\n");
  }

  @Test
  void verbatimStringsCarryTheirFormatInResp3Only() {
    both(r -> r.verbatim("txt", "# Server\r\nx:1\r\n"), "$15\r\n# Server\r\nx:1\r\n\r\n",
        "=19\r\ntxt:# Server\r\nx:1\r\n\r\n");
  }

  @Test
  void oneWriterServesBothProtocolsAfterReset() {
    ByteBuf first = Unpooled.buffer();
    ByteBuf second = Unpooled.buffer();
    try {
      RespReplyWriter writer = new RespReplyWriter(first, 2);
      writer.nullBulk();
      writer.reset(second, 3);
      writer.nullBulk();
      assertThat(writer.protocol()).isEqualTo(3);
      assertThat(first.toString(StandardCharsets.US_ASCII)).isEqualTo("$-1\r\n");
      assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("_\r\n");
    } finally {
      first.release();
      second.release();
    }
  }
}
