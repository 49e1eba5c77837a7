package dev.tide.engine.keyspace;

/** Someone (a connection with WATCH) who must hear when a key changes. */
public interface KeyWatcher {

  /** The watched key was modified, deleted or expired. Called under the shard's lock: be quick. */
  void keyModified();
}
