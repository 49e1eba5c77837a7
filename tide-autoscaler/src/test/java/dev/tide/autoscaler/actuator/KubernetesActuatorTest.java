package dev.tide.autoscaler.actuator;

import dev.tide.autoscaler.config.AutoscalerConfig;
import dev.tide.autoscaler.config.ConfigLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Kubernetes actuator against fabric8's Kubernetes mock API server in CRUD mode (it stores what
 * is written and serves it back), with the StatefulSet and settings of deploy/kubernetes/.
 */
class KubernetesActuatorTest {

  static final Path MANIFESTS = Path.of("..", "deploy", "kubernetes");

  private KubernetesMockServer server;
  private KubernetesClient client;
  private AutoscalerConfig.KubernetesSettings settings;
  private final List<KubernetesActuator> actuators = new ArrayList<>();

  /** A drain hook the test scripts: per ordinal, polls until drained, or a failure. */
  static final class ScriptedDrain implements DrainHook {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<Integer, Integer> pollsToDrain = new ConcurrentHashMap<>();
    final Map<Integer, String> failAt = new ConcurrentHashMap<>();
    final Map<Integer, Integer> polled = new ConcurrentHashMap<>();
    /** Ordinals that never finish draining. */
    final List<Integer> stuck = new CopyOnWriteArrayList<>();

    @Override
    public void startDrain(Node node) {
      calls.add("drain " + node.name());
    }

    @Override
    public Progress progress(Node node) {
      int n = polled.merge(node.ordinal(), 1, Integer::sum);
      if (failAt.containsKey(node.ordinal())) {
        return new Progress(State.FAILED, failAt.get(node.ordinal()));
      }
      if (stuck.contains(node.ordinal()) || n <= pollsToDrain.getOrDefault(node.ordinal(), 1)) {
        return new Progress(State.DRAINING, "moving partitions");
      }
      return new Progress(State.DRAINED, "no replicas left");
    }

    @Override
    public void cancelDrain(Node node) {
      calls.add("cancel " + node.name());
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    AutoscalerConfig config = ConfigLoader.parse(configMapYaml(), "tide-autoscaler.yaml");
    // The ConfigMap's settings, with short drain bounds for the test.
    var k = config.kubernetes();
    settings = new AutoscalerConfig.KubernetesSettings(k.namespace(), k.statefulSet(), k.service(), k.clusterDomain(),
        k.clientPort(), k.metricsPort(), 3_000, 20);
    try (InputStream in = Files.newInputStream(MANIFESTS.resolve("statefulset.yaml"))) {
      StatefulSet sts = client.apps().statefulSets().load(in).item();
      client.apps().statefulSets().inNamespace(k.namespace()).resource(sts).create();
    }
  }

  @AfterEach
  void stop() {
    actuators.forEach(KubernetesActuator::close);
    client.close();
    server.destroy();
  }

  private String configMapYaml() throws Exception {
    try (InputStream in = Files.newInputStream(MANIFESTS.resolve("configmap.yaml"))) {
      ConfigMap cm = client.configMaps().load(in).item();
      return cm.getData().get("tide-autoscaler.yaml");
    }
  }

  private KubernetesActuator actuator(DrainHook drain) {
    KubernetesActuator a = new KubernetesActuator(client, settings, drain, System::currentTimeMillis);
    actuators.add(a);
    return a;
  }

  private StatefulSet sts() {
    return client.apps().statefulSets().inNamespace(settings.namespace()).withName(settings.statefulSet()).get();
  }

  private void waitIdle(KubernetesActuator a) {
    await().atMost(Duration.ofSeconds(30)).until(() -> !a.inProgress());
  }

  @Test
  void sizeIsTheStatefulSetsReplicasAndNodesAreItsPodsDnsNames() {
    KubernetesActuator a = actuator(new ScriptedDrain());
    assertThat(a.currentSize()).isEqualTo(3);
    assertThat(a.nodes()).extracting(t -> t.metricsUri().toString()).containsExactly(
        "http://tide-0.tide.tide.svc.cluster.local:9121/metrics",
        "http://tide-1.tide.tide.svc.cluster.local:9121/metrics",
        "http://tide-2.tide.tide.svc.cluster.local:9121/metrics");
    assertThat(a.nodes().get(2).nodeId()).isEqualTo("tide-2");
  }

  @Test
  void scaleOutPatchesReplicasWithTheReason() {
    ScriptedDrain drain = new ScriptedDrain();
    KubernetesActuator a = actuator(drain);
    a.scaleTo(5, "targetTracking: opsPerNode 9000 vs target 7000");
    assertThat(a.inProgress()).isFalse();
    assertThat(sts().getSpec().getReplicas()).isEqualTo(5);
    assertThat(sts().getMetadata().getAnnotations()).containsEntry(KubernetesActuator.REASON_ANNOTATION,
        "targetTracking: opsPerNode 9000 vs target 7000");
    assertThat(a.currentSize()).isEqualTo(5);
    assertThat(drain.calls).isEmpty();
  }

