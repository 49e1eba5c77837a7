package dev.tide.cluster.controller;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bus messages' own encoding: every field survives, damaged or unknown input is refused. */
class BusSerializerTest {

  @Test
  void everyMessageKeepsItsFields() throws IOException {
    BusMessages.JoinRequest join = new BusMessages.JoinRequest();
    join.clusterId = "";
    join.name = "n4";
    join.host = "10.0.0.4";
    join.port = 7104;
    join.busPort = 17104;
    join.zone = null;
    BusMessages.JoinRequest j = (BusMessages.JoinRequest) BusSerializer.decode(BusMessages.JoinRequest.class.getName(),
        BusSerializer.encode(join));
    assertThat(j).usingRecursiveComparison().isEqualTo(join);

    BusMessages.Reply reply = BusMessages.Reply.of(BusMessages.Reply.REDIRECT, "not the leader");
    reply.leader = "127.0.0.1:17101";
    reply.controllers = "127.0.0.1:17101,127.0.0.1:17102";
    reply.state = new byte[] {1, 2, 3};
    assertThat(BusSerializer.decode(BusMessages.Reply.class.getName(), BusSerializer.encode(reply)))
        .usingRecursiveComparison().isEqualTo(reply);

    BusMessages.MapRequest poll = new BusMessages.MapRequest();
    poll.knownEpoch = 42;
    poll.fromId = "abc";
    assertThat(BusSerializer.decode(BusMessages.MapRequest.class.getName(), BusSerializer.encode(poll)))
        .usingRecursiveComparison().isEqualTo(poll);

    BusMessages.MapNotice notice = new BusMessages.MapNotice();
    notice.clusterId = "c";
    notice.epoch = 7;
    notice.leader = null;
    assertThat(BusSerializer.decode(BusMessages.MapNotice.class.getName(), BusSerializer.encode(notice)))
        .usingRecursiveComparison().isEqualTo(notice);

    BusMessages.ProposeRequest propose = new BusMessages.ProposeRequest();
    propose.clusterId = "c";
    propose.command = new MapCommand.SetSlots(0, 1, 2).encode();
    assertThat(BusSerializer.decode(BusMessages.ProposeRequest.class.getName(), BusSerializer.encode(propose)))
        .usingRecursiveComparison().isEqualTo(propose);
  }

  @Test
  void damagedOrForeignInputIsRefused() throws IOException {
    byte[] ok = BusSerializer.encode(BusMessages.Reply.of(BusMessages.Reply.OK, null));
    assertThatThrownBy(() -> BusSerializer.decode("java.lang.Runtime", ok)).hasMessageContaining("not a bus message");
    byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 2);
    assertThatThrownBy(() -> BusSerializer.decode(BusMessages.Reply.class.getName(), truncated))
        .isInstanceOf(IOException.class);
    byte[] future = ok.clone();
    future[0] = 9;
    assertThatThrownBy(() -> BusSerializer.decode(BusMessages.Reply.class.getName(), future))
        .hasMessageContaining("version 9");
  }
}
