package dev.tide.lab.workload;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Picks a key index in {@code [0, keys)}. Implementations are seeded by the caller's random
 * source and hold no clock, so a run is reproducible.
 */
public sealed interface KeyChooser {

  /** Largest key space: the zipfian set-up sums over every key once (≈ 1 s per 50M keys). */
  long MAX_KEYS = 50_000_000;

  long next(SplittableRandom rnd);

  String describe();

  /** A chooser for one more stream: stateless choosers share themselves, sequential starts its own counter. */
  default KeyChooser forStream() {
    return this;
  }

  /** "uniform", "zipf" / "zipf:0.99", "hotspot:0.2,0.8" (80% of ops on 20% of keys), "sequential". */
  static KeyChooser parse(String spec, long keys) {
    if (keys < 1 || keys > MAX_KEYS) {
      throw new IllegalArgumentException("--keys must be between 1 and " + MAX_KEYS + ", got " + keys);
    }
    String s = spec.strip().toLowerCase(Locale.ROOT);
    int colon = s.indexOf(':');
    String kind = colon < 0 ? s : s.substring(0, colon);
    String arg = colon < 0 ? "" : s.substring(colon + 1);
    return switch (kind) {
      case "uniform" -> new Uniform(keys);
      case "sequential" -> new Sequential(keys, new long[1]);
      case "zipf", "zipfian" -> new Zipfian(keys, arg.isEmpty() ? 0.99 : Double.parseDouble(arg));
      case "hotspot" -> {
        String[] p = arg.isEmpty() ? new String[] {"0.2", "0.8"} : arg.split(",");
        if (p.length != 2) {
          throw new IllegalArgumentException("hotspot:HOT_FRACTION,HOT_OPS_FRACTION, e.g. hotspot:0.2,0.8");
        }
        yield new Hotspot(keys, Double.parseDouble(p[0]), Double.parseDouble(p[1]));
      }
      default -> throw new IllegalArgumentException("unknown key distribution '" + spec
          + "' (uniform, zipf[:θ], hotspot[:hot,ops], sequential)");
    };
  }

  record Uniform(long keys) implements KeyChooser {
    @Override
    public long next(SplittableRandom rnd) {
      return rnd.nextLong(keys);
    }

    @Override
    public String describe() {
      return "uniform";
    }
  }

  /** 0, 1, 2, … wrapping at {@code keys}; the counter lives in a one-element array (per chooser). */
  record Sequential(long keys, long[] counter) implements KeyChooser {
    @Override
    public long next(SplittableRandom rnd) {
      long k = counter[0];
      counter[0] = k + 1 == keys ? 0 : k + 1;
      return k;
    }

    @Override
    public String describe() {
      return "sequential";
    }

    @Override
    public KeyChooser forStream() {
      return new Sequential(keys, new long[1]);
    }
  }

  /**
   * A fraction {@code hotOpsFraction} of the operations go to the first {@code hotKeysFraction}
   * of the keys, the rest uniformly to the others.
   */
  record Hotspot(long keys, double hotKeysFraction, double hotOpsFraction) implements KeyChooser {
    public Hotspot {
      if (!(hotKeysFraction > 0 && hotKeysFraction < 1) || !(hotOpsFraction >= 0 && hotOpsFraction <= 1)) {
        throw new IllegalArgumentException("hotspot fractions must be in (0,1) and [0,1]");
      }
    }

    @Override
    public long next(SplittableRandom rnd) {
      long hot = Math.max(1, (long) (keys * hotKeysFraction));
      if (hot >= keys || rnd.nextDouble() < hotOpsFraction) {
        return rnd.nextLong(hot);
      }
      return hot + rnd.nextLong(keys - hot);
    }

    @Override
    public String describe() {
      return "hotspot:" + hotKeysFraction + "," + hotOpsFraction;
    }
  }

  /**
   * Zipfian over ranks {@code 0..keys-1} (rank 0 the most popular), by the method of Gray et al.,
   * "Quickly generating billion-record synthetic databases" (SIGMOD 1994): one pass to compute
   * ζ(n, θ), then O(1) per sample. θ in (0, 1); YCSB's default is 0.99.
   */
  final class Zipfian implements KeyChooser {
    private final long keys;
    private final double theta;
    private final double alpha;
    private final double zetan;
    private final double eta;
    private final double halfPowTheta;

    public Zipfian(long keys, double theta) {
      if (!(theta > 0 && theta < 1)) {
        throw new IllegalArgumentException("zipf θ must be in (0, 1), got " + theta);
      }
      this.keys = keys;
      this.theta = theta;
      this.zetan = zeta(keys, theta);
      double zeta2 = zeta(2, theta);
      this.alpha = 1.0 / (1.0 - theta);
      this.eta = (1 - Math.pow(2.0 / keys, 1 - theta)) / (1 - zeta2 / zetan);
      this.halfPowTheta = 1 + Math.pow(0.5, theta);
    }

    static double zeta(long n, double theta) {
      double sum = 0;
      for (long i = 1; i <= n; i++) {
        sum += 1 / Math.pow(i, theta);
      }
      return sum;
    }

    @Override
    public long next(SplittableRandom rnd) {
      double u = rnd.nextDouble();
      double uz = u * zetan;
      if (uz < 1.0) {
        return 0;
      }
      if (uz < halfPowTheta) {
        return Math.min(1, keys - 1);
      }
      long r = (long) (keys * Math.pow(eta * u - eta + 1, alpha));
      return Math.min(Math.max(r, 0), keys - 1);
    }

    @Override
    public String describe() {
      return "zipf:" + theta;
    }

    public double theta() {
      return theta;
    }
  }
}
