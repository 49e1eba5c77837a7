package dev.tide.autoscaler.config;

import dev.tide.autoscaler.policy.Metric;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

  @Test
  void theExampleFileLoadsWithEveryPolicy() {
    AutoscalerConfig c = ConfigLoader.load(Path.of("tide-autoscaler.example.yaml"));
    assertThat(c.targetTracking().metric()).isEqualTo(Metric.OPS_PER_NODE);
    assertThat(c.stepScaling().steps()).hasSize(2);
    assertThat(c.schedule()).hasSize(2);
    assertThat(c.predictive().seasonBuckets()).isEqualTo(288);
    assertThat(c.sloBurnRate().fastFactor()).isEqualTo(14.4);
    assertThat(c.guards().minNodes()).isEqualTo(3);
    assertThat(c.guards().scaleInStabilizationMs()).isEqualTo(120_000);
  }

  private static String base(String guards) {
    return """
        nodes:
          min: 3
          max: 10
        policies:
          targetTracking:
            target: 7000
        """ + guards;
  }

  @Test
  void minimalFileGetsDefaults() {
    AutoscalerConfig c = ConfigLoader.parse(base(""), "t.yaml");
    assertThat(c.guards().panicEnabled()).isTrue();
    assertThat(c.targetTracking().tolerance()).isEqualTo(0.1);
    assertThat(c.stableWindowMs()).isEqualTo(60_000);
  }

  @Test
  void errorsNameFileLineAndField() {
    assertThatThrownBy(() -> ConfigLoader.parse("nodes:\n  min: 5\n  max: 2\npolicies:\n  targetTracking:\n"
        + "    target: 1\n", "tide-autoscaler.yaml"))
        .hasMessage("tide-autoscaler.yaml:3: nodes.max: must be >= nodes.min (5), got 2");
    assertThatThrownBy(() -> ConfigLoader.parse(base("guards:\n  scaleInStabilization: 2 minutes\n"), "t.yaml"))
        .hasMessageStartingWith("t.yaml:8: guards.scaleInStabilization: expected a duration with a unit");
    assertThatThrownBy(() -> ConfigLoader.parse(base("guards:\n  maxNode: 4\n"), "t.yaml"))
        .hasMessageStartingWith("t.yaml:8: guards.maxNode: unknown field");
    assertThatThrownBy(() -> ConfigLoader.parse(base("").replace("target: 7000", "target: 7000\n    metric: rps"),
        "t.yaml")).hasMessageContaining("policies.targetTracking.metric: unknown metric 'rps'");
    assertThatThrownBy(() -> ConfigLoader.parse("nodes:\n  min: 1\n", "t.yaml"))
        .hasMessageContaining("policies: configure at least one policy");
    assertThatThrownBy(() -> ConfigLoader.parse(base("").replace("targetTracking:\n    target: 7000",
        "scheduled:\n    - at: \"0 25 * * *\"\n      minNodes: 4"), "t.yaml"))
        .hasMessage("t.yaml:6: policies.scheduled[0].at: hour 25 is outside 0..23");
  }

  @Test
  void yamlOutsideTheSubsetIsRejectedWithItsLine() {
    assertThatThrownBy(() -> ConfigLoader.parse("nodes: {min: 1}\n", "t.yaml"))
        .hasMessageStartingWith("t.yaml:1: '{' starts YAML syntax this file does not support");
    assertThatThrownBy(() -> ConfigLoader.parse("nodes:\n\tmin: 1\n", "t.yaml"))
        .hasMessage("t.yaml:2: tabs are not allowed for indentation; use spaces");
    assertThatThrownBy(() -> ConfigLoader.parse("nodes:\n  min: 1\n  min: 2\n", "t.yaml"))
        .hasMessage("t.yaml:3: duplicate key 'min' (first on line 2)");
    assertThatThrownBy(() -> ConfigLoader.parse("nodes:\n  min: 1\n     max: 2\n", "t.yaml"))
        .hasMessage("t.yaml:3: unexpected indentation");
  }

  @Test
  void durationsNeedAUnit() {
    assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(500);
    assertThat(ConfigLoader.parseDuration("10s")).isEqualTo(10_000);
    assertThat(ConfigLoader.parseDuration("5m")).isEqualTo(300_000);
    assertThat(ConfigLoader.parseDuration("1h")).isEqualTo(3_600_000);
    assertThat(ConfigLoader.parseDuration("1d")).isEqualTo(86_400_000);
    assertThat(ConfigLoader.parseDuration("10")).isEqualTo(-1);
    assertThat(ConfigLoader.parseDuration("s")).isEqualTo(-1);
  }
}
