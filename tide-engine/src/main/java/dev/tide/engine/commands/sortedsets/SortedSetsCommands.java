package dev.tide.engine.commands.sortedsets;

import dev.tide.engine.command.Args;
import dev.tide.engine.command.CollectionScan;
import dev.tide.engine.command.CommandContext;
import dev.tide.engine.command.CommandException;
import dev.tide.engine.command.CommandSpec;
import dev.tide.engine.command.CommandTable;
import dev.tide.engine.command.Errors;
import dev.tide.engine.command.Ranks;
import dev.tide.engine.keyspace.EngineConfig;
import dev.tide.engine.keyspace.Keyspace;
import dev.tide.engine.types.SortedSetValue;
import dev.tide.engine.types.SortedSetValue.LexRange;
import dev.tide.engine.types.SortedSetValue.ScoreRange;
import dev.tide.engine.types.ValueType;
import dev.tide.protocol.Reply;
import dev.tide.protocol.RespDoubles;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sorted set command family: ZADD ZREM ZSCORE ZMSCORE ZINCRBY ZCARD ZCOUNT ZLEXCOUNT ZRANK
 * ZREVRANK ZRANGE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX
 * ZREMRANGEBYSCORE ZREMRANGEBYRANK ZREMRANGEBYLEX ZPOPMIN ZPOPMAX BZPOPMIN BZPOPMAX ZSCAN, with
 * Redis 7.0's option parsing, error texts and check order, and its RESP2/RESP3 reply shapes
 * (scores are doubles: {@code %.17g} bulk strings in RESP2, RESP3 doubles; ZRANGE WITHSCORES and
 * ZPOPMIN with COUNT nest [member, score] pairs in RESP3).
 */
public final class SortedSetsCommands {

  private SortedSetsCommands() {
  }

  static final String NAN_RESULT = "ERR resulting score is not a number (NaN)";
  static final String XX_NX = "ERR XX and NX options at the same time are not compatible";
  static final String GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
  static final String INCR_PAIRS = "ERR INCR option supports a single increment-element pair";
  static final String MIN_MAX_NOT_FLOAT = "ERR min or max is not a float";
  static final String MIN_MAX_NOT_LEX = "ERR min or max not valid string range item";
  static final String LIMIT_NEEDS_BY = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
  static final String WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
  static final String COUNT_NOT_POSITIVE = "ERR value is out of range, must be positive";

  /** Integral listpack scores within ±2^62 print as integers in ZSCAN (Redis stores them as integers). */
  private static final double SCAN_INTEGER_LIMIT = 0x1p62;

  private enum RangeType { AUTO, RANK, SCORE, LEX }