  @Test
  void scaleInDrainsTheHighestOrdinalsFirstThenLowersReplicas() {
    ScriptedDrain drain = new ScriptedDrain();
    drain.pollsToDrain.put(4, 3);
    KubernetesActuator a = actuator(drain);
    a.scaleTo(5, "out");
    a.scaleTo(3, "in");
    assertThat(a.inProgress()).isTrue();
    assertThatThrownBy(() -> a.scaleTo(4, "again")).isInstanceOf(ActuatorException.class).hasMessageContaining("busy");
    waitIdle(a);
    assertThat(a.takeFailure()).isNull();
    assertThat(drain.calls).containsExactly("drain tide-4", "drain tide-3");
    assertThat(drain.polled.get(4)).isEqualTo(4); // three "draining" answers, then "drained"
    assertThat(sts().getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void aFailedDrainKeepsThatNodeAndRemovesOnlyTheOnesDrained() {
    ScriptedDrain drain = new ScriptedDrain();
    drain.failAt.put(3, "no room on the other nodes");
    KubernetesActuator a = actuator(drain);
    a.scaleTo(5, "out");
    a.scaleTo(2, "in");
    waitIdle(a);
    assertThat(drain.calls).containsExactly("drain tide-4", "drain tide-3", "cancel tide-3");
    assertThat(sts().getSpec().getReplicas()).as("tide-4 drained and removed, tide-3 kept").isEqualTo(4);
    String failure = a.takeFailure();
    assertThat(failure).contains("stopped at 4").contains("tide-3").contains("no room on the other nodes");
    assertThat(a.takeFailure()).as("read once").isNull();
  }

  @Test
  void aDrainThatDoesNotFinishInTimeIsCancelledAndNothingIsRemoved() {
    ScriptedDrain drain = new ScriptedDrain();
    drain.stuck.add(2);
    KubernetesActuator a = actuator(drain);
    a.scaleTo(2, "in");
    waitIdle(a);
    assertThat(drain.calls).containsExactly("drain tide-2", "cancel tide-2");
    assertThat(sts().getSpec().getReplicas()).isEqualTo(3);
    assertThat(a.takeFailure()).contains("not done within 3000 ms");
  }

  @Test
  void aMissingStatefulSetIsAClearError() {
    client.apps().statefulSets().inNamespace(settings.namespace()).withName(settings.statefulSet()).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> sts() == null);
    KubernetesActuator a = actuator(new ScriptedDrain());
    assertThatThrownBy(a::currentSize).isInstanceOf(ActuatorException.class).hasMessageContaining("tide/tide not found");
  }

  @Test
  void aScaleByHandIsVisibleAsTheNewSize() {
    KubernetesActuator a = actuator(new ScriptedDrain());
    client.apps().statefulSets().inNamespace(settings.namespace()).withName(settings.statefulSet()).scale(7);
    assertThat(a.currentSize()).isEqualTo(7);
  }

  @Test
  void everyManifestParsesAndTheyFitTogether() throws Exception {
    Map<String, HasMetadata> byKind = new HashMap<>();
    try (var files = Files.list(MANIFESTS)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          for (HasMetadata item : client.load(in).items()) {
            assertThat(byKind.put(item.getKind(), item)).as("one %s", item.getKind()).isNull();
            if (!item.getKind().equals("Namespace")) {
              assertThat(item.getMetadata().getNamespace()).as("%s namespace", item.getKind()).isEqualTo("tide");
            }
          }
        }
      }
    }
    assertThat(byKind).containsOnlyKeys("Namespace", "Service", "StatefulSet", "PodDisruptionBudget",
        "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Deployment");
    var sts = (StatefulSet) byKind.get("StatefulSet");
    var svc = (io.fabric8.kubernetes.api.model.Service) byKind.get("Service");
    var pdb = (io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget) byKind.get("PodDisruptionBudget");
    var role = (io.fabric8.kubernetes.api.model.rbac.Role) byKind.get("Role");
    var binding = (io.fabric8.kubernetes.api.model.rbac.RoleBinding) byKind.get("RoleBinding");
    var deployment = (io.fabric8.kubernetes.api.model.apps.Deployment) byKind.get("Deployment");
    var podLabels = sts.getSpec().getTemplate().getMetadata().getLabels();

    // StatefulSet: governed by the headless Service; probes on /health of the metrics port.
    assertThat(sts.getSpec().getServiceName()).isEqualTo(svc.getMetadata().getName()).isEqualTo(settings.service());
    assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(podLabels).containsAllEntriesOf(svc.getSpec().getSelector());
    assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    var container = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    for (var probe : List.of(container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe())) {
      assertThat(probe.getHttpGet().getPath()).isEqualTo("/health");
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    }
    assertThat(container.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("metrics");
      assertThat(p.getContainerPort()).isEqualTo(settings.metricsPort());
    });
    assertThat(container.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("redis");
      assertThat(p.getContainerPort()).isEqualTo(settings.clientPort());
    });
    assertThat(container.getArgs()).containsSubsequence("--metrics-port", Integer.toString(settings.metricsPort()));

    // The ConfigMap's autoscaler settings name this StatefulSet (checked by the loader in start()).
    assertThat(sts.getMetadata().getName()).isEqualTo(settings.statefulSet());

    // RBAC: the Deployment's service account may get and patch exactly this StatefulSet.
    String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    assertThat(binding.getSubjects()).anySatisfy(s -> assertThat(s.getName()).isEqualTo(account));
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(role.getRules()).anySatisfy(r -> {
      assertThat(r.getResources()).contains("statefulsets");
      assertThat(r.getResourceNames()).contains(settings.statefulSet());
      assertThat(r.getVerbs()).contains("get", "patch");
    });
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("autoscale", "run", "--kubernetes");
  }
}
