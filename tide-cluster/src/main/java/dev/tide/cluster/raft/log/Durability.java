package dev.tide.cluster.raft.log;

import java.util.Locale;

/**
 * When a Raft log write counts as stored on this node (docs/cluster.md, "Durability modes", says
 * what each promises under which failures).
 */
public enum Durability {
  /**
   * Every commit batch of the node log is fsynced (fdatasync) before any entry in it counts as
   * stored: an acknowledged write is on the disks of a majority of its partition's replicas.
   */
  FSYNC,
  /**
   * The node log is written to the operating system (page cache) but not fsynced per batch: an
   * acknowledged write is in the memory of a majority of replicas' operating systems, so it
   * survives any number of process crashes and the machine crash of a minority.
   */
  REPLICATED;

  /** The name used on the command line. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line value ({@code fsync} or {@code replicated}). */
  public static Durability parse(String s) {
    for (Durability d : values()) {
      if (d.cliName().equals(s)) {
        return d;
      }
    }
    throw new IllegalArgumentException("--durability must be fsync or replicated, got '" + s + "'");
  }
}
