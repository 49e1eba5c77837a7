/**
 * The live control loop ({@link dev.tide.autoscaler.loop.ControlLoop}): live signals in, the
 * autoscaler's decision out, applied through an {@code actuator.Actuator}; manual scales are
 * adopted, not fought. See docs/autoscaler.md, "The live loop".
 */
package dev.tide.autoscaler.loop;
