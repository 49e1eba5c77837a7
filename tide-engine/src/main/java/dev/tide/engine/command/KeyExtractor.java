package dev.tide.engine.command;

/** Finds the key arguments of a command whose keys are not at fixed positions (e.g. numkeys). */
@FunctionalInterface
public interface KeyExtractor {

  /** Indexes into {@code argv} of the keys; may be empty. Must not throw on malformed input. */
  int[] keyIndexes(byte[][] argv);
}