  public static void register(CommandTable table) {
    table.register(spec("zadd", -4, "write denyoom fast", "1.2.0",
        "Add one or more members to a sorted set, or update its score if it already exists")
        .acl("@write", "@sortedset", "@fast").impl(ctx -> zadd(ctx, 0)));
    table.register(spec("zincrby", 4, "write denyoom fast", "1.2.0", "Increment the score of a member in a sorted set")
        .acl("@write", "@sortedset", "@fast").impl(ctx -> zadd(ctx, SortedSetValue.ADD_INCR)));
    table.register(spec("zrem", -3, "write fast", "1.2.0", "Remove one or more members from a sorted set")
        .acl("@write", "@sortedset", "@fast").impl(SortedSetsCommands::zrem));
    table.register(spec("zscore", 3, "readonly fast", "1.2.0",
        "Get the score associated with the given member in a sorted set")
        .acl("@read", "@sortedset", "@fast").impl(SortedSetsCommands::zscore));
    table.register(spec("zmscore", -3, "readonly fast", "6.2.0",
        "Get the score associated with the given members in a sorted set")
        .acl("@read", "@sortedset", "@fast").impl(SortedSetsCommands::zmscore));
    table.register(spec("zcard", 2, "readonly fast", "1.2.0", "Get the number of members in a sorted set")
        .acl("@read", "@sortedset", "@fast").impl(SortedSetsCommands::zcard));
    table.register(spec("zcount", 4, "readonly fast", "2.0.0",
        "Count the members in a sorted set with scores within the given values")
        .acl("@read", "@sortedset", "@fast").impl(SortedSetsCommands::zcount));
    table.register(spec("zlexcount", 4, "readonly fast", "2.8.9",
        "Count the number of members in a sorted set between a given lexicographical range")
        .acl("@read", "@sortedset", "@fast").impl(SortedSetsCommands::zlexcount));
    table.register(spec("zrank", 3, "readonly fast", "2.0.0", "Determine the index of a member in a sorted set")
        .acl("@read", "@sortedset", "@fast").impl(ctx -> zrank(ctx, false)));
    table.register(spec("zrevrank", 3, "readonly fast", "2.0.0",
        "Determine the index of a member in a sorted set, with scores ordered from high to low")
        .acl("@read", "@sortedset", "@fast").impl(ctx -> zrank(ctx, true)));
    table.register(spec("zrange", -4, "readonly", "1.2.0", "Return a range of members in a sorted set")
        .acl("@read", "@sortedset", "@slow").impl(ctx -> zrange(ctx, RangeType.AUTO, null)));
    table.register(spec("zrevrange", -4, "readonly", "1.2.0",
        "Return a range of members in a sorted set, by index, with scores ordered from high to low")
        .acl("@read", "@sortedset", "@slow").impl(ctx -> zrange(ctx, RangeType.RANK, true)));
    table.register(spec("zrangebyscore", -4, "readonly", "1.0.5", "Return a range of members in a sorted set, by score")
        .acl("@read", "@sortedset", "@slow").impl(ctx -> zrange(ctx, RangeType.SCORE, false)));
    table.register(spec("zrevrangebyscore", -4, "readonly", "2.2.0",
        "Return a range of members in a sorted set, by score, with scores ordered from high to low")
        .acl("@read", "@sortedset", "@slow").impl(ctx -> zrange(ctx, RangeType.SCORE, true)));
    table.register(spec("zrangebylex", -4, "readonly", "2.8.9",
        "Return a range of members in a sorted set, by lexicographical range")
        .acl("@read", "@sortedset", "@slow").impl(ctx -> zrange(ctx, RangeType.LEX, false)));
    table.register(spec("zrevrangebylex", -4, "readonly", "2.8.9",
        "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.")
        .acl("@read", "@sortedset", "@slow").impl(ctx -> zrange(ctx, RangeType.LEX, true)));
    table.register(spec("zremrangebyscore", 4, "write", "1.2.0",
        "Remove all members in a sorted set within the given scores")
        .acl("@write", "@sortedset", "@slow").impl(ctx -> zremrange(ctx, RangeType.SCORE)));
    table.register(spec("zremrangebyrank", 4, "write", "2.0.0",
        "Remove all members in a sorted set within the given indexes")
        .acl("@write", "@sortedset", "@slow").impl(ctx -> zremrange(ctx, RangeType.RANK)));
    table.register(spec("zremrangebylex", 4, "write", "2.8.9",
        "Remove all members in a sorted set between the given lexicographical range")
        .acl("@write", "@sortedset", "@slow").impl(ctx -> zremrange(ctx, RangeType.LEX)));
    table.register(spec("zpopmin", -2, "write fast", "5.0.0",
        "Remove and return members with the lowest scores in a sorted set")
        .acl("@write", "@sortedset", "@fast").impl(ctx -> zpop(ctx, true)));
    table.register(spec("zpopmax", -2, "write fast", "5.0.0",
        "Remove and return members with the highest scores in a sorted set")
        .acl("@write", "@sortedset", "@fast").impl(ctx -> zpop(ctx, false)));
    table.register(CommandSpec.builder("bzpopmin", -3, "write noscript blocking fast").keys(1, -2, 1)
        .group("sorted-set").since("5.0.0")
        .summary("Remove and return the member with the lowest score from one or more sorted sets, or block until one is available")
        .acl("@write", "@sortedset", "@fast", "@blocking").impl(ctx -> bzpop(ctx, true)));
    table.register(CommandSpec.builder("bzpopmax", -3, "write noscript blocking fast").keys(1, -2, 1)
        .group("sorted-set").since("5.0.0")
        .summary("Remove and return the member with the highest score from one or more sorted sets, or block until one is available")
        .acl("@write", "@sortedset", "@fast", "@blocking").impl(ctx -> bzpop(ctx, false)));
    table.register(spec("zscan", -3, "readonly", "2.8.0", "Incrementally iterate sorted sets elements and associated scores")
        .acl("@read", "@sortedset", "@slow").impl(SortedSetsCommands::zscan));
  }

