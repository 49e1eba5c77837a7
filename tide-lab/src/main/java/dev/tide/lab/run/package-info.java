/**
 * The runners and what they record. {@link dev.tide.lab.run.LoadRunner} runs one measured phase
 * against a {@link dev.tide.lab.driver.Driver}: open-loop (requests issued on an intended
 * schedule, latency measured from the intended start) or closed-loop (a fixed number of
 * requests outstanding per lane). Latencies go into HdrHistogram {@code Recorder}s and are cut
 * into one interval histogram per second.
 */
package dev.tide.lab.run;
