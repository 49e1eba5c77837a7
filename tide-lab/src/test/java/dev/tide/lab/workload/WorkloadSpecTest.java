package dev.tide.lab.workload;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Workloads are reproducible from their seed, and the distributions have the shape they claim. */
class WorkloadSpecTest {

  static WorkloadSpec spec(WorkloadSpec.Type type, String dist, long keys, String size, long seed) {
    return new WorkloadSpec(type, 0.8, keys, KeyChooser.parse(dist, keys), ValueSizer.parse(size), 5, seed);
  }

  static List<String> render(OperationSource.Stream s, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Operation op = s.next();
      StringBuilder sb = new StringBuilder();
      for (byte[] a : op.argv()) {
        sb.append(new String(a, StandardCharsets.UTF_8)).append(' ');
      }
      out.add(sb.toString());
    }
    return out;
  }

  @Test
  void sameSeedSameOperationsOtherSeedOthers() {
    WorkloadSpec a = spec(WorkloadSpec.Type.GET_SET, "zipf", 1_000, "uniform:10-100", 42);
    WorkloadSpec b = spec(WorkloadSpec.Type.GET_SET, "zipf", 1_000, "uniform:10-100", 42);
    WorkloadSpec c = spec(WorkloadSpec.Type.GET_SET, "zipf", 1_000, "uniform:10-100", 43);
    assertThat(render(a.generator(0), 500)).isEqualTo(render(b.generator(0), 500));
    assertThat(render(a.generator(0), 500)).isNotEqualTo(render(c.generator(0), 500));
    assertThat(render(a.generator(0), 500)).isNotEqualTo(render(a.generator(1), 500));
  }

  @Test
  void readRatioAndValueSizesAreHonoured() {
    WorkloadSpec w = spec(WorkloadSpec.Type.GET_SET, "uniform", 100, "uniform:10-20", 1);
    WorkloadSpec.Generator g = w.generator(0);
    int reads = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      Operation op = g.next();
      if (op.kind() == Operation.Kind.READ) {
        reads++;
        assertThat(op.argv().length).isEqualTo(2);
      } else {
        assertThat(op.value().length).isBetween(10, 20);
      }
    }
    assertThat(reads / (double) n).isCloseTo(0.8, within(0.02));
  }

  @Test
  void zipfianFavoursLowRanksAsTheFormulaSays() {
    KeyChooser.Zipfian z = new KeyChooser.Zipfian(1_000, 0.99);
    SplittableRandom rnd = new SplittableRandom(1);
    int n = 200_000;
    int rank0 = 0;
    int top10 = 0;
    for (int i = 0; i < n; i++) {
      long k = z.next(rnd);
      assertThat(k).isBetween(0L, 999L);
      if (k == 0) {
        rank0++;
      }
      if (k < 10) {
        top10++;
      }
    }
    double zeta = KeyChooser.Zipfian.zeta(1_000, 0.99);
    assertThat(rank0 / (double) n).isCloseTo(1 / zeta, within(0.01));
    assertThat(top10 / (double) n).isGreaterThan(0.35); // ≈ 39% for θ = 0.99, n = 1000
  }

  @Test
  void hotspotSendsTheHotShareToTheHotKeys() {
    KeyChooser h = KeyChooser.parse("hotspot:0.1,0.9", 1_000);
    SplittableRandom rnd = new SplittableRandom(2);
    int hot = 0;
    for (int i = 0; i < 50_000; i++) {
      if (h.next(rnd) < 100) {
        hot++;
      }
    }
    assertThat(hot / 50_000.0).isCloseTo(0.9, within(0.01));
  }

  @Test
  void sequentialWalksTheKeysInOrderPerStream() {
    WorkloadSpec w = spec(WorkloadSpec.Type.GET_SET, "sequential", 3, "8", 1);
    WorkloadSpec.Generator g1 = w.generator(0);
    WorkloadSpec.Generator g2 = w.generator(1);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keys.add(new String(g1.next().key(), StandardCharsets.UTF_8));
    }
    assertThat(keys).containsExactly("lab:k:0", "lab:k:1", "lab:k:2", "lab:k:0");
    assertThat(new String(g2.next().key(), StandardCharsets.UTF_8)).isEqualTo("lab:k:0");
  }

  @Test
  void dataTypeWorkloadsStayBoundedAndPreloadEveryKey() {
    WorkloadSpec hash = spec(WorkloadSpec.Type.HASH, "uniform", 50, "16", 1);
    int preload = 0;
    for (Operation op : hash.preloadOps()) {
      preload++;
      assertThat(new String(op.argv()[0], StandardCharsets.US_ASCII)).isEqualTo("HSET");
      assertThat(op.argv().length).isEqualTo(2 + 2 * 5);
    }
    assertThat(preload).isEqualTo(50);
    WorkloadSpec.Generator z = spec(WorkloadSpec.Type.ZSET, "uniform", 50, "16", 1).generator(0);
    for (int i = 0; i < 1_000; i++) {
      Operation op = z.next();
      if (op.kind() == Operation.Kind.WRITE) {
        assertThat(new String(op.argv()[3], StandardCharsets.US_ASCII)).matches("m[0-4]");
      }
    }
    WorkloadSpec pubsub = spec(WorkloadSpec.Type.PUBSUB, "uniform", 5_000, "4", 1);
    assertThat(pubsub.channels()).hasSize(WorkloadSpec.MAX_CHANNELS);
    assertThat(pubsub.generator(0).next().value().length).isEqualTo(WorkloadSpec.PUBSUB_STAMP_BYTES);
    assertThat(pubsub.preloadOps()).isEmpty();
  }

  @Test
  void badOptionsAreRejected() {
    assertThatThrownBy(() -> KeyChooser.parse("zipf:1.5", 10)).hasMessageContaining("θ");
    assertThatThrownBy(() -> KeyChooser.parse("gauss", 10)).hasMessageContaining("unknown key distribution");
    assertThatThrownBy(() -> KeyChooser.parse("uniform", 0)).hasMessageContaining("--keys");
    assertThatThrownBy(() -> ValueSizer.parse("uniform:20-10")).hasMessageContaining("MIN");
    assertThatThrownBy(() -> ValueSizer.parse("99999999")).hasMessageContaining("value size");
    assertThatThrownBy(() -> WorkloadSpec.Type.parse("graph")).hasMessageContaining("unknown workload");
  }
}