  private static CommandSpec.Builder spec(String name, int arity, String flags, String since, String summary) {
    return CommandSpec.builder(name, arity, flags).keys(1, 1, 1).group("sorted-set").since(since).summary(summary);
  }

  // ---- parsing --------------------------------------------------------------------------------

  /**
   * A score as ZADD and ZINCRBY take it (Redis's {@code getDoubleFromObject}): all of the
   * argument is a strtod number, no leading space, not NaN, no overflow or underflow to zero.
   */
  static double parseScore(byte[] arg) {
    if (arg.length == 0 || isSpace(arg[0])) {
      throw Errors.notFloat();
    }
    Strtod.Result r = Strtod.parse(arg, 0);
    if (r.end() != arg.length || Double.isNaN(r.value()) || r.overflow() || r.underflowToZero()) {
      throw Errors.notFloat();
    }
    return r.value();
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
  }

  /** One bound of a score range (Redis's {@code zslParseRange}): optional '(' then a whole strtod number. */
  private static double parseScoreBound(byte[] arg, boolean[] exclusive, int which) {
    int from = 0;
    if (arg.length > 0 && arg[0] == '(') {
      exclusive[which] = true;
      from = 1;
    }
    Strtod.Result r = Strtod.parse(arg, from);
    if (r.end() != arg.length || Double.isNaN(r.value())) {
      throw new CommandException(MIN_MAX_NOT_FLOAT);
    }
    return r.value();
  }

  static ScoreRange parseScoreRange(byte[] min, byte[] max) {
    boolean[] exclusive = new boolean[2];
    double lo = parseScoreBound(min, exclusive, 0);
    double hi = parseScoreBound(max, exclusive, 1);
    return new ScoreRange(lo, exclusive[0], hi, exclusive[1]);
  }

  private static LexRange.Bound parseLexBound(byte[] arg) {
    if (arg.length == 0) {
      throw new CommandException(MIN_MAX_NOT_LEX);
    }
    switch (arg[0]) {
      case '+':
        if (arg.length != 1) {
          throw new CommandException(MIN_MAX_NOT_LEX);
        }
        return new LexRange.Bound(LexRange.Kind.PLUS_INFINITY, null, true);
      case '-':
        if (arg.length != 1) {
          throw new CommandException(MIN_MAX_NOT_LEX);
        }
        return new LexRange.Bound(LexRange.Kind.MINUS_INFINITY, null, true);
      case '(':
        return new LexRange.Bound(LexRange.Kind.VALUE, Arrays.copyOfRange(arg, 1, arg.length), true);
      case '[':
        return new LexRange.Bound(LexRange.Kind.VALUE, Arrays.copyOfRange(arg, 1, arg.length), false);
      default:
        throw new CommandException(MIN_MAX_NOT_LEX);
    }
  }

  static LexRange parseLexRange(byte[] min, byte[] max) {
    return new LexRange(parseLexBound(min), parseLexBound(max));
  }

  private static long positiveLong(byte[] arg) {
    long[] out = new long[1];
    if (!Args.tryParseLong(arg, out) || out[0] < 0) {
      throw new CommandException(COUNT_NOT_POSITIVE);
    }
    return out[0];
  }

  private static SortedSetValue read(CommandContext ctx, byte[] key) {
    return ctx.keyspace(key).read(key, ValueType.ZSET, ctx.nowMs());
  }

  // ---- ZADD ZINCRBY ---------------------------------------------------------------------------

