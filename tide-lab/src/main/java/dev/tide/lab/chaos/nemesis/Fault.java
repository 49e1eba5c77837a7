package dev.tide.lab.chaos.nemesis;

/**
 * One injected fault: what, on whom, and when (ns on the run's history clock; {@code endNs} is
 * -1 while it is active).
 */
public record Fault(FaultKind kind, String description, long startNs, long endNs) {

  public Fault ended(long atNs) {
    return new Fault(kind, description, startNs, atNs);
  }
}
