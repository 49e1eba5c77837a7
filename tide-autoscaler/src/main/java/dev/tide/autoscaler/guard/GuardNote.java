package dev.tide.autoscaler.guard;

/** One guard's effect on a decision: the size before and after it, and why. */
public record GuardNote(String guard, int before, int after, String reason) {
}