  /** ZADD and ZINCRBY (which is ZADD with INCR, options parsed from the same position, as in Redis). */
  static void zadd(CommandContext ctx, int flags) {
    int scoreIdx = 2;
    boolean ch = false;
    for (; scoreIdx < ctx.argc(); scoreIdx++) {
      if (ctx.argIs(scoreIdx, "NX")) {
        flags |= SortedSetValue.ADD_NX;
      } else if (ctx.argIs(scoreIdx, "XX")) {
        flags |= SortedSetValue.ADD_XX;
      } else if (ctx.argIs(scoreIdx, "CH")) {
        ch = true;
      } else if (ctx.argIs(scoreIdx, "INCR")) {
        flags |= SortedSetValue.ADD_INCR;
      } else if (ctx.argIs(scoreIdx, "GT")) {
        flags |= SortedSetValue.ADD_GT;
      } else if (ctx.argIs(scoreIdx, "LT")) {
        flags |= SortedSetValue.ADD_LT;
      } else {
        break;
      }
    }
    boolean nx = (flags & SortedSetValue.ADD_NX) != 0;
    boolean xx = (flags & SortedSetValue.ADD_XX) != 0;
    boolean gt = (flags & SortedSetValue.ADD_GT) != 0;
    boolean lt = (flags & SortedSetValue.ADD_LT) != 0;
    boolean incr = (flags & SortedSetValue.ADD_INCR) != 0;
    int elements = ctx.argc() - scoreIdx;
    if (elements % 2 != 0 || elements == 0) {
      throw Errors.syntax();
    }
    elements /= 2;
    if (nx && xx) {
      throw new CommandException(XX_NX);
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
      throw new CommandException(GT_LT_NX);
    }
    if (incr && elements > 1) {
      throw new CommandException(INCR_PAIRS);
    }
    double[] scores = new double[elements];
    for (int j = 0; j < elements; j++) {
      scores[j] = parseScore(ctx.arg(scoreIdx + 2 * j));
    }
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    SortedSetValue zset = ks.write(key, ValueType.ZSET, ctx.nowMs());
    boolean created = false;
    long added = 0;
    long updated = 0;
    long processed = 0;
    double[] newScore = new double[1];
    double score = 0;
    if (zset == null && !xx) {
      zset = new SortedSetValue();
      created = true;
    }
    if (zset != null) {
      EngineConfig config = ks.config();
      int maxEntries = config.zsetMaxListpackEntries;
      int maxValue = config.zsetMaxListpackValue;
      for (int j = 0; j < elements; j++) {
        int out = zset.add(ctx.arg(scoreIdx + 2 * j + 1), scores[j], flags, maxEntries, maxValue, newScore);
        if ((out & SortedSetValue.OUT_NAN) != 0) {
          if (added + updated > 0) {
            ks.modified(key);
          }
          throw new CommandException(NAN_RESULT);
        }
        if ((out & SortedSetValue.OUT_ADDED) != 0) {
          added++;
        }
        if ((out & SortedSetValue.OUT_UPDATED) != 0) {
          updated++;
        }
        if ((out & SortedSetValue.OUT_NOP) == 0) {
          processed++;
          score = newScore[0];
        }
      }
      if (created) {
        if (zset.size() > 0) {
          ks.add(key, zset, ctx.nowMs());
        }
      } else if (added + updated > 0) {
        ks.modified(key);
      }
    }
    if (incr) {
      if (processed > 0) {
        ctx.reply().doubleValue(score);
      } else {
        ctx.reply().nullBulk();
      }
    } else {
      ctx.reply().integer(ch ? added + updated : added);
    }
  }

  // ---- simple reads and removals --------------------------------------------------------------

  static void zrem(CommandContext ctx) {
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    SortedSetValue zset = ks.write(key, ValueType.ZSET, ctx.nowMs());
    if (zset == null) {
      ctx.reply().integer(0);
      return;
    }
    long deleted = 0;
    for (int j = 2; j < ctx.argc() && zset.size() > 0; j++) {
      if (zset.remove(ctx.arg(j))) {
        deleted++;
      }
    }
    if (deleted > 0) {
      ks.modified(key);
    }
    ctx.reply().integer(deleted);
  }

  static void zscore(CommandContext ctx) {
    SortedSetValue zset = read(ctx, ctx.arg(1));
    double score = zset == null ? Double.NaN : zset.score(ctx.arg(2));
    if (Double.isNaN(score)) {
      ctx.reply().nullBulk();
    } else {
      ctx.reply().doubleValue(score);
    }
  }

  static void zmscore(CommandContext ctx) {
    SortedSetValue zset = read(ctx, ctx.arg(1));
    Reply r = ctx.reply();
    r.array(ctx.argc() - 2);
    for (int j = 2; j < ctx.argc(); j++) {
      double score = zset == null ? Double.NaN : zset.score(ctx.arg(j));
      if (Double.isNaN(score)) {
        r.nullBulk();
      } else {
        r.doubleValue(score);
      }
    }
  }

