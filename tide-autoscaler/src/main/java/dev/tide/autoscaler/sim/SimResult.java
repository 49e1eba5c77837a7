package dev.tide.autoscaler.sim;

/**
 * One controller's run over one trace.
 *
 * @param policy               the controller's name
 * @param violationMinutes     minutes whose p99 was over the SLO threshold (more than 1% slow requests)
 * @param nodeHours            node-hours billed (pending, serving and draining nodes)
 * @param actions              scaling actions taken
 * @param flaps                actions reversing the direction of the previous one within {@link Simulator#FLAP_WINDOW_MS}
 * @param worstRecoverySec     longest SLO-violation episode, seconds (gaps under 60 s merged): the time to recover from a spike
 * @param peakNodes            most billed nodes at once
 * @param minuteLoad           offered ops/s, mean per minute
 * @param minuteNodes          billed nodes, mean per minute
 * @param minuteP99            p99 per minute (request-weighted p99 approximated by the worst second), ms
 */
public record SimResult(String policy, int violationMinutes, double nodeHours, int actions, int flaps,
    int worstRecoverySec, int peakNodes, double[] minuteLoad, double[] minuteNodes, double[] minuteP99) {
}
