package dev.tide.cluster.controller;

/**
 * The controller's messages on the node bus (JRaft's shared bolt RPC server on the bus port).
 * Bolt routes a request to the processor whose interest is the request's class name; the
 * messages are encoded by {@link BusSerializer} (Tide's own versioned format, not Java or Hessian
 * serialization), and the map and commands inside them as {@link ClusterState#encode} and
 * {@link MapCommand#encode} bytes.
 *
 * <ul>
 *   <li>{@link MapRequest} → {@link Reply}: "my map has epoch E; send yours if newer". Every node
 *       answers, from its controller replica when it has one, else from its cached map.</li>
 *   <li>{@link JoinRequest} → {@link Reply}: add me as a member. Only the controller leader acts;
 *       others answer {@link Reply#REDIRECT} with the leader (if known) and the controllers.</li>
 *   <li>{@link ProposeRequest} → {@link Reply}: propose a {@link MapCommand} (a member registering its
 *       name, reporting it is active; issue 5's replica moves). Leader only, as joins.</li>
 *   <li>{@link MapNotice} → {@link Reply}: the controller leader tells members a new epoch exists,
 *       so they fetch it at once instead of at their next poll.</li>
 * </ul>
 */
public final class BusMessages {

  private BusMessages() {
  }

  public static final class MapRequest {
    public long knownEpoch;
    public String fromId;
  }

  public static final class JoinRequest {
    /** Cluster id recorded in the joiner's data directory, or empty when it has none. */
    public String clusterId;
    public String name;
    public String host;
    public int port;
    public int busPort;
    public String zone;
  }

  public static final class ProposeRequest {
    public String clusterId;
    public byte[] command;
  }

  public static final class MapNotice {
    public String clusterId;
    public long epoch;
    /** Bus address (host:port) of the controller leader that sent it. */
    public String leader;
  }

  /** "How far is the move of this partition on your side?" Answered by any node (replica or not). */
  public static final class MoveProbe {
    public int partition;
  }

  /** A node's view of a moving partition: its Raft role and indexes, the leader's move phase, snapshot bytes. */
  public static final class MoveProbeReply {
    /** leader, follower, learner (a follower outside the voters), or none (no replica here). */
    public String role;
    /** The move executor's phase on the leader, else empty. */
    public String phase;
    /** On the leader: how many entries the destination's replicator is behind; -1 unknown. */
    public long lagEntries;
    /** Snapshot bytes this node sent or received for the partition since it started it. */
    public long snapshotBytes;
    /** Size of this node's newest snapshot of the partition (what a new learner downloads). */
    public long snapshotSize;
    public long appliedIndex;
    public long lastLogIndex;
  }

  public static final class Reply {
    /** Done; {@link #state} holds the map when the request asks for one and it is newer. */
    public static final int OK = 0;
    /** Not the controller leader: try {@link #leader} if set, else one of {@link #controllers}. */
    public static final int REDIRECT = 1;
    /** Refused for a reason retrying will not fix; {@link #message} says what to change. */
    public static final int REFUSED = 2;
    /** Cannot answer now (no controller leader yet, map not recorded yet); retry shortly. */
    public static final int UNAVAILABLE = 3;

    public int outcome;
    public String message;
    /** Bus address (host:port) of the controller leader as the replier knows it, or null. */
    public String leader;
    /** Bus addresses of the controller voters, comma-separated, or null. */
    public String controllers;
    /** {@link ClusterState#encode} bytes, or null. */
    public byte[] state;

    static Reply of(int outcome, String message) {
      Reply r = new Reply();
      r.outcome = outcome;
      r.message = message;
      return r;
    }
  }
}
