package dev.tide.server.transactions;

import dev.tide.engine.command.CommandSpec;
import dev.tide.server.testing.Differential;
import dev.tide.server.testing.Differential.Mode;
import dev.tide.server.testing.DifferentialTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH compared with redis-server: error texts, EXEC results, and
 * WATCH aborts caused by this and other connections. Keys are unique per test because the
 * servers live for the whole class.
 */
class TransactionDifferentialTest extends DifferentialTestBase {

  @BeforeAll
  static void registerNoMultiStandIn() {
    // SAVE is Redis's no_multi command; if the admin family has not registered it yet, a stand-in
    // with the same flags lets this test exercise the executor's no_multi rule against Redis.
    if (tideServer.server().table().lookup("save") == null) {
      tideServer.server().table().register(CommandSpec.builder("save", 1, "admin noscript no_multi")
          .impl(ctx -> ctx.reply().ok()));
    }
  }

  @Test
  void errorTextsOutsideAndInsideMultiMatchRedis() {
    diff.check("EXEC");
    diff.check("DISCARD");
    diff.check("WATCH");
    diff.check("UNWATCH");
    diff.check("UNWATCH", "extra");
    diff.check("MULTI", "extra");
    diff.check("MULTI");
    diff.check("MULTI"); // nested: an error, but the transaction is not flagged
    diff.check("WATCH", "tx:err:k"); // refused inside MULTI, not flagged either
    diff.check("SET", "tx:err:k", "v");
    diff.check("EXEC");
    diff.check("EXEC");
  }

  @Test
  void execReturnsEachCommandsReplyIncludingRuntimeErrors() {
    diff.check("MULTI");
    diff.check("SET", "tx:run:k", "v1");
    diff.check("PING", "a", "b"); // arity is checked by PING itself at EXEC time: an error in the array
    diff.check("ECHO", "hello");
    diff.check("GET", "tx:run:k");
    diff.check("PING");
    diff.check("EXEC");
    diff.check("GET", "tx:run:k");
  }

  @Test
  void emptyTransactionAndUnwatchQueuedInsideMulti() {
    diff.check("MULTI");
    diff.check("EXEC");
    diff.check("MULTI");
    diff.check("UNWATCH");
    diff.check("EXEC");
  }

  @Test
  void queueingErrorsAbortExecWithExecAbort() {
    diff.check("MULTI");
    diff.check("SET", "tx:abort:k", "v");
    diff.check("NOSUCHCOMMAND", "x");
    diff.check("PING");
    diff.check("EXEC");
    diff.check("EXEC"); // the transaction is gone
    diff.check("GET", "tx:abort:k");

    diff.check("MULTI");
    diff.check("SET", "tx:abort:k");
    diff.check("EXEC");

    diff.check("MULTI");
    diff.check("SAVE");
    diff.check("SET", "tx:abort:k", "v");
    diff.check("EXEC");
    diff.check("GET", "tx:abort:k");
  }

  @Test
  void discardDropsTheQueueAndLeavesMulti() {
    diff.check("MULTI");
    diff.check("SET", "tx:discard:k", "v");
    diff.check("DISCARD");
    diff.check("GET", "tx:discard:k");
    diff.check("EXEC");
    diff.check("DISCARD");
  }

  @Test
  void watchedKeyWrittenByAnotherConnectionAbortsExec() {
    try (Differential other = new Differential(tideServer.port(), redisServer.port())) {
      diff.check("SET", "tx:w1:k", "0");
      diff.check("WATCH", "tx:w1:k");
      other.check("SET", "tx:w1:k", "changed");
      diff.check("MULTI");
      diff.check("SET", "tx:w1:k", "mine");
      diff.check("SET", "tx:w1:side", "effect");
      diff.check("EXEC");
      diff.check("GET", "tx:w1:k");
      diff.check("GET", "tx:w1:side");
      // EXEC forgot the watch: the same client can now run a transaction despite new writes.
      other.check("SET", "tx:w1:k", "again");
      diff.check("MULTI");
      diff.check("SET", "tx:w1:k", "mine");
      diff.check("EXEC");
      diff.check("GET", "tx:w1:k");
      other.assertNoMismatches();
    }
  }

