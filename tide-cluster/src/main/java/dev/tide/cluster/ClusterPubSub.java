package dev.tide.cluster;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import dev.tide.cluster.map.Member;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.slots.Slots;
import dev.tide.server.pubsub.PubSubRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Pub/sub across the cluster's nodes, over the nodes' bus (the JRaft RPC server each node already
 * runs): PUBLISH reaches subscribers on every node, as Redis Cluster broadcasts it over its bus;
 * SPUBLISH reaches subscribers on every replica of the channel's slot's partition, as Redis sends
 * a shard message to the shard's master and replicas.
 *
 * <p><b>Flow.</b> PUBLISH runs as in single-node mode on the node that got it (delivering to its
 * own subscribers and replying their count, as a Redis Cluster node replies its local count),
 * then hands the message to this class's sender thread, which sends one {@link Message} per
 * other node ({@link RpcClient#invokeAsync}). A receiving node's processor delivers it to its
 * local subscribers on its own thread. One sender and one receiver thread per node keep one
 * publisher node's messages in order at each subscriber node.
 *
 * <p><b>Bounds.</b> The sender's queue holds {@link #MAX_OUTBOUND_MESSAGES}, the receiver's
 * {@link #MAX_INBOUND_MESSAGES}, and at most {@link #MAX_IN_FLIGHT_RPCS} sends await their
 * acknowledgement; beyond any of these a message is dropped and counted ({@link #dropped()}),
 * never blocking a client's event loop. Pub/sub is fire-and-forget in Redis as well: a message
 * published while a node is unreachable is not delivered there.
 *
 * <p><b>Wire.</b> Bolt (JRaft's RPC) serializes these plain classes with Hessian, its default for
 * classes without a registered protobuf serializer; the request class name is the processor's key.
 */
final class ClusterPubSub implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterPubSub.class);

  /** Messages waiting for the sender thread (each goes to every target node): a burst of 10 k. */
  static final int MAX_OUTBOUND_MESSAGES = 10_000;
  /** Messages received and waiting for local delivery. */
  static final int MAX_INBOUND_MESSAGES = 10_000;
  /** Sends awaiting their acknowledgement, over all targets. */
  static final int MAX_IN_FLIGHT_RPCS = 10_000;
  /** How long a send waits for its acknowledgement before it counts as lost. */
  static final int RPC_TIMEOUT_MS = 2_000;

  /** One published message on the bus. */
  public static final class Message implements Serializable {
    private static final long serialVersionUID = 1L;
    /** 0: channel (PUBLISH), 1: shard channel (SPUBLISH). */
    public byte kind;
    public byte[] channel;
    public byte[] message;

    public Message() {
    }
  }

  /** The receiver's acknowledgement. */
  public static final class Ack implements Serializable {
    private static final long serialVersionUID = 1L;

    public Ack() {
    }
  }

  private final ClusterNode node;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT_RPCS);
  private final ThreadPoolExecutor sender;
  private final ThreadPoolExecutor receiver;
  private volatile RpcClient client;

  ClusterPubSub(ClusterNode node) {
    this.node = node;
    this.sender = boundedThread("tide-pubsub-send", MAX_OUTBOUND_MESSAGES);
    this.receiver = boundedThread("tide-pubsub-deliver", MAX_INBOUND_MESSAGES);
  }

  private ThreadPoolExecutor boundedThread(String name, int queue) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        }, (r, executor) -> dropped.increment());
    return pool;
  }

  /** Registers the receiving processor on the node's bus and opens the sending client. */
  void start(RpcServer server) {
    server.registerProcessor(new RpcProcessor<Message>() {
      @Override
      public void handleRequest(RpcContext ctx, Message m) {
        received.increment();
        PubSubRegistry.Kind kind = m.kind == 1 ? PubSubRegistry.Kind.SHARD : PubSubRegistry.Kind.CHANNEL;
        try {
          node.server().pubSub().publish(kind, m.channel, m.message, null, node.server().now());
        } finally {
          ctx.sendResponse(new Ack());
        }
      }

      @Override
      public String interest() {
        return Message.class.getName();
      }

      @Override
      public Executor executor() {
        return receiver;
      }
    });
    RpcClient c = RpcFactoryHelper.rpcFactory().createRpcClient();
    c.init(new RpcOptions());
    client = c;
  }

  /** Messages dropped because a queue or the in-flight limit was full, or a send failed. */
  long dropped() {
    return dropped.sum();
  }

  long received() {
    return received.sum();
  }

  /**
   * SPUBLISH and SSUBSCRIBE go to a node holding a replica of their channels' slot (leader or
   * follower, as Redis lets a replica serve them); channels of one SSUBSCRIBE must share a slot.
   * Returns the error to reply (CROSSSLOT, MOVED, TRYAGAIN) or null.
   */
  String checkShardChannels(CommandSpec spec, byte[][] argv) {
    int from;
    int to;
    switch (spec.name()) {
      case "spublish" -> {
        from = 1;
        to = 2;
      }
      case "ssubscribe" -> {
        from = 1;
        to = argv.length;
      }
      default -> {
        return null;
      }
    }
    int slot = Slots.slot(argv[from]);
    for (int i = from + 1; i < to; i++) {
      if (Slots.slot(argv[i]) != slot) {
        return ClusterRouter.CROSSSLOT;
      }
    }
    int p = node.map().partitionOf(slot);
    if (node.partition(p) == null) {
      Member leader = node.leaderOf(p);
      return leader == null ? ClusterRouter.NO_LEADER : "MOVED " + slot + " " + leader.clientAddress();
    }
    return null;
  }

  /** After PUBLISH or SPUBLISH ran on this node: sends the message to the other nodes that must see it. */
  void afterCommand(CommandSpec spec, byte[][] argv) {
    byte kind;
    List<Member> targets = new ArrayList<>();
    switch (spec.name()) {
      case "publish" -> {
        kind = 0;
        for (Member m : node.map().members()) {
          if (!m.id().equals(node.self().id())) {
            targets.add(m);
          }
        }
      }
      case "spublish" -> {
        kind = 1;
        for (Member m : node.map().replicas(node.map().partitionOf(Slots.slot(argv[1])))) {
          if (!m.id().equals(node.self().id())) {
            targets.add(m);
          }
        }
      }
      default -> {
        return;
      }
    }
    if (targets.isEmpty()) {
      return;
    }
    Message m = new Message();
    m.kind = kind;
    m.channel = argv[1];
    m.message = argv[2];
    sender.execute(() -> send(m, targets));
  }

  private void send(Message m, List<Member> targets) {
    RpcClient c = client;
    if (c == null) {
      dropped.add(targets.size());
      return;
    }
    for (Member target : targets) {
      if (!inFlight.tryAcquire()) {
        dropped.increment();
        continue;
      }
      try {
        c.invokeAsync(new Endpoint(target.host(), target.busPort()), m, new InvokeCallback() {
          @Override
          public void complete(Object result, Throwable err) {
            inFlight.release();
            if (err != null) {
              dropped.increment();
              log.debug("pub/sub message to {} lost: {}", target, err.toString());
            }
          }
        }, RPC_TIMEOUT_MS);
      } catch (Exception e) {
        inFlight.release();
        dropped.increment();
        log.debug("pub/sub message to {} not sent: {}", target, e.toString());
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
    receiver.shutdownNow();
    RpcClient c = client;
    client = null;
    if (c != null) {
      c.shutdown();
    }
  }
}
