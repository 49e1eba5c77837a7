package dev.tide.cluster.raft;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.Errors;
import dev.tide.engine.commands.sets.SetsCommands;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.SetValue;
import dev.tide.engine.types.ValueType;
import dev.tide.protocol.Reply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SPOP as a replicated state machine must run it: every replica removes the same members.
 *
 * <p>The engine's SPOP draws from the set's hash table with a random generator, and the table's
 * layout differs between replicas (per-process hash seed; incremental rehashing advanced by reads
 * that only the leader serves; a replica restored from a snapshot rebuilt its tables). A seeded
 * generator alone would therefore still pick different members. Here the members are ranked by
 * a hash of (seed carried in the log entry, member bytes), which depends on neither layout nor
 * encoding, and the lowest-ranked ones are popped. Cost: O(N log N) in the set's size per SPOP,
 * where Redis is O(count); documented in docs/cluster.md. Replies and errors are the engine's.
 */
final class DeterministicSpop {

  private DeterministicSpop() {
  }

  static void apply(byte[][] argv, Reply r, long nowMs, long seed, Database db) {
    if (argv.length > 3) {
      throw Errors.syntax();
    }
    long count = 1;
    if (argv.length == 3) {
      long[] parsed = new long[1];
      if (!Args.tryParseLong(argv[2], parsed) || parsed[0] < 0) {
        throw new CommandException(SetsCommands.COUNT_NOT_POSITIVE);
      }
      count = parsed[0];
    }
    byte[] key = argv[1];
    Keyspace ks = db.shardFor(key);
    SetValue s = ks.write(key, ValueType.SET, nowMs);
    if (s == null || count == 0) {
      if (argv.length == 2) {
        r.nullBulk();
      } else {
        r.set(0);
      }
      return;
    }
    List<byte[]> members = s.members();
    List<byte[]> picked;
    if (count >= members.size()) {
      picked = members;
    } else {
      record Ranked(long rank, byte[] member) {
      }
      List<Ranked> ranked = new ArrayList<>(members.size());
      for (byte[] m : members) {
        ranked.add(new Ranked(rank(seed, m), m));
      }
      ranked.sort(Comparator.comparingLong(Ranked::rank).thenComparing(Ranked::member, Arrays::compareUnsigned));
      picked = new ArrayList<>((int) count);
      for (int i = 0; i < count; i++) {
        picked.add(ranked.get(i).member());
      }
    }
    for (byte[] m : picked) {
      s.remove(m);
    }
    ks.modified(key);
    if (argv.length == 2) {
      r.bulk(picked.get(0));
      return;
    }
    r.set(picked.size());
    for (byte[] m : picked) {
      r.bulk(m);
    }
  }

  /** A 64-bit mix of the seed and the member's bytes (FNV-1a folded through a SplitMix64 finaliser). */
  static long rank(long seed, byte[] member) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (byte b : member) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
