package dev.tide.lab.workload;

import java.util.Locale;
import java.util.SplittableRandom;

/** Chooses the size of each written value: fixed, uniform in a range, or exponential around a mean. */
public sealed interface ValueSizer {

  /** Largest value the lab writes: 1 MiB keeps a burst of in-flight writes within the client's buffers. */
  int MAX_VALUE_BYTES = 1 << 20;

  int next(SplittableRandom rnd);

  String describe();

  /** "100", "uniform:10-1000", "exp:200" (exponential with mean 200, capped at 1 MiB). */
  static ValueSizer parse(String spec) {
    String s = spec.strip().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("uniform:")) {
        String[] p = s.substring(8).split("-");
        if (p.length != 2) {
          throw new IllegalArgumentException("uniform:MIN-MAX, e.g. uniform:10-1000");
        }
        return new Uniform(size(p[0]), size(p[1]));
      }
      if (s.startsWith("exp:")) {
        return new Exponential(size(s.substring(4)));
      }
      return new Fixed(size(s.startsWith("fixed:") ? s.substring(6) : s));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad value size '" + spec + "'");
    }
  }

  private static int size(String s) {
    int n = Integer.parseInt(s.strip());
    if (n < 0 || n > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value size must be 0.." + MAX_VALUE_BYTES + " bytes, got " + n);
    }
    return n;
  }

  record Fixed(int bytes) implements ValueSizer {
    @Override
    public int next(SplittableRandom rnd) {
      return bytes;
    }

    @Override
    public String describe() {
      return Integer.toString(bytes);
    }
  }

  record Uniform(int minBytes, int maxBytes) implements ValueSizer {
    public Uniform {
      if (minBytes > maxBytes) {
        throw new IllegalArgumentException("uniform value size: MIN must be ≤ MAX");
      }
    }

    @Override
    public int next(SplittableRandom rnd) {
      return minBytes + rnd.nextInt(maxBytes - minBytes + 1);
    }

    @Override
    public String describe() {
      return "uniform:" + minBytes + "-" + maxBytes;
    }
  }

  record Exponential(int meanBytes) implements ValueSizer {
    @Override
    public int next(SplittableRandom rnd) {
      double x = -meanBytes * Math.log(1 - rnd.nextDouble());
      return (int) Math.min(MAX_VALUE_BYTES, Math.round(x));
    }

    @Override
    public String describe() {
      return "exp:" + meanBytes;
    }
  }
}
