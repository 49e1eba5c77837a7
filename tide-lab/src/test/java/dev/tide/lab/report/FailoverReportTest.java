package dev.tide.lab.report;

import dev.tide.lab.cluster.FailoverBench;
import dev.tide.lab.cluster.FailoverTimeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The failover report from a recorded result: distribution, every sample, the writer's story, the verification. */
class FailoverReportTest {

  static FailoverBench.Result result(long missing) {
    List<FailoverBench.Sample> samples = new ArrayList<>();
    double[] gaps = {715, 599, 1764};
    for (int i = 0; i < gaps.length; i++) {
      samples.add(new FailoverBench.Sample(i + 1, "n" + (i + 1), 3, 2 + i, gaps[i], gaps[i] - 8, "n" + (3 - i),
          7_800, "+79 REFUSED n1 x226 (to +685); +707 ACK n2"));
    }
    List<Double> g = samples.stream().map(FailoverBench.Sample::gapMs).toList();
    return new FailoverBench.Result("Tide test cluster", 3655, 3, 500, samples, FailoverTimeline.distribution(g), 19_309,
        30_089, 10_234, 516, 11, 10_235, 0, 0, null, 19_309, missing,
        missing == 0 ? List.of() : List.of("{tide-failover}:2230 = null (acknowledged by n3)"), null);
  }

  @Test
  void summaryJsonAndHtmlCarryTheDistributionAndEverySample(@TempDir Path dir) throws Exception {
    ClusterReportWriter.writeFailover(dir, "./tide bench failover --kills 3", MachineInfo.read(), "0.1 0.2 0.3",
        System.currentTimeMillis(), result(0));
    String text = Files.readString(dir.resolve("summary.txt"));
    assertThat(text).contains("3 kills: min 599 ms, p50 715 ms, p90 1764 ms, max 1764 ms; within 1000 ms: 2 of 3")
        .contains("+79 REFUSED n1 x226 (to +685); +707 ACK n2")
        .contains("verification: all 19,309 acknowledged writes present with their values");
    assertThat(text.lines().filter(l -> l.matches("\\s+[123]\\s+n[123]\\s+3\\s+.*"))).hasSize(3);
    String json = Files.readString(dir.resolve("result.json"));
    assertThat(json).contains("\"p50\":715").contains("\"withinTarget\":2").contains("\"missing\":0")
        .contains("\"gapMs\":1764");
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("<svg").contains("Write gap per kill").contains("<td>1764</td>");
  }

  @Test
  void missingWritesAreSpelledOut(@TempDir Path dir) throws Exception {
    ClusterReportWriter.writeFailover(dir, "./tide bench failover", MachineInfo.read(), "1 1 1",
        System.currentTimeMillis(), result(5));
    assertThat(Files.readString(dir.resolve("summary.txt")))
        .contains("5 of 19,309 acknowledged writes MISSING or different")
        .contains("{tide-failover}:2230 = null (acknowledged by n3)");
  }
}
