package dev.tide.lab.run;

/**
 * One second of a run. Latencies in microseconds, from the intended start time in open loop.
 *
 * @param scheduled requests whose intended start fell in this second (open loop; 0 in closed loop)
 * @param issued    requests handed to the driver in this second
 * @param completed successful replies received in this second (the throughput)
 */
public record IntervalStats(int second, long scheduled, long issued, long completed, long errors, long retries,
                            double p50Us, double p90Us, double p99Us, double p999Us, double maxUs) {
}
