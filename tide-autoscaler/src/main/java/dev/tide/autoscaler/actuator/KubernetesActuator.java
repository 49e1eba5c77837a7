package dev.tide.autoscaler.actuator;

import dev.tide.autoscaler.config.AutoscalerConfig.KubernetesSettings;
import dev.tide.autoscaler.scrape.ScrapeTarget;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * Scales a StatefulSet of Tide nodes through the Kubernetes API (fabric8 kubernetes-client).
 *
 * <ul>
 *   <li><b>Size</b>: the StatefulSet's {@code spec.replicas}. A change made by someone else
 *       ({@code kubectl scale}) shows up here and the loop adopts it.</li>
 *   <li><b>Scale-out</b>: one merge patch of {@code spec.replicas} (with the reason in the
 *       annotation {@value #REASON_ANNOTATION}); the StatefulSet controller starts the pods, and the
 *       new nodes join through the elasticity commands.</li>
 *   <li><b>Scale-in</b>: a StatefulSet removes its highest ordinals, so those are drained first, one
 *       at a time from the highest, through the {@link DrainHook}; each drain is bounded by
 *       {@code drainTimeoutMs}. Only then is {@code spec.replicas} lowered — to just above the
 *       highest node whose drain did not complete, so a node is removed only once drained. A failed or
 *       timed-out drain is cancelled and reported through {@link #takeFailure()}. This runs on a
 *       background thread while {@link #inProgress()} is true.</li>
 *   <li><b>Nodes</b>: pod {@code <statefulSet>-<i>}, metrics at
 *       {@code http://<statefulSet>-<i>.<service>.<namespace>.svc.<clusterDomain>:<metricsPort>/metrics}
 *       (the headless Service's per-pod DNS names).</li>
 * </ul>
 * Settings: the {@code kubernetes:} section of tide-autoscaler.yaml ({@link KubernetesSettings}).
 * RBAC it needs: get and patch on the StatefulSet (deploy/kubernetes/rbac.yaml).
 */
public final class KubernetesActuator implements Actuator, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubernetesActuator.class);

  /** Annotation on the StatefulSet saying why the autoscaler last changed its size. */
  public static final String REASON_ANNOTATION = "tide.dev/autoscaler-reason";
  /** Longest reason kept in the annotation (annotations are small; the decision log has all). */
  static final int MAX_REASON_CHARS = 1_000;

  private final KubernetesClient client;
  private final KubernetesSettings s;
  private final DrainHook drain;
  private final LongSupplier clockMs;
  private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "tide-autoscaler-drain");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean inProgress;
  private volatile String failure;
  private volatile String progress = "";

  public KubernetesActuator(KubernetesClient client, KubernetesSettings settings, DrainHook drain, LongSupplier clockMs) {
    this.client = client;
    this.s = settings;
    this.drain = drain;
    this.clockMs = clockMs;
  }

  private StatefulSet statefulSet() {
    StatefulSet sts;
    try {
      sts = client.apps().statefulSets().inNamespace(s.namespace()).withName(s.statefulSet()).get();
    } catch (KubernetesClientException e) {
      throw new ActuatorException("reading StatefulSet " + where() + ": " + e.getMessage(), e);
    }
    if (sts == null) {
      throw new ActuatorException("StatefulSet " + where() + " not found");
    }
    return sts;
  }

  private String where() {
    return s.namespace() + "/" + s.statefulSet();
  }

  @Override
  public int currentSize() {
    Integer r = statefulSet().getSpec().getReplicas();
    return r == null ? 1 : r; // Kubernetes' default
  }

  @Override
  public void scaleTo(int nodes, String reason) {
    if (nodes < 1) {
      throw new ActuatorException("cannot scale to " + nodes + " nodes");
    }
    if (inProgress) {
      throw new ActuatorException("busy: " + progress);
    }
    int current = currentSize();
    if (nodes >= current) {
      patchReplicas(nodes, reason);
      return;
    }
    inProgress = true;
    failure = null;
    progress = "draining " + (current - nodes) + " node(s) before scaling " + current + " -> " + nodes;
    try {
      background.execute(() -> scaleIn(current, nodes, reason));
    } catch (RuntimeException e) {
      inProgress = false;
      throw new ActuatorException("cannot start the drain: " + e.getMessage(), e);
    }
  }

  /** Drains ordinals current-1 down to target, one at a time, then lowers replicas past the drained ones. */
  private void scaleIn(int current, int target, String reason) {
    int lowestDrained = current;
    String problem = null;
    try {
      for (int ordinal = current - 1; ordinal >= target; ordinal--) {
        DrainHook.Node node = node(ordinal);
        progress = "draining " + node.name() + " (" + (current - ordinal) + " of " + (current - target) + ")";
        problem = drainOne(node);
        if (problem != null) {
          break;
        }
        lowestDrained = ordinal;
      }
      if (lowestDrained < current) {
        patchReplicas(lowestDrained, reason + (problem == null ? "" : " (partial: " + problem + ")"));
      }
    } catch (RuntimeException e) {
      problem = problem == null ? e.getMessage() : problem + "; " + e.getMessage();
    } finally {
      if (problem != null) {
        failure = "scale-in " + current + " -> " + target + " stopped at " + lowestDrained + ": " + problem;
        log.warn(failure);
      }
      progress = "";
      inProgress = false;
    }
  }

  /** Drains one node within the time bound; null when drained, else why not (the drain is then cancelled). */
  private String drainOne(DrainHook.Node node) {
    long deadline = clockMs.getAsLong() + s.drainTimeoutMs();
    // Bounded: at most one poll per drainPollMs until the deadline, plus the first.
    long maxPolls = s.drainTimeoutMs() / s.drainPollMs() + 1;
    String why;
    try {
      drain.startDrain(node);
      DrainHook.Progress p = drain.progress(node);
      for (long polls = 0; p.state() == DrainHook.State.DRAINING && polls < maxPolls
          && clockMs.getAsLong() < deadline; polls++) {
        progress = "draining " + node.name() + ": " + p.detail();
        Thread.sleep(s.drainPollMs());
        p = drain.progress(node);
      }
      if (p.state() == DrainHook.State.DRAINED) {
        return null;
      }
      why = p.state() == DrainHook.State.FAILED ? "drain of " + node.name() + " failed: " + p.detail()
          : "drain of " + node.name() + " not done within " + s.drainTimeoutMs() + " ms (" + p.detail() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "drain of " + node.name() + " interrupted";
    } catch (Exception e) {
      why = "drain of " + node.name() + " failed: " + e.getMessage();
    }
    try {
      drain.cancelDrain(node);
    } catch (Exception e) {
      why += "; cancelling it failed too: " + e.getMessage();
    }
    return why;
  }

  private void patchReplicas(int replicas, String reason) {
    String r = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "..." : reason;
    String patch = "{\"metadata\":{\"annotations\":{" + quote(REASON_ANNOTATION) + ":" + quote(r) + "}},"
        + "\"spec\":{\"replicas\":" + replicas + "}}";
    try {
      client.apps().statefulSets().inNamespace(s.namespace()).withName(s.statefulSet())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      throw new ActuatorException("scaling StatefulSet " + where() + " to " + replicas + ": " + e.getMessage(), e);
    }
  }

  private static String quote(String text) {
    StringBuilder sb = new StringBuilder();
    dev.tide.autoscaler.decision.Json.str(sb, text);
    return sb.toString();
  }

  private String podHost(int ordinal) {
    return s.statefulSet() + "-" + ordinal + "." + s.service() + "." + s.namespace() + ".svc." + s.clusterDomain();
  }

  private DrainHook.Node node(int ordinal) {
    return new DrainHook.Node(s.statefulSet() + "-" + ordinal, ordinal, podHost(ordinal), s.clientPort());
  }

  @Override
  public boolean inProgress() {
    return inProgress;
  }

  @Override
  public String takeFailure() {
    String f = failure;
    failure = null;
    return f;
  }

  @Override
  public List<ScrapeTarget> nodes() {
    int n = currentSize();
    List<ScrapeTarget> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new ScrapeTarget(s.statefulSet() + "-" + i,
          URI.create("http://" + podHost(i) + ":" + s.metricsPort() + "/metrics")));
    }
    return out;
  }

  @Override
  public String describe() {
    String p = progress;
    return "StatefulSet " + where() + (p.isEmpty() ? "" : ": " + p);
  }

  @Override
  public void close() {
    background.shutdownNow();
  }
}
