package dev.tide.cluster.raft.storage;

import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RaftServerService;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcRequestClosure;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequestHeader;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteResponse;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;
import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.RequestVoteRequestProcessor;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.google.protobuf.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Creates the node's JRaft RPC server with JRaft's own processors, except that (pre-)vote
 * requests for a group that is recovering its log on this node are refused, and appends run on a
 * few shared lanes instead of a thread per group and peer pair.
 *
 * <p>A replica that lost log entries (damage, or unsynced writes lost with the machine) may have
 * acknowledged entries it no longer holds. If it voted, a candidate missing a committed entry
 * could win with its vote once another replica is down too, and the committed entry would be
 * lost. Until {@link NodeStorage} has seen it catch up with a leader, it answers "not granted"
 * (with term 0, so the candidate neither counts it nor changes term), exactly as a replica that
 * is down. It still accepts entries and snapshots from a leader.
 */
final class GuardedRaftRpcServer {

  private static final Logger log = LoggerFactory.getLogger(GuardedRaftRpcServer.class);
  /** At most one "refused a vote" line per group per this many ms (candidates retry every election timeout). */
  private static final long LOG_EVERY_MS = 10_000;

  private GuardedRaftRpcServer() {
  }

  static RpcServer create(Endpoint endpoint, Predicate<String> refusesVotes, Executor executor,
                          Executor[] appendLanes) {
    RpcServer server = RpcFactoryHelper.rpcFactory().createRpcServer(endpoint);
    // Register JRaft's processor list through a view that swaps the vote processor.
    RaftRpcServerFactory.addRaftRequestProcessors(new RpcServer() {
      @Override
      public void registerConnectionClosedEventListener(ConnectionClosedEventListener listener) {
        server.registerConnectionClosedEventListener(listener);
      }

      @Override
      public void registerProcessor(RpcProcessor<?> processor) {
        if (processor instanceof RequestVoteRequestProcessor) {
          server.registerProcessor(new GuardedVoteProcessor(processor.executor(), refusesVotes));
        } else if (processor instanceof AppendEntriesRequestProcessor append) {
          server.registerProcessor(new LaneAppendProcessor(append, appendLanes));
        } else {
          server.registerProcessor(processor);
        }
      }

      @Override
      public int boundPort() {
        return server.boundPort();
      }

      @Override
      public boolean isStarted() {
        return server.isStarted();
      }

      @Override
      public boolean init(Void opts) {
        return server.init(opts);
      }

      @Override
      public void shutdown() {
        server.shutdown();
      }
    }, executor, executor);
    return server;
  }

  /**
   * JRaft's append processor, run on a few shared lanes instead of one thread per (group, leader,
   * follower) pair. A pair always maps to the same single-threaded lane, so its requests are still
   * handled in arrival order, which JRaft's pipelined replication needs; handling an append only
   * queues the entries for the group's log thread, so lanes are not held by disk writes.
   */
  private static final class LaneAppendProcessor implements RpcProcessor<AppendEntriesRequest> {
    private final AppendEntriesRequestProcessor inner;
    private final Executor[] lanes;

    LaneAppendProcessor(AppendEntriesRequestProcessor inner, Executor[] lanes) {
      this.inner = inner;
      this.lanes = lanes;
    }

    @Override
    public void handleRequest(RpcContext ctx, AppendEntriesRequest request) {
      inner.handleRequest(ctx, request);
    }

    @Override
    public String interest() {
      return inner.interest();
    }

    @Override
    public Executor executor() {
      return inner.executor();
    }

    @Override
    public ExecutorSelector executorSelector() {
      return (reqClass, header) -> {
        if (!(header instanceof AppendEntriesRequestHeader h)) {
          return inner.executor();
        }
        // Replies of a pipelined pair must leave in order; bolt keeps a connection's messages in
        // order only with this switch, which JRaft's own selector sets the same way.
        RpcFactoryHelper.rpcFactory().ensurePipeline();
        int key = Objects.hash(h.getGroupId(), h.getPeerId(), h.getServerId());
        return lanes[Math.floorMod(key, lanes.length)];
      };
    }
  }

  private static final class GuardedVoteProcessor extends RequestVoteRequestProcessor {
    private final Predicate<String> refusesVotes;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    GuardedVoteProcessor(Executor executor, Predicate<String> refusesVotes) {
      super(executor);
      this.refusesVotes = refusesVotes;
    }

    @Override
    public Message processRequest0(RaftServerService service, RequestVoteRequest request, RpcRequestClosure done) {
      String group = request.getGroupId();
      if (refusesVotes.test(group)) {
        long now = System.nanoTime() / 1_000_000;
        Long last = lastLogged.get(group);
        if (last == null || now - last >= LOG_EVERY_MS) {
          lastLogged.put(group, now);
          log.warn("group {}: refusing {} from {} (term {}): this replica is recovering its log and has not caught up "
              + "with a leader yet", group, request.getPreVote() ? "pre-vote" : "vote", request.getServerId(),
              request.getTerm());
        }
        return RequestVoteResponse.newBuilder().setTerm(0).setGranted(false).build();
      }
      return super.processRequest0(service, request, done);
    }
  }
}
