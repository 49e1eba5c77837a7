package dev.tide.lab.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small parts of the cluster benchmarks: slot lists, thread-name groups, /proc parsing, the ETA. */
class ClusterBenchPartsTest {

  @Test
  void slotListsOfTideStatusAreParsed() {
    assertThat(FailoverBench.slotsContain("0-1023", 0)).isTrue();
    assertThat(FailoverBench.slotsContain("0-1023", 1023)).isTrue();
    assertThat(FailoverBench.slotsContain("0-1023", 1024)).isFalse();
    assertThat(FailoverBench.slotsContain("0-9,20,30-39", 20)).isTrue();
    assertThat(FailoverBench.slotsContain("0-9,20,30-39", 21)).isFalse();
    assertThat(FailoverBench.slotsContain("0-9, 30-39", 35)).isTrue();
    assertThat(FailoverBench.slotsContain("?", 5)).isFalse();
  }

  @Test
  void theWritersStoryFoldsEventsByKindAndNode() {
    FailoverWriter w = new FailoverWriter(List.of(new java.net.InetSocketAddress("127.0.0.1", 1)), 100, "{t}");
    long kill = 1_000_000_000L;
    long ms = 1_000_000L;
    w.event(kill - 5 * ms, FailoverWriter.Event.TIMEOUT, 0); // before the window: left out
    w.event(kill + 115 * ms, FailoverWriter.Event.REFUSED, 0);
    w.event(kill + 126 * ms, FailoverWriter.Event.MOVED, 0);
    w.event(kill + 300 * ms, FailoverWriter.Event.REFUSED, 0);
    w.event(kill + 310 * ms, FailoverWriter.Event.MOVED, 0);
    w.event(kill + 430 * ms, FailoverWriter.Event.TRYAGAIN, 2);
    w.event(kill + 431 * ms, FailoverWriter.Event.MOVED, -1);
    w.event(kill + 595 * ms, FailoverWriter.Event.ACK, 2);
    assertThat(w.story(kill, kill + 595 * ms, kill, List.of("n1", "n2", "n3"))).isEqualTo(
        "+115 REFUSED n1 x2 (to +300); +126 MOVED n1 x2 (to +310); +430 TRYAGAIN n3; +431 MOVED ?; +595 ACK n3");
  }

