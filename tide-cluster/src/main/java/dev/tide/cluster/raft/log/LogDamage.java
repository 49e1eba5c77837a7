package dev.tide.cluster.raft.log;

import java.nio.file.Path;

/**
 * Something wrong found in the node log: which group lost data ({@code group == null}: the whole
 * log is unusable, any group may have lost data), the file, the offset and what is wrong.
 */
public record LogDamage(String group, Path file, long offset, String what) {

  public boolean wholeLog() {
    return group == null;
  }

  public String describe() {
    return (group == null ? "node log" : "group " + group) + ": " + file + " at offset " + offset + ": " + what;
  }
}
