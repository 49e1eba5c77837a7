package dev.tide.cluster.status;

import dev.tide.protocol.RespReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TIDE.STATUS reply reads back into the same status under RESP2 and RESP3; JRaft's private fields are where the probe expects them. */
class NodeStatusWireTest {

  private static NodeStatus sample() {
    return new NodeStatus("n2", "a".repeat(40), "127.0.0.1", 7001, 17001, 4242, 65_000, 10, 2048, 1 << 20, -1, 3, 2,
        List.of(new NodeStatus.MemberInfo("a".repeat(40), "127.0.0.1", 7001, 17001),
            new NodeStatus.MemberInfo("b".repeat(40), "10.0.0.2", 7002, 27002)),
        List.of(new NodeStatus.PartitionStatus(0, "0-8191", "leader", true, "a".repeat(40),
                List.of("a".repeat(40), "b".repeat(40)), 7, 120, 119, 121, 6, 1024,
                List.of(new NodeStatus.FollowerStatus("b".repeat(40), 100, 21, false))),
            new NodeStatus.PartitionStatus(1, "8192-16383", "follower", false, "",
                List.of("b".repeat(40), "a".repeat(40)), -1, 0, 0, 0, 4, 1024, List.of())));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void writtenStatusParsesBackToTheSameValue(int protocol) throws Exception {
    NodeStatus s = sample();
    ByteBuf buf = Unpooled.buffer();
    s.write(new RespReplyWriter(buf, protocol));
    Object decoded = RespClient.read(new ByteBufInputStream(buf), 0);
    assertThat(NodeStatus.parse(decoded)).isEqualTo(s);
    assertThat(buf.isReadable()).as("one reply, nothing left over").isFalse();
  }

  @Test
  void anErrorReplyIsRefusedWithItsText() {
    assertThatThrownBy(() -> NodeStatus.parse(new RespClient.Error("ERR unknown command 'TIDE.STATUS'")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown command");
    assertThatThrownBy(() -> NodeStatus.parse(List.of("name", "n1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks");
  }

  @Test
  void theJraftFieldsTheProbeReadsExist() {
    assertThat(JraftProbe.available()).as("NodeImpl.currTerm and NodeImpl.replicatorGroup (JRaft 1.4.1)").isTrue();
  }
}