  static void zcard(CommandContext ctx) {
    SortedSetValue zset = read(ctx, ctx.arg(1));
    ctx.reply().integer(zset == null ? 0 : zset.size());
  }

  static void zcount(CommandContext ctx) {
    ScoreRange range = parseScoreRange(ctx.arg(2), ctx.arg(3));
    SortedSetValue zset = read(ctx, ctx.arg(1));
    ctx.reply().integer(zset == null ? 0 : count(zset.rankRange(range)));
  }

  static void zlexcount(CommandContext ctx) {
    LexRange range = parseLexRange(ctx.arg(2), ctx.arg(3));
    SortedSetValue zset = read(ctx, ctx.arg(1));
    ctx.reply().integer(zset == null ? 0 : zset.lexCount(range));
  }

  private static long count(long[] rankRange) {
    return Math.max(0, rankRange[1] - rankRange[0] + 1);
  }

  static void zrank(CommandContext ctx, boolean reverse) {
    SortedSetValue zset = read(ctx, ctx.arg(1));
    long rank = zset == null ? -1 : zset.rank(ctx.arg(2), reverse);
    if (rank < 0) {
      ctx.reply().nullBulk();
    } else {
      ctx.reply().integer(rank);
    }
  }

  // ---- ZRANGE and friends ---------------------------------------------------------------------

  /**
   * Redis's {@code zrangeGenericCommand}: ZRANGE with its options, and the older commands as
   * presets of type and direction ({@code reversePreset} null: ZRANGE's REV decides).
   */
  static void zrange(CommandContext ctx, RangeType rangeType, Boolean reversePreset) {
    boolean withScores = false;
    long offset = 0;
    long limit = -1;
    boolean limitGiven = false;
    Boolean reverse = reversePreset;
    for (int j = 4; j < ctx.argc(); j++) {
      int left = ctx.argc() - j - 1;
      if (ctx.argIs(j, "WITHSCORES")) {
        withScores = true;
      } else if (ctx.argIs(j, "LIMIT") && left >= 2) {
        offset = Args.parseLong(ctx.arg(j + 1));
        limit = Args.parseLong(ctx.arg(j + 2));
        limitGiven = true;
        j += 2;
      } else if (reversePreset == null && reverse == null && ctx.argIs(j, "REV")) {
        reverse = true;
      } else if (rangeType == RangeType.AUTO && ctx.argIs(j, "BYLEX")) {
        rangeType = RangeType.LEX;
      } else if (rangeType == RangeType.AUTO && ctx.argIs(j, "BYSCORE")) {
        rangeType = RangeType.SCORE;
      } else {
        throw Errors.syntax();
      }
    }
    boolean rev = reverse != null && reverse;
    if (rangeType == RangeType.AUTO) {
      rangeType = RangeType.RANK;
    }
    // Redis checks "limit != -1", so an explicit LIMIT x -1 with a rank range passes
    if (limitGiven && limit != -1 && rangeType == RangeType.RANK) {
      throw new CommandException(LIMIT_NEEDS_BY);
    }
    if (withScores && rangeType == RangeType.LEX) {
      throw new CommandException(WITHSCORES_BYLEX);
    }
    int minIdx = 2;
    int maxIdx = 3;
    if (rev && rangeType != RangeType.RANK) {
      minIdx = 3; // the range is given as max, min
      maxIdx = 2;
    }
    long start = 0;
    long end = 0;
    ScoreRange scoreRange = null;
    LexRange lexRange = null;
    switch (rangeType) {
      case SCORE -> scoreRange = parseScoreRange(ctx.arg(minIdx), ctx.arg(maxIdx));
      case LEX -> lexRange = parseLexRange(ctx.arg(minIdx), ctx.arg(maxIdx));
      default -> {
        start = Args.parseLong(ctx.arg(minIdx));
        end = Args.parseLong(ctx.arg(maxIdx));
      }
    }
    SortedSetValue zset = read(ctx, ctx.arg(1));
    Reply r = ctx.reply();
    if (zset == null) {
      r.array(0);
      return;
    }
    long from;
    long to;
    if (rangeType == RangeType.RANK) {
      long len = zset.size();
      Ranks.Span span = Ranks.clamp(start, end, len);
      if (span == null) {
        r.array(0);
        return;
      }
      from = rev ? len - 1 - span.to() : span.from();
      to = rev ? len - 1 - span.from() : span.to();
    } else {
      long[] ranks = scoreRange != null ? zset.rankRange(scoreRange) : zset.rankRange(lexRange);
      long available = ranks[1] - ranks[0] + 1;
      // Redis skips `offset` elements with "while (offset--)": a negative offset skips them all
      long n = offset < 0 ? 0 : available - offset;
      if (limit >= 0) {
        n = Math.min(n, limit);
      }
      if (n <= 0) {
        r.array(0);
        return;
      }
      from = rev ? ranks[1] - offset - n + 1 : ranks[0] + offset;
      to = from + n - 1;
    }
    emitRange(ctx, zset, from, to, rev, withScores);
  }

