package dev.tide.cluster.controller;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import dev.tide.cluster.map.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A node's view of the cluster map and its line to the controller.
 *
 * <p><b>What it does.</b> Holds the node's current {@link ClusterState} (the highest epoch seen),
 * caches it in the data directory ({@link #CACHE_FILE}) so a node restarts from its last map, and
 * hands every new epoch to the {@link MapListener}s in order (the node starts the groups of
 * partitions newly placed on it; issue 5's replica moves plug in the same way). It keeps the map
 * fresh by asking a controller voter every {@code pollIntervalMs} ({@link BusMessages.MapRequest}),
 * at once when the controller leader announces a new epoch ({@link BusMessages.MapNotice}), and,
 * on a controller voter, straight from its own controller replica. It runs this node's
 * controller replica ({@link #startController}), serves the controller's bus requests (joins and
 * proposals at the leader, redirects elsewhere), joins a running cluster ({@link #join}) and keeps
 * the controller's record of this node right: its name, zone, and {@code active} once it serves.
 *
 * <p><b>Threads.</b> One "map thread" per node runs polls, installs, listeners, registration and
 * periodic work scheduled with {@link #every} (the leader balancer), so listeners see epochs one at
 * a time and in order. Bus requests run on one small bus thread with a bounded queue; requests
 * that wait for a controller commit reply from JRaft's closure thread. Blocking calls have
 * timeouts ({@link #RPC_TIMEOUT_MS}), so the map thread never waits for long.
 */
public final class MapSync implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MapSync.class);

  /** The node's cached map in its data directory. */
  public static final String CACHE_FILE = "cluster.map";
  /** How often a node asks the controller for a newer map (issue 4: "polled every ~1 s"). */
  public static final long DEFAULT_POLL_INTERVAL_MS = 1000;
  /** Timeout of one bus call: a loopback or LAN round trip plus a controller commit is far below it. */
  static final int RPC_TIMEOUT_MS = 2000;
  /** Pause between join attempts while no controller leader answers (elections take ~0.3-1 s here). */
  static final long JOIN_RETRY_PAUSE_MS = 250;
  /** Bus requests waiting for the bus thread; beyond this bolt answers "busy" and the caller retries. */
  static final int BUS_QUEUE_LIMIT = 1024;
  /** Longest wait to stop the map thread on close (it only ever blocks for one bus call). */
  static final long CLOSE_WAIT_MS = 5000;

  /** Who this node is. */
  public record Settings(Member self, String name, String zone, Path dataDir, long pollIntervalMs) {
  }

  private final Settings settings;
  private final RpcClient client;
  private final ScheduledExecutorService mapThread;
  private final ThreadPoolExecutor busThread;
  private final Executor noticeThread;
  private final AtomicReference<ClusterState> pendingNotice = new AtomicReference<>();
  private final List<MapListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private volatile ClusterState state;
  private volatile Controller controller;
  private volatile ClusterState bootstrapState;
  /** Bus address ("host:port") of the controller leader as last heard, or null. */
  private volatile String leaderHint;
  private NodeIdentity identity;
  private boolean identityStored;
  private int pollCursor;
  private long registrationRefusedAtEpoch = -1;
  private volatile boolean closed;

  public MapSync(Settings settings, NodeIdentity identity, boolean identityStored) {
    this.settings = settings;
    this.identity = identity;
    this.identityStored = identityStored;
    String tag = settings.name();
    this.mapThread = Executors.newSingleThreadScheduledExecutor(daemon("tide-map-" + tag));
    this.busThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(BUS_QUEUE_LIMIT),
        daemon("tide-bus-" + tag));
    this.noticeThread = Executors.newSingleThreadExecutor(daemon("tide-notice-" + tag));
    BusSerializer.register();
    RpcOptions options = new RpcOptions();
    options.setRpcConnectTimeoutMs(RPC_TIMEOUT_MS / 2);
    this.client = RpcFactoryHelper.rpcFactory().createRpcClient();
    this.client.init(options);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Reads a data directory's cached map, or null when there is none. */
  public static ClusterState readCache(Path dataDir) throws IOException {
    Path file = dataDir.resolve(CACHE_FILE);
    return Files.exists(file) ? StateFile.read(file) : null;
  }

  public ClusterState state() {
    return state;
  }

  public Controller controller() {
    return controller;
  }

  public void addListener(MapListener listener) {
    listeners.add(listener);
  }

  /** Runs {@code task} once on the map thread (where map listeners run). */
  public void runOnMapThread(Runnable task) {
    mapThread.execute(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("cluster task failed", e);
      }
    });
  }

  /** Runs {@code task} on the map thread every {@code periodMs} (after the same delay first). */
  public void every(long periodMs, Runnable task) {
    mapThread.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("periodic cluster task failed", e);
      }
    }, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  /** Member id of the controller leader as this node knows it, or null. */
  public String controllerLeaderId() {
    String bus = leaderBusAddress();
    ClusterState s = state;
    if (bus == null || s == null) {
      return null;
    }
    Endpoint e = parseEndpoint(bus);
    Member m = e == null ? null : s.memberAtBus(e.getIp(), e.getPort());
    return m == null ? null : m.id();
  }

  private String leaderBusAddress() {
    Controller c = controller;
    ClusterState s = state;
    // a replica the map no longer lists as a voter may be cut off: its idea of the leader may be stale
    if (c != null && (s == null || s.isController(settings.self().id()))) {
      PeerId leader = c.leaderId();
      return leader == null ? null : leader.getIp() + ":" + leader.getPort();
    }
    return leaderHint;
  }

  // ---- installing maps ------------------------------------------------------------------------------

  /** Installs the map the node starts from, on the calling thread (before the map thread runs). */
  public void installFirst(ClusterState first) {
    install(first);
  }

  /**
   * Makes {@code next} the node's map if its epoch is higher than the current one: caches it,
   * records the cluster id in the identity, and calls the listeners. Maps of another cluster are
   * ignored (with an error in the log).
   */
  private synchronized void install(ClusterState next) {
    ClusterState prev = state;
    if (next == null || closed) {
      return;
    }
    if (prev != null) {
      if (prev.isRecorded() && next.isRecorded() && !prev.clusterId().equals(next.clusterId())) {
        log.error("ignoring a map of cluster {}: this node is in cluster {}", next.clusterId(), prev.clusterId());
        return;
      }
      if (next.epoch() <= prev.epoch()) {
        return;
      }
    }
    state = next;
    if (next.isRecorded()) {
      try {
        StateFile.write(settings.dataDir().resolve(CACHE_FILE), next);
        if (!identityStored || !identity.clusterId().equals(next.clusterId())) {
          identity = identity.withClusterId(next.clusterId());
          identity.write(settings.dataDir());
          identityStored = true;
        }
      } catch (IOException e) {
        log.warn("cannot cache the cluster map in {}: {}", settings.dataDir(), e.getMessage());
      }
    }
    log.info("node {}: cluster map epoch {} ({})", settings.name(), next.epoch(), next);
    for (MapListener l : listeners) {
      try {
        l.onMap(prev, next);
      } catch (RuntimeException e) {
        log.error("map listener failed on epoch {}", next.epoch(), e);
      }
    }
  }

  // ---- the controller replica ---------------------------------------------------------------------

  /**
   * Starts this node's controller replica. {@code bootstrap} is the provisional map of a new
   * cluster (null on nodes that did not form it): the first leader records it with a fresh id.
   */
  public void startController(RpcServer rpcServer, PeerId self, List<PeerId> voters, Path dir, NodeOptions template,
                              ClusterState bootstrap) throws IOException {
    this.bootstrapState = bootstrap;
    ControllerFsm fsm = new ControllerFsm(this::onControllerChange, this::onControllerLeaderStart);
    Controller c = new Controller(fsm);
    c.start(rpcServer, self, voters, dir, template);
    this.controller = c;
  }

  /**
   * Stops this node's controller replica (it is no longer a voter) and deletes its files under
   * {@code dir}; the node keeps following the map from the remaining voters.
   */
  public void stopController(Path dir) throws IOException {
    Controller c = controller;
    if (c == null) {
      return;
    }
    controller = null;
    leaderHint = null;
    c.shutdown();
    try {
      c.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  /** FSM thread: a new recorded state; install it on the map thread and, as leader, tell the members. */
  private void onControllerChange(ClusterState s) {
    if (closed) {
      return;
    }
    mapThread.execute(() -> install(s));
    Controller c = controller;
    if (c != null && c.isLeader() && pendingNotice.getAndSet(s) == null) {
      noticeThread.execute(this::pushNotices);
    }
  }

  /** FSM thread: this replica leads the controller; record the bootstrap map if nothing is recorded. */
  private void onControllerLeaderStart(long term) {
    Controller c = controller;
    ClusterState boot = bootstrapState;
    if (c == null || boot == null || c.state() != null) {
      return;
    }
    ClusterState recorded = boot.recorded(UUID.randomUUID().toString());
    c.propose(new MapCommand.Init(recorded)).whenComplete((r, e) -> {
      if (e != null) {
        log.info("controller: recording the bootstrap map failed ({}); the next leader retries", e.getMessage());
      }
    });
  }

  /** Notice thread: tells every other live member that a new epoch exists (fire and forget). */
  private void pushNotices() {
    ClusterState s = pendingNotice.getAndSet(null);
    if (s == null || closed) {
      return;
    }
    BusMessages.MapNotice notice = new BusMessages.MapNotice();
    notice.clusterId = s.clusterId();
    notice.epoch = s.epoch();
    notice.leader = settings.self().busAddress();
    for (MemberInfo m : s.liveMembers()) {
      if (m.id().equals(settings.self().id())) {
        continue;
      }
      try {
        client.invokeAsync(new Endpoint(m.member().host(), m.member().busPort()), notice, (result, err) -> { },
            RPC_TIMEOUT_MS);
      } catch (Exception e) {
        log.debug("map notice to {} failed: {}", m.describe(), e.toString());
      }
    }
  }

  // ---- keeping the map fresh ----------------------------------------------------------------------

  /** Starts polling (and registering this node with the controller). */
  public void start() {
    every(settings.pollIntervalMs(), this::poll);
    refreshSoon();
  }

  /** Asks for a newer map now rather than at the next poll (coalesced). */
  public void refreshSoon() {
    if (closed || !refreshQueued.compareAndSet(false, true)) {
      return;
    }
    mapThread.execute(() -> {
      refreshQueued.set(false);
      poll();
    });
  }

  /** Map thread: fetch a newer map if there is one, then make sure the controller's record of this node is right. */
  private void poll() {
    if (closed) {
      return;
    }
    Controller c = controller;
    ClusterState mine = c == null ? null : c.state();
    if (mine != null) {
      install(mine);
    }
    // A follower replica of the controller may have been removed from the group (the voters
    // changed) and then hears nothing more, so it also asks the voters like any node; the leader
    // has the newest state itself.
    if (mine == null || !c.isLeader()) {
      ClusterState current = state;
      Endpoint target = nextTarget(current);
      if (target != null) {
        BusMessages.MapRequest req = new BusMessages.MapRequest();
        req.knownEpoch = current == null ? -1 : current.epoch();
        req.fromId = settings.self().id();
        try {
          BusMessages.Reply r = call(target, req);
          if (r.leader != null) {
            leaderHint = r.leader;
          }
          if (r.state != null) {
            install(ClusterState.decode(r.state));
          }
        } catch (IOException | IllegalArgumentException e) {
          leaderHint = null; // ask the next controller next time
          log.debug("map poll of {} failed: {}", target, e.getMessage());
        }
      }
    }
    register();
  }

  /** The controller to ask next: the known leader, else the voters in turn (skipping this node). */
  private Endpoint nextTarget(ClusterState s) {
    String hint = leaderBusAddress();
    if (hint != null) {
      Endpoint e = parseEndpoint(hint);
      if (e != null && !isSelf(e)) {
        return e;
      }
    }
    if (s == null) {
      return null;
    }
    List<Member> voters = s.controllerMembers();
    for (int i = 0; i < voters.size(); i++) {
      Member m = voters.get(Math.floorMod(pollCursor++, voters.size()));
      if (!m.id().equals(settings.self().id())) {
        return new Endpoint(m.host(), m.busPort());
      }
    }
    return null;
  }

  private boolean isSelf(Endpoint e) {
    return e.getPort() == settings.self().busPort() && e.getIp().equals(settings.self().host());
  }

  /**
   * Map thread: when the controller's record of this node differs from what it is (name, zone if
   * one was given; joining although it now serves), proposes the correction. A refusal (the name belongs to
   * another member) is logged once per epoch, not retried until the map changes.
   */
  private void register() {
    ClusterState s = state;
    if (s == null || !s.isRecorded() || registrationRefusedAtEpoch == s.epoch()) {
      return;
    }
    MemberInfo me = s.info(settings.self().id());
    if (me == null || me.state() == MemberState.LEFT) {
      return;
    }
    String name = me.name().equals(settings.name()) ? null : settings.name();
    // a zone given at start replaces the recorded one; a start without --zone keeps it
    String zone = settings.zone().isEmpty() || me.zone().equals(settings.zone()) ? null : settings.zone();
    MemberState next = me.state() == MemberState.JOINING ? MemberState.ACTIVE : null;
    if (name == null && zone == null && next == null) {
      return;
    }
    BusMessages.Reply r = propose(new MapCommand.UpdateMember(me.id(), name, next, zone));
    if (r.outcome == BusMessages.Reply.REFUSED) {
      registrationRefusedAtEpoch = s.epoch();
      log.error("node {}: the controller refused to record this node: {}", settings.name(), r.message);
    } else if (r.outcome == BusMessages.Reply.OK && r.state != null) {
      install(ClusterState.decode(r.state));
    }
  }

  /**
   * Proposes a command to the controller leader (locally when this node leads it) and waits at
   * most {@link #RPC_TIMEOUT_MS}. Not on the bus thread. {@link BusMessages.Reply#UNAVAILABLE}
   * or {@link BusMessages.Reply#REDIRECT} mean "try again later".
   */
  public BusMessages.Reply propose(MapCommand command) {
    Controller c = controller;
    if (c != null && c.isLeader()) {
      try {
        ClusterState.Result result = c.propose(command).get(RPC_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return resultReply(result);
      } catch (ExecutionException | TimeoutException e) {
        return BusMessages.Reply.of(BusMessages.Reply.UNAVAILABLE, "controller proposal failed: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return BusMessages.Reply.of(BusMessages.Reply.UNAVAILABLE, "interrupted");
      }
    }
    ClusterState s = state;
    Endpoint target = nextTarget(s);
    if (target == null) {
      return BusMessages.Reply.of(BusMessages.Reply.UNAVAILABLE, "no controller known");
    }
    BusMessages.ProposeRequest req = new BusMessages.ProposeRequest();
    req.clusterId = s == null ? "" : s.clusterId();
    req.command = command.encode();
    try {
      BusMessages.Reply r = call(target, req);
      if (r.leader != null) {
        leaderHint = r.leader;
      } else if (r.outcome == BusMessages.Reply.REDIRECT) {
        leaderHint = null;
      }
      return r;
    } catch (IOException e) {
      leaderHint = null;
      return BusMessages.Reply.of(BusMessages.Reply.UNAVAILABLE, e.getMessage());
    }
  }

  private static BusMessages.Reply resultReply(ClusterState.Result result) {
    if (!result.ok()) {
      return BusMessages.Reply.of(BusMessages.Reply.REFUSED, result.error());
    }
    BusMessages.Reply r = BusMessages.Reply.of(BusMessages.Reply.OK, null);
    r.state = result.state() == null ? null : result.state().encode();
    return r;
  }

  // ---- joining ------------------------------------------------------------------------------------

  /** A join the cluster refused or that could not reach it; the message says what to fix. */
  public static final class JoinException extends IOException {
    public JoinException(String message) {
      super(message);
    }
  }

  /**
   * Asks the cluster at {@code seeds} (bus addresses of any members) to add this node, following
   * redirects to the controller leader, for at most {@code timeoutMs}. Returns the map that
   * records this node. {@code clusterId} is the cluster the data directory belongs to ("" if none);
   * the controller refuses a node of another cluster.
   */
  public ClusterState join(List<Endpoint> seeds, String clusterId, long timeoutMs) throws JoinException {
    BusMessages.JoinRequest req = new BusMessages.JoinRequest();
    req.clusterId = clusterId;
    req.name = settings.name();
    req.host = settings.self().host();
    req.port = settings.self().port();
    req.busPort = settings.self().busPort();
    req.zone = settings.zone();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    List<Endpoint> targets = new ArrayList<>(seeds);
    String hint = null;
    String lastProblem = "no answer";
    boolean anyAnswered = false;
    int next = 0;
    while (System.nanoTime() < deadline && !closed) {
      Endpoint target;
      if (hint != null) {
        target = parseEndpoint(hint);
        hint = null;
      } else {
        target = targets.get(next++ % targets.size());
      }
      if (target == null) {
        continue;
      }
      try {
        BusMessages.Reply r = call(target, req);
        anyAnswered = true;
        switch (r.outcome) {
          case BusMessages.Reply.OK -> {
            ClusterState s = ClusterState.decode(r.state);
            if (s.info(settings.self().id()) == null) {
              throw new JoinException("the controller accepted the join but its map does not list this node");
            }
            leaderHint = target.getIp() + ":" + target.getPort();
            return s;
          }
          case BusMessages.Reply.REFUSED -> throw new JoinException("the cluster refused this node: " + r.message);
          case BusMessages.Reply.REDIRECT -> {
            hint = r.leader;
            if (r.controllers != null) {
              for (String c : r.controllers.split(",")) {
                Endpoint e = parseEndpoint(c);
                if (e != null && !targets.contains(e)) {
                  targets.add(e);
                }
              }
            }
            lastProblem = target + " is not the controller leader"
                + (r.leader == null ? " and knows no leader yet" : "");
          }
          default -> lastProblem = target + ": " + r.message;
        }
      } catch (IOException | IllegalArgumentException e) {
        if (e instanceof JoinException j) {
          throw j;
        }
        lastProblem = target + ": " + e.getMessage();
      }
      if (hint == null) {
        pause(JOIN_RETRY_PAUSE_MS);
      }
    }
    String addresses = seeds.stream().map(Endpoint::toString).reduce((a, b) -> a + "," + b).orElse("");
    if (!anyAnswered) {
      throw new JoinException("no cluster member answered at --join " + addresses + " within " + timeoutMs / 1000
          + " s (last error: " + lastProblem + "); check that these are the bus ports (--bus-port) of running "
          + "members and that this host can reach them");
    }
    throw new JoinException("members answered at --join " + addresses + " but no controller leader accepted the "
        + "join within " + timeoutMs / 1000 + " s (last: " + lastProblem + "); is a majority of the controller "
        + "voters running?");
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the bus ------------------------------------------------------------------------------------

  private BusMessages.Reply call(Endpoint target, Object request) throws IOException {
    try {
      Object reply = client.invokeSync(target, request, RPC_TIMEOUT_MS);
      if (reply instanceof BusMessages.Reply r) {
        return r;
      }
      throw new IOException("unexpected reply from " + target + ": " + reply);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (Exception e) {
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  /** Parses "host:port" (or "host:port@bus", taking the bus port); null when malformed. */
  public static Endpoint parseEndpoint(String address) {
    if (address == null) {
      return null;
    }
    String s = address.trim();
    int at = s.indexOf('@');
    int colon = s.lastIndexOf(':', at < 0 ? s.length() : at);
    if (colon <= 0) {
      return null;
    }
    try {
      int port = Integer.parseInt(at < 0 ? s.substring(colon + 1) : s.substring(at + 1));
      return port < 1 || port > 65535 ? null : new Endpoint(s.substring(0, colon), port);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Registers the controller's request processors on the node's bus. */
  public void registerProcessors(RpcServer server) {
    register(server, BusMessages.MapRequest.class, this::onMapRequest);
    register(server, BusMessages.JoinRequest.class, this::onJoin);
    register(server, BusMessages.ProposeRequest.class, this::onPropose);
    register(server, BusMessages.MapNotice.class, this::onNotice);
  }

  private <T> void register(RpcServer server, Class<T> type, BiConsumer<RpcContext, T> handler) {
    server.registerProcessor(new RpcProcessor<T>() {
      @Override
      public void handleRequest(RpcContext ctx, T request) {
        try {
          handler.accept(ctx, request);
        } catch (RuntimeException e) {
          log.warn("bus request {} failed", type.getSimpleName(), e);
          ctx.sendResponse(BusMessages.Reply.of(BusMessages.Reply.UNAVAILABLE, "request failed: " + e));
        }
      }

      @Override
      public String interest() {
        return type.getName();
      }

      @Override
      public Executor executor() {
        return busThread;
      }
    });
  }

  /** The freshest state this node has: its controller replica's, else its installed map. */
  private ClusterState best() {
    Controller c = controller;
    ClusterState mine = c == null ? null : c.state();
    ClusterState installed = state;
    if (mine == null) {
      return installed;
    }
    return installed == null || mine.epoch() >= installed.epoch() ? mine : installed;
  }

  private BusMessages.Reply redirect(ClusterState s) {
    BusMessages.Reply r = BusMessages.Reply.of(BusMessages.Reply.REDIRECT, "not the controller leader");
    r.leader = leaderBusAddress();
    if (s != null) {
      r.controllers = String.join(",", s.controllerMembers().stream().map(Member::busAddress).toList());
    }
    return r;
  }

  private void onMapRequest(RpcContext ctx, BusMessages.MapRequest req) {
    ClusterState s = best();
    BusMessages.Reply r = BusMessages.Reply.of(BusMessages.Reply.OK, null);
    r.leader = leaderBusAddress();
    if (s != null) {
      r.controllers = String.join(",", s.controllerMembers().stream().map(Member::busAddress).toList());
      if (s.isRecorded() && s.epoch() > req.knownEpoch) {
        r.state = s.encode();
      }
    }
    ctx.sendResponse(r);
  }

  private void onJoin(RpcContext ctx, BusMessages.JoinRequest req) {
    Controller c = controller;
    if (c == null || !c.isLeader()) {
      ctx.sendResponse(redirect(best()));
      return;
    }
    ClusterState s = c.state();
    if (s == null) {
      ctx.sendResponse(BusMessages.Reply.of(BusMessages.Reply.UNAVAILABLE, ControllerFsm.NO_MAP_YET));
      return;
    }
    if (req.clusterId != null && !req.clusterId.isEmpty() && !req.clusterId.equals(s.clusterId())) {
      ctx.sendResponse(BusMessages.Reply.of(BusMessages.Reply.REFUSED, "the data directory of node '" + req.name
          + "' belongs to cluster " + req.clusterId + ", but the cluster at " + settings.self().busAddress() + " is "
          + s.clusterId() + "; join with an empty --data-dir, or restart the node in its own cluster"));
      return;
    }
    MapCommand.AddMember add = new MapCommand.AddMember(req.name, req.host, req.port, req.busPort,
        req.zone == null ? "" : req.zone);
    proposeAndReply(ctx, c, add);
  }

  private void onPropose(RpcContext ctx, BusMessages.ProposeRequest req) {
    Controller c = controller;
    if (c == null || !c.isLeader()) {
      ctx.sendResponse(redirect(best()));
      return;
    }
    ClusterState s = c.state();
    if (s == null) {
      ctx.sendResponse(BusMessages.Reply.of(BusMessages.Reply.UNAVAILABLE, ControllerFsm.NO_MAP_YET));
      return;
    }
    if (req.clusterId == null || !req.clusterId.equals(s.clusterId())) {
      ctx.sendResponse(BusMessages.Reply.of(BusMessages.Reply.REFUSED, "proposal for cluster " + req.clusterId
          + " sent to cluster " + s.clusterId()));
      return;
    }
    MapCommand command;
    try {
      command = MapCommand.decode(req.command);
    } catch (IllegalArgumentException e) {
      ctx.sendResponse(BusMessages.Reply.of(BusMessages.Reply.REFUSED, e.getMessage()));
      return;
    }
    if (command instanceof MapCommand.Init) {
      ctx.sendResponse(BusMessages.Reply.of(BusMessages.Reply.REFUSED, "the cluster map is already recorded"));
      return;
    }
    proposeAndReply(ctx, c, command);
  }

  private void proposeAndReply(RpcContext ctx, Controller c, MapCommand command) {
    c.propose(command).whenComplete((result, err) -> {
      if (err != null) {
        BusMessages.Reply r = BusMessages.Reply.of(BusMessages.Reply.UNAVAILABLE,
            "the controller leader changed before the change committed; retry");
        r.leader = leaderBusAddress();
        ctx.sendResponse(r);
      } else {
        ctx.sendResponse(resultReply(result));
      }
    });
  }

  private void onNotice(RpcContext ctx, BusMessages.MapNotice notice) {
    ClusterState s = state;
    if (s == null || !s.isRecorded() || s.clusterId().equals(notice.clusterId)) {
      if (notice.leader != null) {
        leaderHint = notice.leader;
      }
      if (s == null || notice.epoch > s.epoch()) {
        refreshSoon();
      }
    }
    ctx.sendResponse(BusMessages.Reply.of(BusMessages.Reply.OK, null));
  }

  @Override
  public void close() {
    closed = true;
    mapThread.shutdownNow();
    try {
      mapThread.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Controller c = controller;
    if (c != null) {
      c.shutdown();
      try {
        c.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    busThread.shutdownNow();
    ((java.util.concurrent.ExecutorService) noticeThread).shutdownNow();
    client.shutdown();
  }
}
