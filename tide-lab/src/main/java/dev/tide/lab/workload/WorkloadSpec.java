package dev.tide.lab.workload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a run sends, fully described by its options and seed. {@link #generator(long)} makes an
 * independent, reproducible stream of operations (one per scheduler or per closed-loop
 * connection); {@link #preloadOps()} lists the writes that fill the key space before measuring.
 *
 * <p>Types: {@code get-set} (GET/SET on string keys), {@code hash} (HGET/HSET over a bounded set
 * of fields), {@code list} (LRANGE 0 9 / LPUSH and RPOP in equal parts, so lists stay near their
 * preloaded length), {@code zset} (ZRANGE 0 9 / ZADD over a bounded set of members) and
 * {@code pubsub} (PUBLISH to channels that subscriber connections listen on: fan-out).
 */
public record WorkloadSpec(Type type, double readRatio, long keys, KeyChooser keyChooser, ValueSizer valueSizer,
                           int fields, long seed) implements OperationSource {

  /** Fields per hash / members per sorted set / preloaded items per list: bounds collection size. */
  public static final int MAX_FIELDS = 10_000;
  /** Channels of the pub/sub workload: each subscriber subscribes to all of them at start. */
  public static final int MAX_CHANNELS = 1_000;
  /** Items preloaded into each list. */
  static final int LIST_PRELOAD_ITEMS = 10;
  /** Bytes of the pub/sub payload that carry the intended send time (for delivery latency). */
  public static final int PUBSUB_STAMP_BYTES = 8;

  /** Workload families. */
  public enum Type {
    GET_SET("get-set"), HASH("hash"), LIST("list"), ZSET("zset"), PUBSUB("pubsub");

    public final String label;

    Type(String label) {
      this.label = label;
    }

    public static Type parse(String s) {
      String t = s.strip().toLowerCase(Locale.ROOT);
      for (Type type : values()) {
        if (type.label.equals(t)) {
          return type;
        }
      }
      throw new IllegalArgumentException("unknown workload '" + s + "' (get-set, hash, list, zset, pubsub)");
    }
  }

  public WorkloadSpec {
    if (!(readRatio >= 0 && readRatio <= 1)) {
      throw new IllegalArgumentException("--read-ratio must be between 0 and 1, got " + readRatio);
    }
    if (fields < 1 || fields > MAX_FIELDS) {
      throw new IllegalArgumentException("--fields must be between 1 and " + MAX_FIELDS + ", got " + fields);
    }
  }

  public String describe() {
    return type.label + " read-ratio=" + readRatio + " keys=" + keys + " key-dist=" + keyChooser.describe()
        + " value-size=" + valueSizer.describe() + (type == Type.GET_SET || type == Type.PUBSUB ? "" : " fields=" + fields)
        + " seed=" + seed;
  }

  /** Channels used by the pub/sub workload. */
  public List<String> channels() {
    long n = Math.min(keys, MAX_CHANNELS);
    List<String> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.add("lab:ch:" + i);
    }
    return out;
  }

  public static byte[] key(Type type, long index) {
    String prefix = switch (type) {
      case GET_SET -> "lab:k:";
      case HASH -> "lab:h:";
      case LIST -> "lab:l:";
      case ZSET -> "lab:z:";
      case PUBSUB -> "lab:ch:";
    };
    return (prefix + index).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public Generator stream(long id) {
    return generator(id);
  }

  /** An independent stream of operations; equal seeds and streams give equal sequences. */
  public Generator generator(long stream) {
    return new Generator(this, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream));
  }

  /** The writes that fill the key space before a measured run (none for pub/sub). */
  public Iterable<Operation> preloadOps() {
    if (type == Type.PUBSUB) {
      return List.of();
    }
    return () -> new java.util.Iterator<>() {
      private final Generator g = generator(-1);
      private long next;

      @Override
      public boolean hasNext() {
        return next < keys;
      }

      @Override
      public Operation next() {
        return g.preload(next++);
      }
    };
  }

  /** Makes operations; not thread-safe, one per thread. */
  public static final class Generator implements OperationSource.Stream {
    private static final byte[] SET = ascii("SET");
    private static final byte[] GET = ascii("GET");
    private static final byte[] HSET = ascii("HSET");
    private static final byte[] HGET = ascii("HGET");
    private static final byte[] LPUSH = ascii("LPUSH");
    private static final byte[] RPUSH = ascii("RPUSH");
    private static final byte[] RPOP = ascii("RPOP");
    private static final byte[] LRANGE = ascii("LRANGE");
    private static final byte[] ZADD = ascii("ZADD");
    private static final byte[] ZRANGE = ascii("ZRANGE");
    private static final byte[] PUBLISH = ascii("PUBLISH");
    private static final byte[] ZERO = ascii("0");
    private static final byte[] NINE = ascii("9");

    private final WorkloadSpec spec;
    private final SplittableRandom rnd;
    private final KeyChooser keyChooser;
    /** Random printable bytes; values are copies of a prefix of it. */
    private final byte[] valueSource;

    Generator(WorkloadSpec spec, SplittableRandom rnd) {
      this.spec = spec;
      this.rnd = rnd;
      this.keyChooser = spec.keyChooser.forStream();
      this.valueSource = new byte[maxValueBytes(spec.valueSizer)];
      for (int i = 0; i < valueSource.length; i++) {
        valueSource[i] = (byte) ('a' + rnd.nextInt(26));
      }
    }

    private static int maxValueBytes(ValueSizer sizer) {
      return switch (sizer) {
        case ValueSizer.Fixed f -> Math.max(f.bytes(), PUBSUB_STAMP_BYTES);
        case ValueSizer.Uniform u -> Math.max(u.maxBytes(), PUBSUB_STAMP_BYTES);
        case ValueSizer.Exponential e -> ValueSizer.MAX_VALUE_BYTES;
      };
    }

    @Override
    public Operation next() {
      long k = keyChooser.next(rnd);
      boolean read = rnd.nextDouble() < spec.readRatio;
      byte[] key = key(spec.type, k);
      return switch (spec.type) {
        case GET_SET -> read ? new Operation(Operation.Kind.READ, key, new byte[][] {GET, key})
            : new Operation(Operation.Kind.WRITE, key, new byte[][] {SET, key, value()});
        case HASH -> {
          byte[] field = ascii("f" + rnd.nextInt(spec.fields));
          yield read ? new Operation(Operation.Kind.READ, key, new byte[][] {HGET, key, field})
              : new Operation(Operation.Kind.WRITE, key, new byte[][] {HSET, key, field, value()});
        }
        case LIST -> {
          if (read) {
            yield new Operation(Operation.Kind.READ, key, new byte[][] {LRANGE, key, ZERO, NINE});
          }
          yield rnd.nextBoolean() ? new Operation(Operation.Kind.WRITE, key, new byte[][] {LPUSH, key, value()})
              : new Operation(Operation.Kind.WRITE, key, new byte[][] {RPOP, key});
        }
        case ZSET -> read ? new Operation(Operation.Kind.READ, key, new byte[][] {ZRANGE, key, ZERO, NINE})
            : new Operation(Operation.Kind.WRITE, key, new byte[][] {ZADD, key,
                ascii(Integer.toString(rnd.nextInt(1_000_000))), ascii("m" + rnd.nextInt(spec.fields))});
        case PUBSUB -> {
          byte[] ch = ascii("lab:ch:" + (k % Math.min(spec.keys, MAX_CHANNELS)));
          yield new Operation(Operation.Kind.PUBLISH, ch, new byte[][] {PUBLISH, ch, value()});
        }
      };
    }

    Operation preload(long k) {
      byte[] key = key(spec.type, k);
      return switch (spec.type) {
        case GET_SET -> new Operation(Operation.Kind.WRITE, key, new byte[][] {SET, key, value()});
        case HASH -> {
          byte[][] argv = new byte[2 + 2 * spec.fields][];
          argv[0] = HSET;
          argv[1] = key;
          for (int f = 0; f < spec.fields; f++) {
            argv[2 + 2 * f] = ascii("f" + f);
            argv[3 + 2 * f] = value();
          }
          yield new Operation(Operation.Kind.WRITE, key, argv);
        }
        case LIST -> {
          byte[][] argv = new byte[2 + LIST_PRELOAD_ITEMS][];
          argv[0] = RPUSH;
          argv[1] = key;
          for (int i = 0; i < LIST_PRELOAD_ITEMS; i++) {
            argv[2 + i] = value();
          }
          yield new Operation(Operation.Kind.WRITE, key, argv);
        }
        case ZSET -> {
          byte[][] argv = new byte[2 + 2 * spec.fields][];
          argv[0] = ZADD;
          argv[1] = key;
          for (int f = 0; f < spec.fields; f++) {
            argv[2 + 2 * f] = ascii(Integer.toString(f));
            argv[3 + 2 * f] = ascii("m" + f);
          }
          yield new Operation(Operation.Kind.WRITE, key, argv);
        }
        case PUBSUB -> throw new IllegalStateException("pub/sub has no preload");
      };
    }

    private byte[] value() {
      int n = spec.valueSizer.next(rnd);
      if (spec.type == Type.PUBSUB) {
        n = Math.max(n, PUBSUB_STAMP_BYTES);
      }
      return java.util.Arrays.copyOf(valueSource, n);
    }

    private static byte[] ascii(String s) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }
  }
}
