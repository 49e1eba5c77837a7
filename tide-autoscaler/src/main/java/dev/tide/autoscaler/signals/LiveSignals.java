package dev.tide.autoscaler.signals;

import dev.tide.autoscaler.scrape.NodeReading;
import dev.tide.autoscaler.scrape.NodeSnapshot;
import dev.tide.autoscaler.scrape.ScrapeTarget;
import dev.tide.autoscaler.scrape.Scraper;
import dev.tide.autoscaler.scrape.SnapshotSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Live signals: the nodes' own metrics, read every evaluation interval (1 s to 5 s).
 *
 * <p>Each {@link #read} scrapes every current target, and for each node that answered now and at the
 * previous read computes a {@link NodeReading} over the interval between the two (ops/s, CPU,
 * memory, p99 from the latency histogram buckets, connections, errors, queue depth, requests and
 * slow requests for the SLO). Those raw readings are the {@link NodeSample}s the autoscaler
 * aggregates and smooths (stable and panic views, {@link SmoothedSignals}); a node read for the first
 * time, or that did not answer, has no sample — it counts as provisioned but not warm, like a node
 * still starting (the live loop takes the node count from the actuator).
 *
 * <p>For people (the {@code autoscale run} console and status), every node's figures and the
 * cluster-wide SLO burn rate — (slow / requests) / (1 - objective) over the interval — are also kept
 * smoothed with the documented filter ({@link Smoother}, time constant {@code displayTauMs}).
 * Time is the {@code nowMs} argument; nothing here reads a clock.
 */
public final class LiveSignals implements MetricSource {

  /** One node as last read. */
  public record NodeView(String nodeId, NodeReading reading, double opsPerSec, double cpu, double p99Ms,
      double queueDepth, double errorsPerSec) {
  }

  /** The last read: per-node figures (raw reading + smoothed), unreachable nodes, the cluster burn rate. */
  public record Report(long nowMs, List<NodeView> nodes, Map<String, String> unreachable, long requests,
      long slowRequests, double burnRate, double burnRateSmoothed) {
  }

  private static final class NodeState {
    NodeSnapshot last;
    long lastMs;
    final Smoother ops;
    final Smoother cpu;
    final Smoother p99;
    final Smoother queue;
    final Smoother errors;

    NodeState(long tauMs) {
      ops = new Smoother(tauMs);
      cpu = new Smoother(tauMs);
      p99 = new Smoother(tauMs);
      queue = new Smoother(tauMs);
      errors = new Smoother(tauMs);
    }
  }

  private final Supplier<List<ScrapeTarget>> targets;
  private final SnapshotSource source;
  private final double sloLatencyMs;
  private final double sloObjective;
  private final long displayTauMs;
  private final Map<String, NodeState> nodes = new HashMap<>();
  private final Smoother burn;
  private Report last;

  /**
   * @param targets       the nodes to read, asked at every read (the actuator's view of the cluster)
   * @param source        scrapes them
   * @param sloLatencyMs  a request slower than this is slow for the SLO
   * @param sloObjective  fraction of requests that must be fast (e.g. 0.999), for the burn rate
   * @param displayTauMs  time constant of the smoothed figures kept for display
   */
  public LiveSignals(Supplier<List<ScrapeTarget>> targets, SnapshotSource source, double sloLatencyMs,
      double sloObjective, long displayTauMs) {
    if (!(sloObjective > 0 && sloObjective < 1) || !(sloLatencyMs > 0)) {
      throw new IllegalArgumentException("need 0 < objective < 1 and latency > 0");
    }
    this.targets = targets;
    this.source = source;
    this.sloLatencyMs = sloLatencyMs;
    this.sloObjective = sloObjective;
    this.displayTauMs = displayTauMs;
    this.burn = new Smoother(displayTauMs);
  }

  @Override
  public List<NodeSample> read(long nowMs) {
    List<ScrapeTarget> list = targets.get();
    Map<ScrapeTarget, Scraper.Result> results = source.scrape(list);
    List<NodeSample> samples = new ArrayList<>(list.size());
    List<NodeView> views = new ArrayList<>(list.size());
    Map<String, String> unreachable = new java.util.LinkedHashMap<>();
    Set<String> present = new HashSet<>();
    long requests = 0;
    long slow = 0;
    for (ScrapeTarget t : list) {
      present.add(t.nodeId());
      Scraper.Result r = results.get(t);
      if (r == null || !r.ok()) {
        unreachable.put(t.nodeId(), r == null ? "not scraped" : r.error());
        continue;
      }
      NodeState st = nodes.computeIfAbsent(t.nodeId(), k -> new NodeState(displayTauMs));
      if (st.last != null && nowMs > st.lastMs) {
        NodeReading reading = NodeReading.between(t.nodeId(), st.last, r.snapshot(), nowMs, nowMs - st.lastMs,
            sloLatencyMs);
        samples.add(reading.toSample());
        requests += reading.requests();
        slow += reading.slowRequests();
        views.add(new NodeView(t.nodeId(), reading, st.ops.update(nowMs, reading.opsPerSec()),
            st.cpu.update(nowMs, reading.cpu()), st.p99.update(nowMs, reading.p99Ms()),
            st.queue.update(nowMs, reading.queueDepth()), st.errors.update(nowMs, reading.errorsPerSec())));
      }
      st.last = r.snapshot();
      st.lastMs = nowMs;
    }
    nodes.keySet().retainAll(present); // a node that left starts afresh if it comes back
    double burnRate = requests == 0 ? 0 : ((double) slow / requests) / (1 - sloObjective);
    double smoothed = requests == 0 ? burn.value() : burn.update(nowMs, burnRate);
    last = new Report(nowMs, List.copyOf(views), unreachable, requests, slow, burnRate, smoothed);
    return samples;
  }

  /** The last read, or null before the first. */
  public Report lastReport() {
    return last;
  }
}
