package dev.tide.cluster.controller;

import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import dev.tide.cluster.map.Member;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** The node bus: JRaft's shared RPC server on the bus port, carrying every group's and the controller's messages. */
public final class Bus {

  private Bus() {
  }

  /**
   * Starts the bus on {@code self}'s bus address. Bolt reports a busy port only as "init failed",
   * so the port is first tried with a plain socket to give the operator the real reason. {@code create}
   * makes the server (the node storage's, which guards votes of recovering groups).
   */
  public static RpcServer listen(Member self, java.util.function.Function<Endpoint, RpcServer> create)
      throws IOException {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(self.host(), self.busPort()));
    } catch (IOException e) {
      throw new IOException("cannot listen on bus port " + self.busPort() + " of " + self.host() + ": "
          + e.getMessage() + " (is another Tide node or process using it?); choose another --bus-port or stop that "
          + "process", e);
    }
    RpcServer server = create.apply(new Endpoint(self.host(), self.busPort()));
    if (!server.init(null)) {
      throw new IOException("cannot listen on bus port " + self.busPort() + " of " + self.host()
          + " (is another Tide node or process using it?); choose another --bus-port or stop that process");
    }
    return server;
  }
}
