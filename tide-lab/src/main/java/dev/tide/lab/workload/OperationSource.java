package dev.tide.lab.workload;

/**
 * Where a runner gets operations: {@link #stream(long)} gives an independent stream (one for the
 * open-loop scheduler, one per closed-loop lane). {@link WorkloadSpec} is the usual source; tests
 * pass fixed sequences.
 */
@FunctionalInterface
public interface OperationSource {

  Stream stream(long id);

  /** A sequence of operations, used by one thread at a time. */
  @FunctionalInterface
  interface Stream {
    Operation next();
  }
}
