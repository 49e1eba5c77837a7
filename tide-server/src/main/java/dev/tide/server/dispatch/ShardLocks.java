package dev.tide.server.dispatch;

import dev.tide.engine.keyspace.Database;

import java.util.Arrays;

/**
 * Takes the locks of a set of shards in ascending index order (the one global order, so no two
 * commands can deadlock) and releases them in reverse.
 */
final class ShardLocks {

  private ShardLocks() {
  }

  /** Sorted, distinct shard indexes of the given keys. */
  static int[] shardsOf(Database db, byte[][] argv, int[] keyIndexes) {
    int[] shards = new int[keyIndexes.length];
    for (int i = 0; i < keyIndexes.length; i++) {
      shards[i] = db.shardIndex(argv[keyIndexes[i]]);
    }
    return distinctSorted(shards);
  }

  static int[] shardsOf(Database db, byte[][] keys) {
    int[] shards = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      shards[i] = db.shardIndex(keys[i]);
    }
    return distinctSorted(shards);
  }

  private static int[] distinctSorted(int[] shards) {
    if (shards.length <= 1) {
      return shards;
    }
    Arrays.sort(shards);
    int n = 1;
    for (int i = 1; i < shards.length; i++) {
      if (shards[i] != shards[n - 1]) {
        shards[n++] = shards[i];
      }
    }
    return n == shards.length ? shards : Arrays.copyOf(shards, n);
  }

  static void lock(Database db, int[] shards) {
    for (int s : shards) {
      db.shard(s).lock().lock();
    }
  }

  static void unlock(Database db, int[] shards) {
    for (int i = shards.length - 1; i >= 0; i--) {
      db.shard(shards[i]).lock().unlock();
    }
  }

  static int[] all(Database db) {
    int[] shards = new int[db.shardCount()];
    for (int i = 0; i < shards.length; i++) {
      shards[i] = i;
    }
    return shards;
  }
}