  /** Replies with ranks {@code from..to}: members, or member/score pairs (nested in RESP3). */
  private static void emitRange(CommandContext ctx, SortedSetValue zset, long from, long to, boolean reverse,
                                boolean withScores) {
    Reply r = ctx.reply();
    int n = (int) (to - from + 1);
    boolean nested = withScores && r.protocol() >= 3;
    r.array(withScores && !nested ? 2 * n : n);
    zset.visit(from, to, reverse, (buf, off, len, score) -> {
      if (nested) {
        r.array(2);
      }
      r.bulk(buf, off, len);
      if (withScores) {
        r.doubleValue(score);
      }
    });
  }

  static void zremrange(CommandContext ctx, RangeType type) {
    long start = 0;
    long end = 0;
    ScoreRange scoreRange = null;
    LexRange lexRange = null;
    switch (type) {
      case SCORE -> scoreRange = parseScoreRange(ctx.arg(2), ctx.arg(3));
      case LEX -> lexRange = parseLexRange(ctx.arg(2), ctx.arg(3));
      default -> {
        start = Args.parseLong(ctx.arg(2));
        end = Args.parseLong(ctx.arg(3));
      }
    }
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    SortedSetValue zset = ks.write(key, ValueType.ZSET, ctx.nowMs());
    if (zset == null) {
      ctx.reply().integer(0);
      return;
    }
    long from;
    long to;
    if (type == RangeType.RANK) {
      Ranks.Span span = Ranks.clamp(start, end, zset.size());
      if (span == null) {
        ctx.reply().integer(0);
        return;
      }
      from = span.from();
      to = span.to();
    } else {
      long[] ranks = scoreRange != null ? zset.rankRange(scoreRange) : zset.rankRange(lexRange);
      from = ranks[0];
      to = ranks[1];
    }
    if (from > to) {
      ctx.reply().integer(0);
      return;
    }
    zset.removeRange(from, to);
    ks.modified(key);
    ctx.reply().integer(to - from + 1);
  }

  // ---- pops -----------------------------------------------------------------------------------

  static void zpop(CommandContext ctx, boolean min) {
    if (ctx.argc() > 3) {
      throw Errors.syntax();
    }
    long count = -1; // a plain single pop
    if (ctx.argc() == 3) {
      count = positiveLong(ctx.arg(2));
    }
    byte[] key = ctx.arg(1);
    Keyspace ks = ctx.keyspace(key);
    SortedSetValue zset = ks.write(key, ValueType.ZSET, ctx.nowMs());
    if (zset == null) {
      ctx.reply().array(0);
      return;
    }
    boolean nested = ctx.reply().protocol() >= 3 && count != -1;
    popAndReply(ctx, ks, key, zset, min, count, false, nested);
  }

  /**
   * Redis's {@code genericZpopCommand} once a non-empty set is found: pops up to {@code count}
   * (-1: one, plain) members and replies flat, nested (RESP3 with COUNT) or with the key first
   * (BZPOPMIN).
   */
  private static void popAndReply(CommandContext ctx, Keyspace ks, byte[] key, SortedSetValue zset, boolean min,
                                  long count, boolean emitKey, boolean nested) {
    Reply r = ctx.reply();
    if (count == 0) {
      r.array(0);
      return;
    }
    if (count == -1) {
      count = 1;
    }
    long size = zset.size();
    int n = (int) Math.min(count, size);
    if (emitKey) {
      r.array(2 * n + 1);
      r.bulk(key);
    } else {
      r.array(nested ? n : 2 * n);
    }
    long from = min ? 0 : size - n;
    long to = min ? n - 1 : size - 1;
    zset.visit(from, to, !min, (buf, off, len, score) -> {
      if (nested) {
        r.array(2);
      }
      r.bulk(buf, off, len);
      r.doubleValue(score);
    });
    zset.removeRange(from, to);
    ks.modified(key);
  }

