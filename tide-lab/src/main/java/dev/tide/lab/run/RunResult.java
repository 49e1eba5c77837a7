package dev.tide.lab.run;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * What one measured phase produced. Histograms hold nanoseconds.
 *
 * @param latency        successful requests, from intended start (open loop) or send (closed loop)
 * @param serviceTime    successful requests, from the moment the last attempt was written
 * @param issueLag       open loop: how late each request was handed to the driver after its intended time
 * @param delivery       pub/sub: publish (intended time) to delivery at a subscriber; empty otherwise
 * @param intervals      one entry per second
 * @param intervalHistograms the latency histogram of each second, for the HdrHistogram log
 * @param scheduled      requests the schedule asked for (open loop)
 * @param issued         requests handed to the driver
 * @param issuedOnTime   open loop: requests issued before the end of the run's duration
 * @param unfinished     requests still without a reply when the run gave up waiting (also in errors)
 * @param errorCounts    error texts and how often each was seen (the first few distinct ones)
 */
public record RunResult(String label, String driverKind, String configText, long startEpochMs, double elapsedSec,
                        Histogram latency, Histogram serviceTime, Histogram issueLag, Histogram delivery,
                        List<IntervalStats> intervals, List<Histogram> intervalHistograms,
                        long scheduled, long issued, long issuedOnTime, long ok, long errors, long retries,
                        long unfinished, long delivered, Map<String, Long> errorCounts) {

  /** Successful replies per second over the measured time. */
  public double throughputOpsPerSec() {
    return elapsedSec <= 0 ? 0 : ok / elapsedSec;
  }

  public double percentileMs(double p) {
    return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(p) / 1e6;
  }

  public double maxMs() {
    return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1e6;
  }
}
