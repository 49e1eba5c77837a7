package dev.tide.engine.command;

import dev.tide.engine.keyspace.Database;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.protocol.Reply;

import java.util.function.Consumer;

/**
 * One command execution: its arguments, where to reply, the time, the database and the session.
 *
 * <p>The executor takes the locks of every shard the command's keys live in before calling the
 * command and releases them after, so a command may use {@link #keyspace(byte[])} for any of
 * its declared keys (and, for {@link CommandFlag#ALL_SHARDS} commands, any shard). The time is
 * read once per command, as Redis caches it, so a command sees one consistent "now".
 *
 * <p>A blocking command that finds nothing to do calls {@link #block} instead of replying; the
 * executor parks the connection until a key is ready or the deadline passes, and then runs the
 * command again with {@link #isReprocessing()} true.
 */
public final class CommandContext {

  private byte[][] argv;
  private Reply reply;
  private long nowMs;
  private Database db;
  private Session session;
  private CommandSpec spec;
  private boolean reprocessing;
  private byte[] memoKey;
  private Database memoDb;
  private Keyspace memoShard;

  private byte[][] blockKeys;
  private long blockDeadlineMs;
  private Consumer<Reply> blockTimeoutReply;

  public CommandContext reset(CommandSpec spec, byte[][] argv, Reply reply, long nowMs, Database db,
                              Session session, boolean reprocessing) {
    this.spec = spec;
    this.argv = argv;
    this.reply = reply;
    this.nowMs = nowMs;
    this.db = db;
    this.session = session;
    this.reprocessing = reprocessing;
    this.blockKeys = null;
    this.blockDeadlineMs = 0;
    this.blockTimeoutReply = null;
    return this;
  }

  public CommandSpec spec() {
    return spec;
  }

  public byte[][] argv() {
    return argv;
  }

  public int argc() {
    return argv.length;
  }

  public byte[] arg(int i) {
    return argv[i];
  }

  public String argString(int i) {
    return Args.str(argv[i]);
  }

  public long argLong(int i) {
    return Args.parseLong(argv[i]);
  }

  public int argInt(int i) {
    return Args.parseInt(argv[i]);
  }

  public double argDouble(int i) {
    return Args.parseDouble(argv[i]);
  }

  /** True when argument {@code i} equals {@code word}, ignoring ASCII case. */
  public boolean argIs(int i, String word) {
    return Args.is(argv[i], word);
  }

  public Reply reply() {
    return reply;
  }

  public long nowMs() {
    return nowMs;
  }

  public Database db() {
    return db;
  }

  /** The shard owning {@code key}; its lock is held for declared keys. */
  public Keyspace keyspace(byte[] key) {
    if (key == memoKey && db == memoDb) {
      return memoShard;
    }
    Keyspace shard = db.shardFor(key);
    primeShard(key, db, shard);
    return shard;
  }

  /**
   * Remembers the shard of a key so that {@link #keyspace} need not hash it again (the executor
   * already did, to lock it). Keyed by the identity of the key array: argument arrays are never
   * changed, so a remembered answer stays true for as long as the array lives.
   */
  public void primeShard(byte[] key, Database database, Keyspace shard) {
    memoKey = key;
    memoDb = database;
    memoShard = shard;
  }

  public Session session() {
    return session;
  }

  /** True when a blocked command is being run again because one of its keys became ready. */
  public boolean isReprocessing() {
    return reprocessing;
  }

  /**
   * Parks this command until one of {@code keys} is signalled ready or {@code deadlineMs}
   * passes (0 = no deadline). Must not be called inside MULTI: blocking commands there reply as
   * if the timeout had passed, which the command handles via {@link Session#inTransaction()}.
   *
   * @param timeoutReply writes the reply for the timeout case (usually a null array)
   */
  public void block(byte[][] keys, long deadlineMs, Consumer<Reply> timeoutReply) {
    this.blockKeys = keys;
    this.blockDeadlineMs = deadlineMs;
    this.blockTimeoutReply = timeoutReply;
  }

  public boolean blocked() {
    return blockKeys != null;
  }

  public byte[][] blockKeys() {
    return blockKeys;
  }

  public long blockDeadlineMs() {
    return blockDeadlineMs;
  }

  public Consumer<Reply> blockTimeoutReply() {
    return blockTimeoutReply;
  }
}
