package dev.tide.autoscaler.actuator;

import dev.tide.server.testing.TideTestServer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drain hook's wire form: fails safe against today's nodes, reads the contract's replies. */
class RespDrainHookTest {

  @Test
  void todaysNodesDoNotKnowTheCommandSoADrainIsNeverConfirmed() throws Exception {
    try (TideTestServer node = TideTestServer.start()) {
      RespDrainHook hook = new RespDrainHook(5_000, null);
      DrainHook.Node n = new DrainHook.Node("tide-0", 0, "127.0.0.1", node.port());
      assertThatThrownBy(() -> hook.startDrain(n)).hasMessageContaining("unknown command");
      DrainHook.Progress p = hook.progress(n);
      assertThat(p.state()).isEqualTo(DrainHook.State.FAILED);
      assertThat(p.detail()).contains("unknown command");
    }
  }

  /**
   * A node speaking the contract, answering from a script: one connection per call, the request's
   * words recorded. (A stand-in for the elasticity work's implementation, which does not exist yet.)
   */
  @Test
  void theContractsRepliesAreRead() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    List<String> replies = List.of("+OK\r\n", "*2\r\n$8\r\ndraining\r\n$12\r\n3 of 8 moved\r\n",
        "*2\r\n$7\r\ndrained\r\n$0\r\n\r\n", "*2\r\n$7\r\nserving\r\n$0\r\n\r\n", "+OK\r\n", "-ERR busy\r\n");
    try (ServerSocket server = new ServerSocket(0)) {
      Thread t = Thread.ofPlatform().start(() -> {
        for (String reply : replies) { // bounded: one connection per scripted reply
          try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            int n = Integer.parseInt(in.readLine().substring(1));
            StringBuilder words = new StringBuilder();
            for (int i = 0; i < n; i++) {
              in.readLine();
              words.append(i == 0 ? "" : " ").append(in.readLine());
            }
            received.add(words.toString());
            OutputStream out = s.getOutputStream();
            out.write(reply.getBytes(StandardCharsets.UTF_8));
            out.flush();
          } catch (IOException e) {
            return;
          }
        }
      });
      RespDrainHook hook = new RespDrainHook(5_000, null);
      DrainHook.Node n = new DrainHook.Node("tide-0", 0, "127.0.0.1", server.getLocalPort());
      hook.startDrain(n);
      assertThat(hook.progress(n)).isEqualTo(new DrainHook.Progress(DrainHook.State.DRAINING, "3 of 8 moved"));
      assertThat(hook.progress(n).state()).isEqualTo(DrainHook.State.DRAINED);
      assertThat(hook.progress(n).state()).as("a serving node is not draining").isEqualTo(DrainHook.State.FAILED);
      hook.cancelDrain(n);
      assertThatThrownBy(() -> hook.startDrain(n)).hasMessageContaining("ERR busy");
      t.join(10_000);
      assertThat(received).containsExactly("TIDE.NODE DRAIN", "TIDE.NODE DRAINSTATUS", "TIDE.NODE DRAINSTATUS",
          "TIDE.NODE DRAINSTATUS", "TIDE.NODE UNDRAIN", "TIDE.NODE DRAIN");
    }
  }
}