  @Test
  void threadNamesGroupWithoutTheirNumbers() {
    assertThat(ProcessCpu.group("tide-io-3")).isEqualTo("tide-io");
    assertThat(ProcessCpu.group("ZWorkerOld#1")).isEqualTo("ZWorkerOld");
    assertThat(ProcessCpu.group("rocksdb:low0")).isEqualTo("rocksdb:low");
    assertThat(ProcessCpu.group("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
    assertThat(ProcessCpu.group("42")).isEqualTo("42");
  }

  @Test
  void procStatLinesWithSpacesAndParenthesesInTheNameParse() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    String stat = "1234 (C2 (Compiler) 1) S 1 1234 1234 0 -1 4194368 100 0 0 0 250 50 0 0 20 0 1 0 100 0 0";
    assertThat(ProcessCpu.comm(stat)).isEqualTo("C2 (Compiler) 1");
    assertThat(ProcessCpu.cpuNs(stat)).isEqualTo(300 * 10_000_000L); // 300 ticks of 10 ms
  }

  @Test
  void cpuOfThisProcessIsReadAndGrows() {
    long pid = ProcessHandle.current().pid();
    ProcessCpu.Snapshot a = ProcessCpu.take(List.of(pid));
    org.junit.jupiter.api.Assumptions.assumeTrue(!a.processCpuNs().isEmpty(), "no /proc here");
    long x = 0;
    long until = System.nanoTime() + 200_000_000L; // 200 ms of work: at least a few 10 ms ticks
    while (System.nanoTime() < until) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    ProcessCpu.Snapshot b = ProcessCpu.take(List.of(pid));
    assertThat(ProcessCpu.totalNs(a, b)).as("spun %d", x).isPositive();
    assertThat(ProcessCpu.groupsNs(a, b)).isNotEmpty();
  }

  @Test
  void machineCpuSharesComeFromTwoProcStatLines() {
    MachineCpu.Reading a = MachineCpu.parse("cpu  1000 0 500 3000 100 0 0 0 0 0");
    MachineCpu.Reading b = MachineCpu.parse("cpu  1400 100 600 3100 300 50 50 0 0 0");
    MachineCpu c = MachineCpu.between(a, b); // 1000 jiffies passed: user+nice 500, system+irq+softirq 200
    assertThat(c.user()).isEqualTo(0.5);
    assertThat(c.system()).isEqualTo(0.2);
    assertThat(c.iowait()).isEqualTo(0.2);
    assertThat(c.idle()).isEqualTo(0.1);
    assertThat(c.describe()).isEqualTo("user 50%, system 20%, iowait 20%, idle 10%, steal 0%");
    assertThat(MachineCpu.between(a, a)).isNull();
    assertThatThrownBy(() -> MachineCpu.parse("cpu0 1 2 3 4 5 6 7 8")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stackSamplesCountRunnableFramesAndThreadGroups() {
    String dump = String.join("\n",
        "1234:", "Full thread dump OpenJDK 64-Bit Server VM (25 mixed mode):", "",
        "\"JRaft-LogManager-Disruptor-3\" #40 daemon prio=5 os_prio=0 tid=0x1 nid=0x2 runnable",
        "   java.lang.Thread.State: RUNNABLE",
        "\tat org.rocksdb.RocksDB.write0(Native Method)",
        "\tat org.rocksdb.RocksDB.write(RocksDB.java:1)", "",
        "\"JRaft-LogManager-Disruptor-4\" #41 daemon prio=5 os_prio=0 tid=0x1 nid=0x2 runnable",
        "   java.lang.Thread.State: RUNNABLE",
        "\tat org.rocksdb.RocksDB.write0(Native Method)", "",
        "\"tide-io-1\" #12 prio=5 os_prio=0 tid=0x1 nid=0x2 runnable",
        "   java.lang.Thread.State: RUNNABLE",
        "\tat io.netty.channel.epoll.Native.epollWait0(Native Method)", "",
        "\"JRaft-RPC-Processor-7\" #90 prio=5 os_prio=0 tid=0x1 nid=0x2 waiting on condition",
        "   java.lang.Thread.State: WAITING (parking)",
        "\tat jdk.internal.misc.Unsafe.park(Native Method)", "");
    StackSampler s = new StackSampler(List.of(), Path.of("unused")); // counting only: not started
    s.add(dump);
    s.add("not a dump"); // a failed jcmd is ignored
    String text = s.summary();
    assertThat(text).contains("1 thread dumps").contains("4 threads per JVM, 2.0 of them RUNNABLE")
        .contains("100.0%  org.rocksdb.RocksDB.write0")
        .doesNotContain("epollWait0");
    assertThat(text).containsPattern("2\\.0  JRaft-LogManager-Disruptor-N");
  }

  @Test
  void etaCountsDownOverThePlannedSteps() {
    Eta eta = new Eta().add("a: start", 10).add("a: run", 20).add("b: start", 30);
    assertThat(eta.totalSec()).isEqualTo(60);
    assertThat(eta.begin("a: start", 0)).isEqualTo("[1/3, ETA 1m00s] a: start");
    assertThat(eta.remainingSec(4_000_000_000L)).isEqualTo(56);
    assertThat(eta.begin("a: run", 12_000_000_000L)).isEqualTo("[2/3, ETA 50s] a: run");
    eta.skipTo("b:");
    assertThat(eta.begin("b: start", 13_000_000_000L)).isEqualTo("[3/3, ETA 30s] b: start");
    assertThat(Eta.format(3725)).isEqualTo("1h02m");
  }

  @Test
  void fsyncProbeMeasuresAndCleansUp(@TempDir Path dir) throws Exception {
    FsyncProbe.Result r = FsyncProbe.measure(dir);
    assertThat(r.count()).isPositive();
    assertThat(r.p50Us()).isPositive().isLessThanOrEqualTo(r.p99Us());
    assertThat(r.p99Us()).isLessThanOrEqualTo(r.maxUs());
    try (var files = java.nio.file.Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void theTideClusterTargetNamesTheMissingBuild(@TempDir Path emptyRepo) {
    assertThatThrownBy(() -> dev.tide.lab.targets.TideClusterTarget.start(emptyRepo, 3, 4, line -> { }))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("tide-cli is not built");
  }
}
