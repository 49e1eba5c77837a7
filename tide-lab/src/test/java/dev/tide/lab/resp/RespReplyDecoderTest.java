package dev.tide.lab.resp;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reply decoder handles every reply type, whatever the fragmentation, and enforces its limits. */
class RespReplyDecoderTest {

  static final String REPLIES = "+OK\r\n-MOVED 3999 127.0.0.1:7001\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n"
      + "*3\r\n:1\r\n$1\r\na\r\n*1\r\n+x\r\n";

  static List<Object> decode(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      out.add(o);
    }
    return out;
  }

  static void checkReplies(List<Object> out) {
    assertThat(out).hasSize(7);
    assertThat(out.get(0)).isEqualTo("OK");
    assertThat(out.get(1)).isEqualTo(new RespError("MOVED 3999 127.0.0.1:7001"));
    assertThat(((RespError) out.get(1)).code()).isEqualTo("MOVED");
    assertThat(out.get(2)).isEqualTo(42L);
    assertThat(new String((byte[]) out.get(3), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(out.get(4)).isSameAs(RespReplyDecoder.NULL);
    assertThat(out.get(5)).isSameAs(RespReplyDecoder.NULL);
    List<?> arr = (List<?>) out.get(6);
    assertThat(arr.get(0)).isEqualTo(1L);
    assertThat(((List<?>) arr.get(2)).get(0)).isEqualTo("x");
  }

  @Test
  void decodesAllRepliesInOneChunk() {
    EmbeddedChannel ch = new EmbeddedChannel(new RespReplyDecoder());
    ch.writeInbound(Unpooled.copiedBuffer(REPLIES, StandardCharsets.UTF_8));
    checkReplies(decode(ch));
  }

  @Test
  void decodesTheSameRepliesFedOneByteAtATime() {
    EmbeddedChannel ch = new EmbeddedChannel(new RespReplyDecoder());
    byte[] b = REPLIES.getBytes(StandardCharsets.UTF_8);
    for (byte x : b) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {x}));
    }
    checkReplies(decode(ch));
  }

  @Test
  void rejectsOversizedBulkAndUnknownTypes() {
    EmbeddedChannel ch = new EmbeddedChannel(new RespReplyDecoder());
    assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer("$999999999999\r\n", StandardCharsets.US_ASCII)))
        .isInstanceOf(DecoderException.class).hasMessageContaining("exceeds");
    EmbeddedChannel ch2 = new EmbeddedChannel(new RespReplyDecoder());
    assertThatThrownBy(() -> ch2.writeInbound(Unpooled.copiedBuffer("?what\r\n", StandardCharsets.US_ASCII)))
        .isInstanceOf(DecoderException.class).hasMessageContaining("unexpected reply type");
  }
}
