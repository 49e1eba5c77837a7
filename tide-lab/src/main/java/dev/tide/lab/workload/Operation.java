package dev.tide.lab.workload;

/**
 * One request: a RESP command ({@code argv}), the key it routes by (for cluster slots; null for
 * keyless commands) and its kind, which drivers that do not speak RESP (etcd) translate.
 */
public record Operation(Kind kind, byte[] key, byte[][] argv) {

  /** What an operation does, independent of protocol. */
  public enum Kind {
    READ, WRITE, PUBLISH, OTHER
  }

  /** The value of a WRITE of a plain key ({@code SET key value}): the last argument. */
  public byte[] value() {
    return argv[argv.length - 1];
  }
}