  @Test
  void watchedKeyCreatedByAnotherConnectionAbortsExec() {
    try (Differential other = new Differential(tideServer.port(), redisServer.port())) {
      diff.check("WATCH", "tx:w2:absent");
      other.check("SET", "tx:w2:absent", "now-present");
      diff.check("MULTI");
      diff.check("GET", "tx:w2:absent");
      diff.check("EXEC");
      other.assertNoMismatches();
    }
  }

  @Test
  void writesToOtherKeysDoNotAbort() {
    try (Differential other = new Differential(tideServer.port(), redisServer.port())) {
      diff.check("SET", "tx:w3:k", "0");
      diff.check("WATCH", "tx:w3:k");
      other.check("SET", "tx:w3:unrelated", "x");
      other.check("GET", "tx:w3:k");
      diff.check("MULTI");
      diff.check("SET", "tx:w3:k", "1");
      diff.check("EXEC");
      other.assertNoMismatches();
    }
  }

  @Test
  void ownWriteAfterWatchAbortsExec() {
    diff.check("SET", "tx:w4:k", "v");
    diff.check("WATCH", "tx:w4:k", "tx:w4:k");
    diff.check("SET", "tx:w4:k", "v"); // same value: still a modification
    diff.check("MULTI");
    diff.check("PING");
    diff.check("EXEC");
  }

  @Test
  void unwatchAndDiscardForgetWatchedKeys() {
    try (Differential other = new Differential(tideServer.port(), redisServer.port())) {
      diff.check("WATCH", "tx:w5:a");
      other.check("SET", "tx:w5:a", "1");
      diff.check("UNWATCH"); // also clears the dirty state
      diff.check("MULTI");
      diff.check("PING");
      diff.check("EXEC");

      diff.check("WATCH", "tx:w5:b");
      diff.check("MULTI");
      diff.check("DISCARD");
      other.check("SET", "tx:w5:b", "1");
      diff.check("MULTI");
      diff.check("PING");
      diff.check("EXEC");

      // A failed EXEC forgets its watches too.
      diff.check("WATCH", "tx:w5:c");
      other.check("SET", "tx:w5:c", "1");
      diff.check("MULTI");
      diff.check("EXEC");
      other.check("SET", "tx:w5:c", "2");
      diff.check("MULTI");
      diff.check("PING");
      diff.check("EXEC");
      other.assertNoMismatches();
    }
  }

  @Test
  void watchAcrossKeysInDifferentShards() {
    var db = tideServer.server().db();
    String a = "tx:shards:a";
    String b = null;
    for (int i = 0; i < 1000 && b == null; i++) { // bounded search for a key in another shard
      String candidate = "tx:shards:b" + i;
      if (db.shardIndex(candidate.getBytes()) != db.shardIndex(a.getBytes())) {
        b = candidate;
      }
    }
    assertThat(b).as("a key in another shard").isNotNull();
    try (Differential other = new Differential(tideServer.port(), redisServer.port())) {
      diff.check("WATCH", a, b);
      other.check("SET", a + ":neighbour", "x"); // unrelated keys do not matter
      diff.check("MULTI");
      diff.check("SET", a, "1");
      diff.check("SET", b, "1");
      diff.check("EXEC");

      diff.check("WATCH", a, b);
      other.check("SET", b, "changed"); // only the key in the second shard changes
      diff.check("MULTI");
      diff.check("SET", a, "2");
      diff.check("SET", b, "2");
      diff.check("EXEC");
      diff.check("GET", a);
      diff.check("GET", b);
      other.assertNoMismatches();
    }
  }

  @Test
  void execRepliesInResp2AndTheTransactionStateSurvivesPipelining() {
    // A pipeline sent in one write: all QUEUED replies, then the EXEC array.
    for (var client : new dev.tide.server.testing.RespClient[] {diff.tide(), diff.redis()}) {
      client.send("MULTI");
      client.send("SET", "tx:pipe:k", "v");
      client.send("GET", "tx:pipe:k");
      client.send("EXEC");
    }
    for (int i = 0; i < 4; i++) {
      assertThat(diff.tide().read()).isEqualTo(diff.redis().read());
    }
    diff.check(Mode.EXACT, "GET", "tx:pipe:k");
  }
}
