package dev.tide.cluster.controller;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.rpc.RpcServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * This node's replica of the controller group ({@link #GROUP_ID}): a SOFAJRaft group on the
 * node's shared RPC server whose state machine ({@link ControllerFsm}) holds the cluster map.
 * Only the voters named in the map (the first min(5, n) bootstrap members) run one.
 */
public final class Controller {

  /** Raft group id of the controller; partition groups are "p0", "p1", ... so it cannot clash. */
  public static final String GROUP_ID = "ctl";

  private final ControllerFsm fsm;
  private RaftGroupService service;
  private volatile Node node;

  public Controller(ControllerFsm fsm) {
    this.fsm = fsm;
  }

  /** Starts the group with its files under {@code dir}; {@code voters} is its first configuration. */
  public void start(RpcServer rpcServer, PeerId self, List<PeerId> voters, Path dir, NodeOptions template)
      throws IOException {
    Files.createDirectories(dir);
    NodeOptions opts = template.copy();
    opts.setFsm(fsm);
    opts.setInitialConf(new Configuration(voters));
    opts.setLogUri(dir.resolve("log").toString());
    opts.setRaftMetaUri(dir.resolve("meta").toString());
    opts.setSnapshotUri(dir.resolve("snapshot").toString());
    service = new RaftGroupService(GROUP_ID, self, opts, rpcServer, true);
    node = service.start(false);
  }

  /** The controller group's Raft node here (for configuration changes by the leader), or null before start. */
  public Node node() {
    return node;
  }

  public ControllerFsm fsm() {
    return fsm;
  }

  /** The recorded state, or null before the first map is recorded. */
  public ClusterState state() {
    return fsm.state();
  }

  public boolean isLeader() {
    Node n = node;
    return n != null && n.isLeader() && fsm.leaderTerm() >= 0;
  }

  /** The controller leader's bus address as this replica knows it, or null. */
  public PeerId leaderId() {
    Node n = node;
    if (n == null) {
      return null;
    }
    PeerId leader = n.getLeaderId();
    return leader == null || leader.isEmpty() ? null : leader;
  }

  /**
   * Proposes a command; the future completes with its result once applied here, or exceptionally
   * ({@link ControllerFsm.NotLeaderException}) when this replica does not lead or loses leadership
   * before the entry commits.
   */
  public CompletableFuture<ClusterState.Result> propose(MapCommand command) {
    ControllerFsm.Proposal proposal = new ControllerFsm.Proposal();
    Node n = node;
    long term = fsm.leaderTerm();
    if (n == null || term < 0) {
      proposal.future.completeExceptionally(new ControllerFsm.NotLeaderException("this node does not lead the controller"));
      return proposal.future;
    }
    Task task = new Task(ByteBuffer.wrap(command.encode()), proposal);
    task.setExpectedTerm(term);
    n.apply(task);
    return proposal.future;
  }

  public void shutdown() {
    if (service != null) {
      service.shutdown();
    }
  }

  public void join() throws InterruptedException {
    if (service != null) {
      service.join();
    }
  }
}
