package dev.tide.lab.report;

import dev.tide.lab.harness.BenchPlan;
import dev.tide.lab.harness.Benchmark;
import dev.tide.lab.run.Progress;
import dev.tide.lab.run.RunConfig;
import dev.tide.lab.safety.TargetGuard;
import dev.tide.lab.schedule.RateProfile;
import dev.tide.lab.targets.Processes;
import dev.tide.lab.workload.KeyChooser;
import dev.tide.lab.workload.ValueSizer;
import dev.tide.lab.workload.WorkloadSpec;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real comparison, end to end: Tide (in-process) and Debian's redis-server (started and
 * stopped by the harness) under the same short open-loop load; the result directory has the
 * JSON, HdrHistogram logs, text summary and HTML report; the HTML renders in headless Chromium
 * with both targets' series drawn in their colours.
 */
class HtmlReportInChromiumTest {

  /** Time Chromium gets to render and write the screenshot. */
  static final long CHROMIUM_TIMEOUT_SEC = 90;

  @Test
  void compareWritesAllArtifactsAndTheHtmlReportRendersWithBothSeries(@TempDir Path tmp) throws Exception {
    assumeTrue(Processes.findBinary("redis-server") != null, "redis-server not installed");
    WorkloadSpec w = new WorkloadSpec(WorkloadSpec.Type.GET_SET, 0.9, 1_000, KeyChooser.parse("zipf:0.99", 1_000),
        ValueSizer.parse("64"), 1, 11);
    RunConfig run = RunConfig.openLoop(new RateProfile.Constant(1_000), TimeUnit.SECONDS.toNanos(3), 1_000_000);
    BenchPlan plan = new BenchPlan("chromium-check", List.of("tide-inprocess", "redis"), "redis", w, run, 2, 1, 0,
        true, 0, 3, TargetGuard.LOOPBACK_ONLY, tmp, tmp.resolve("results"), "./tide bench compare (test)");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path dir = new Benchmark(plan, new PrintStream(log, true), Progress.NONE).runAndReport();

    assertThat(dir.getFileName().toString()).matches("\\d{8}T\\d{6}Z-chromium-check");
    String summary = Files.readString(dir.resolve("summary.txt"));
    assertThat(summary).contains("tide-inprocess").contains("redis").contains("p99 ms").contains("command:")
        .contains("machine:");
    String json = Files.readString(dir.resolve("result.json"));
    assertThat(json).contains("\"perSecond\"").contains("\"throughputOpsPerSec\"").doesNotContain("\"failure\"");
    for (String target : List.of("tide-inprocess", "redis")) {
      assertThat(intervalHistograms(dir.resolve(target + ".hlog"))).isGreaterThanOrEqualTo(3);
      assertThat(Files.readString(dir.resolve(target + ".hgrm"))).contains("Percentile");
    }
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("<svg").doesNotContain("<script").doesNotContain("http://127")
        .contains(Palette.TIDE).contains(Palette.REDIS);
    // the harness stopped redis-server: no process of ours is left
    assertThat(log.toString()).contains("stopped redis").contains("stopped tide");

    assumeTrue(Processes.findBinary("chromium") != null, "chromium not installed (./tide test installs it)");
    Path png = tmp.resolve("report.png");
    screenshot(dir.resolve("report.html"), png, tmp.resolve("chromium-profile"));
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).isNotNull();
    long nonWhite = 0;
    long tide = 0;
    long redis = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        if (rgb != 0xffffff) {
          nonWhite++;
        }
        if (near(rgb, 0x1f6feb)) {
          tide++;
        }
        if (near(rgb, 0xd1242f)) {
          redis++;
        }
      }
    }
    long pixels = (long) img.getWidth() * img.getHeight();
    assertThat(nonWhite).as("non-white pixels").isGreaterThan(pixels / 50);
    // polylines 3 px wide over three charts: thousands of pixels per series
    assertThat(tide).as("pixels in Tide's colour").isGreaterThan(1_000);
    assertThat(redis).as("pixels in Redis's colour").isGreaterThan(1_000);
  }

  private static int intervalHistograms(Path hlog) throws Exception {
    int n = 0;
    try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile())) {
      while (reader.nextIntervalHistogram() instanceof Histogram) {
        n++;
      }
    }
    return n;
  }

  private static boolean near(int rgb, int target) {
    int dr = Math.abs(((rgb >> 16) & 0xff) - ((target >> 16) & 0xff));
    int dg = Math.abs(((rgb >> 8) & 0xff) - ((target >> 8) & 0xff));
    int db = Math.abs((rgb & 0xff) - (target & 0xff));
    return dr + dg + db <= 30;
  }

  static void screenshot(Path html, Path png, Path profile) throws Exception {
    Files.createDirectories(profile);
    Process p = new ProcessBuilder(Processes.findBinary("chromium").toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--window-size=1000,1500",
        "--screenshot=" + png, html.toUri().toString())
        .redirectErrorStream(true).redirectOutput(new File(profile.toFile(), "chromium.log")).start();
    try {
      assertThat(p.waitFor(CHROMIUM_TIMEOUT_SEC, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      try (Stream<ProcessHandle> children = p.descendants()) {
        children.forEach(ProcessHandle::destroyForcibly);
      }
    }
    assertThat(png).exists();
  }
}
