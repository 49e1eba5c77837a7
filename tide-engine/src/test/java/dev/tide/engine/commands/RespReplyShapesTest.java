package dev.tide.engine.commands;

import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Session;
import dev.tide.engine.commands.hashes.HashesCommands;
import dev.tide.engine.commands.sets.SetsCommands;
import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.CollectionValue;
import dev.tide.protocol.RespReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hash and set commands run against an engine database, their replies encoded for RESP2 and
 * RESP3 clients. Expected bytes are what redis-server 7.0.15 sends for the same commands (after
 * HELLO 3 for RESP3), so the RESP3 reply types (map, set, nested pairs) are proven here even
 * where the server cannot yet negotiate RESP3. Encodings are read from the stored values.
 */
class RespReplyShapesTest {

  private final CommandTable table = new CommandTable();
  private Database db;

  @BeforeEach
  void setUp() {
    HashesCommands.register(table);
    SetsCommands.register(table);
    db = new Database(new EngineConfig(), 4);
  }

  private String run(int protocol, String... args) {
    CommandSpec spec = table.lookup(args[0]);
    assertThat(spec).as(args[0]).isNotNull();
    assertThat(spec.arityOk(args.length)).as("arity of %s", String.join(" ", args)).isTrue();
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    ByteBuf buf = Unpooled.buffer();
    RespReplyWriter writer = new RespReplyWriter(buf, protocol);
    Session session = new Session() {
      @Override
      public long clientId() {
        return 1;
      }

      @Override
      public int protocol() {
        return protocol;
      }

      @Override
      public boolean inTransaction() {
        return false;
      }
    };
    db.lockAll();
    try {
      CommandContext ctx = new CommandContext().reset(spec, argv, writer, 1_000, db, session, false);
      try {
        spec.impl().execute(ctx);
      } catch (CommandException e) {
        buf.clear();
        writer.error(e.getMessage());
      }
    } finally {
      db.unlockAll();
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    buf.release();
    return out;
  }

  private String encoding(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    Keyspace ks = db.shardFor(k);
    Object v = ks.peek(k, 1_000);
    return v == null ? null : ((CollectionValue) v).encoding();
  }

  @Test
  void hashRepliesInResp3AndResp2() {
    run(3, "HSET", "h", "a", "1", "b", "2");
    assertThat(run(3, "HGETALL", "h")).isEqualTo("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
    assertThat(run(2, "HGETALL", "h")).isEqualTo("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
    assertThat(run(3, "HGETALL", "nokey")).isEqualTo("%0\r\n");
    assertThat(run(3, "HKEYS", "h")).isEqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    assertThat(run(3, "HRANDFIELD", "h", "2", "WITHVALUES"))
        .isEqualTo("*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
    assertThat(run(2, "HRANDFIELD", "h", "2", "WITHVALUES"))
        .isEqualTo("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
    assertThat(run(3, "HRANDFIELD", "h", "-3", "WITHVALUES")).startsWith("*3\r\n*2\r\n$1\r\n");
    assertThat(run(3, "HRANDFIELD", "h", "2")).isEqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    assertThat(run(3, "HRANDFIELD", "nokey")).isEqualTo("_\r\n");
    assertThat(run(2, "HRANDFIELD", "nokey")).isEqualTo("$-1\r\n");
    assertThat(run(3, "HRANDFIELD", "nokey", "2", "WITHVALUES")).isEqualTo("*0\r\n");
    assertThat(run(3, "HGET", "h", "x")).isEqualTo("_\r\n");
    assertThat(run(3, "HSCAN", "h", "0")).isEqualTo("*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
    assertThat(run(3, "HINCRBYFLOAT", "h", "a", "0.5")).isEqualTo("$3\r\n1.5\r\n");
  }

  @Test
  void setRepliesInResp3AndResp2() {
    run(3, "SADD", "s", "3", "1", "2");
    assertThat(run(3, "SMEMBERS", "s")).isEqualTo("~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assertThat(run(2, "SMEMBERS", "s")).isEqualTo("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assertThat(run(3, "SMEMBERS", "nokey")).isEqualTo("~0\r\n");
    assertThat(run(3, "SINTER", "s", "s")).isEqualTo("~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assertThat(run(3, "SUNION", "nokey")).isEqualTo("~0\r\n");
    assertThat(run(3, "SDIFF", "s", "nokey")).isEqualTo("~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assertThat(run(3, "SRANDMEMBER", "s", "5")).isEqualTo("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assertThat(run(3, "SRANDMEMBER", "nokey", "2")).isEqualTo("*0\r\n");
    assertThat(run(3, "SRANDMEMBER", "nokey")).isEqualTo("_\r\n");
    assertThat(run(3, "SPOP", "nokey")).isEqualTo("_\r\n");
    assertThat(run(3, "SPOP", "nokey", "2")).isEqualTo("~0\r\n");
    assertThat(run(2, "SPOP", "nokey", "2")).isEqualTo("*0\r\n");
    assertThat(run(3, "SPOP", "s", "0")).isEqualTo("~0\r\n");
    assertThat(run(3, "SMISMEMBER", "s", "1", "9")).isEqualTo("*2\r\n:1\r\n:0\r\n");
    assertThat(run(3, "SISMEMBER", "s", "1")).isEqualTo(":1\r\n");
    assertThat(run(3, "SPOP", "s", "1")).startsWith("~1\r\n$1\r\n");
    assertThat(run(3, "SPOP", "s", "10")).startsWith("~2\r\n");
    assertThat(encoding("s")).isNull();
  }

  @Test
  void storeCommandsBuildResultsInTheEncodingRedisWould() {
    run(2, "SADD", "a", "1", "2", "3");
    run(2, "SADD", "b", "2", "3", "x");
    assertThat(encoding("a")).isEqualTo("intset");
    assertThat(encoding("b")).isEqualTo("hashtable");
    assertThat(run(2, "SINTERSTORE", "i", "a", "b")).isEqualTo(":2\r\n");
    assertThat(encoding("i")).isEqualTo("intset");
    assertThat(run(2, "SUNIONSTORE", "u", "a", "b")).isEqualTo(":4\r\n");
    assertThat(encoding("u")).isEqualTo("hashtable");
    assertThat(run(2, "SDIFFSTORE", "d", "b", "a")).isEqualTo(":1\r\n");
    assertThat(encoding("d")).isEqualTo("hashtable");
    assertThat(run(2, "SMOVE", "a", "m", "1")).isEqualTo(":1\r\n");
    assertThat(encoding("m")).isEqualTo("intset");
    assertThat(run(2, "SMOVE", "b", "n", "x")).isEqualTo(":1\r\n");
    assertThat(encoding("n")).isEqualTo("hashtable");
    assertThat(run(2, "SINTERSTORE", "i", "a", "nokey")).isEqualTo(":0\r\n");
    assertThat(encoding("i")).isNull();
  }

  @Test
  void hashEncodingFollowsTheThresholds() {
    int limit = db.config().hashMaxListpackEntries;
    for (int i = 0; i < limit; i++) {
      run(2, "HSET", "h", "f" + i, "v");
    }
    assertThat(encoding("h")).isEqualTo("listpack");
    run(2, "HSET", "h", "f" + limit, "v");
    assertThat(encoding("h")).isEqualTo("hashtable");
    run(2, "HSET", "f", "a", "1");
    run(2, "HINCRBYFLOAT", "f", "a", "5e70");
    assertThat(encoding("f")).isEqualTo("hashtable");
    db.config().hashMaxListpackEntries = 2;
    run(2, "HSET", "small", "a", "1", "b", "2");
    assertThat(encoding("small")).isEqualTo("listpack");
    run(2, "HSET", "small", "c", "3");
    assertThat(encoding("small")).isEqualTo("hashtable");
    db.config().setMaxIntsetEntries = 3;
    run(2, "SADD", "s", "1", "2", "3");
    assertThat(encoding("s")).isEqualTo("intset");
    run(2, "SADD", "s", "4");
    assertThat(encoding("s")).isEqualTo("hashtable");
  }

  @Test
  void keyspaceMemoryFollowsInPlaceChanges() {
    byte[] key = "h".getBytes(StandardCharsets.UTF_8);
    Keyspace ks = db.shardFor(key);
    run(2, "HSET", "h", "a", "1");
    long small = ks.usedBytes();
    for (int i = 0; i < 300; i++) {
      run(2, "HSET", "h", "field" + i, "value" + i);
    }
    long large = ks.usedBytes();
    assertThat(large).isGreaterThan(small + 300 * 12); // each field+value is 12+ bytes of payload
    CollectionValue v = (CollectionValue) ks.peek(key, 1_000);
    assertThat(v.accountedBytes).isEqualTo(v.memoryBytes());
    for (int i = 0; i < 300; i++) {
      run(2, "HDEL", "h", "field" + i);
    }
    run(2, "HDEL", "h", "a");
    assertThat(ks.peek(key, 1_000)).isNull();
    assertThat(ks.usedBytes()).isZero();
  }
}
