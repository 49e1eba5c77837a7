/**
 * Open-loop schedules: a {@link dev.tide.lab.schedule.RateProfile} says how many requests per
 * second are wanted at each moment of a run; {@link dev.tide.lab.schedule.OpenLoopSchedule} turns
 * it into the intended start time of every request. Latency is measured from those times, so a
 * server stall is charged to every request that should have started during it.
 */
package dev.tide.lab.schedule;