  /** BZPOPMIN BZPOPMAX: {@code key [key ...] timeout}. */
  static void bzpop(CommandContext ctx, boolean min) {
    long deadlineMs = Args.parseTimeoutDeadlineMs(ctx.arg(ctx.argc() - 1), ctx.nowMs());
    for (int j = 1; j < ctx.argc() - 1; j++) {
      byte[] key = ctx.arg(j);
      Keyspace ks = ctx.keyspace(key);
      Object value = ks.write(key, ctx.nowMs());
      if (value == null) {
        continue;
      }
      if (!(value instanceof SortedSetValue zset)) {
        if (ctx.isReprocessing()) {
          continue; // Redis 7.0 serves a blocked client only from a key of the type it waits for
        }
        throw Errors.wrongType();
      }
      if (zset.size() == 0) {
        continue;
      }
      popAndReply(ctx, ks, key, zset, min, -1, true, false);
      return;
    }
    if (ctx.session().inTransaction()) {
      ctx.reply().nullArray();
      return;
    }
    ctx.block(distinctKeys(ctx.argv(), 1, ctx.argc() - 1), deadlineMs, Reply::nullArray);
  }

  private static byte[][] distinctKeys(byte[][] argv, int from, int to) {
    List<byte[]> keys = new ArrayList<>(to - from);
    outer:
    for (int i = from; i < to; i++) {
      for (byte[] k : keys) {
        if (Arrays.equals(k, argv[i])) {
          continue outer;
        }
      }
      keys.add(argv[i]);
    }
    return keys.toArray(new byte[0][]);
  }

  // ---- ZSCAN ----------------------------------------------------------------------------------

  static void zscan(CommandContext ctx) {
    long cursor = CollectionScan.parseCursor(ctx.arg(2));
    SortedSetValue zset = read(ctx, ctx.arg(1));
    Reply r = ctx.reply();
    if (zset == null) {
      r.array(2);
      r.bulk("0");
      r.array(0);
      return;
    }
    CollectionScan.Options options = CollectionScan.parseOptions(ctx, 3);
    long count = options.count();
    boolean compact = zset.isCompact();
    List<byte[]> members = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    SortedSetValue.EntryVisitor collect = (buf, off, len, score) -> {
      members.add(Arrays.copyOfRange(buf, off, off + len));
      scores.add(score);
    };
    if (compact) {
      cursor = zset.scanStep(cursor, collect);
    } else {
      long maxIterations = count > Long.MAX_VALUE / CollectionScan.MAX_ITERATIONS_PER_COUNT
          ? Long.MAX_VALUE : count * CollectionScan.MAX_ITERATIONS_PER_COUNT;
      do {
        cursor = zset.scanStep(cursor, collect);
      } while (cursor != 0 && maxIterations-- > 0 && members.size() < count);
    }
    int kept = 0;
    boolean[] keep = new boolean[members.size()];
    for (int i = 0; i < members.size(); i++) {
      keep[i] = options.matches(members.get(i));
      if (keep[i]) {
        kept++;
      }
    }
    r.array(2);
    r.bulk(CollectionScan.formatCursor(cursor));
    r.array(2 * kept);
    for (int i = 0; i < members.size(); i++) {
      if (keep[i]) {
        r.bulk(members.get(i));
        r.bulk(scanScoreText(scores.get(i), compact).getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  /**
   * A score as ZSCAN shows it: the text Redis keeps in a listpack (an integer when the score is
   * integral within ±2^62, else {@code %.17g}) or, for the skiplist form, {@code %.17g}.
   */
  static String scanScoreText(double score, boolean compact) {
    if (compact && score == Math.rint(score) && Math.abs(score) <= SCAN_INTEGER_LIMIT) {
      return Long.toString((long) score);
    }
    return RespDoubles.format17g(score);
  }
}
