package dev.tide.lab.schedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses profile specs given on the command line:
 * <pre>
 *   2000                         constant 2,000 ops/s (same as constant:2000)
 *   step:1000,2000,4000@5s       each rate held 5 s, the last one until the end
 *   ramp:500..8000@20s           linear from 500 to 8,000 ops/s over 20 s
 *   sine:4000,2000,10s           mean 4,000, amplitude 2,000, period 10 s
 *   spike:1000,8000,5s,2s        1,000 ops/s with 8,000 ops/s from 5 s for 2 s
 *   trace:rates.txt              one rate per line per second ("#" comments, or "second,rate" CSV)
 * </pre>
 */
public final class RateProfiles {

  private RateProfiles() {
  }

  public static RateProfile parse(String spec) {
    String s = spec.strip();
    int colon = s.indexOf(':');
    String kind = colon < 0 ? "constant" : s.substring(0, colon).toLowerCase(Locale.ROOT);
    String body = colon < 0 ? s : s.substring(colon + 1);
    try {
      return switch (kind) {
        case "constant" -> new RateProfile.Constant(rate(body));
        case "step" -> {
          int at = body.indexOf('@');
          if (at < 0) {
            throw new IllegalArgumentException("step needs '@<length>', e.g. step:1000,2000@5s");
          }
          List<Double> rates = new ArrayList<>();
          for (String r : body.substring(0, at).split(",")) {
            rates.add(rate(r));
          }
          yield new RateProfile.Step(rates, seconds(body.substring(at + 1)));
        }
        case "ramp" -> {
          int at = body.indexOf('@');
          int dots = body.indexOf("..");
          if (at < 0 || dots < 0 || dots > at) {
            throw new IllegalArgumentException("ramp needs FROM..TO@LENGTH, e.g. ramp:500..8000@20s");
          }
          yield new RateProfile.Ramp(rate(body.substring(0, dots)), rate(body.substring(dots + 2, at)),
              seconds(body.substring(at + 1)));
        }
        case "sine" -> {
          String[] p = parts(body, 3, "sine:MEAN,AMPLITUDE,PERIOD");
          yield new RateProfile.Sine(rate(p[0]), rate(p[1]), seconds(p[2]));
        }
        case "spike" -> {
          String[] p = parts(body, 4, "spike:BASE,PEAK,AT,LENGTH");
          yield new RateProfile.Spike(rate(p[0]), rate(p[1]), seconds(p[2]), seconds(p[3]));
        }
        case "trace" -> readTrace(Path.of(body));
        default -> throw new IllegalArgumentException("unknown profile '" + kind
            + "' (constant, step, ramp, sine, spike, trace)");
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number in profile '" + spec + "': " + e.getMessage());
    }
  }

  /** A trace file: one rate per line, or "second,rate" lines; blank lines and '#' comments skipped. */
  public static RateProfile.Trace readTrace(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file, e);
    }
    List<Double> rates = new ArrayList<>();
    for (String line : lines) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.chars().anyMatch(Character::isLetter)) {
        continue; // comments and a CSV header line
      }
      String[] cols = l.split("[,;\\s]+");
      rates.add(rate(cols[cols.length - 1]));
      if (rates.size() > RateProfile.Trace.MAX_SECONDS) {
        break;
      }
    }
    return new RateProfile.Trace(rates, file.toString());
  }

  private static String[] parts(String body, int n, String usage) {
    String[] p = body.split(",");
    if (p.length != n) {
      throw new IllegalArgumentException("expected " + usage);
    }
    return p;
  }

  static double rate(String s) {
    String t = s.strip().replace("_", "").toLowerCase(Locale.ROOT);
    double mult = 1;
    if (t.endsWith("k")) {
      mult = 1_000;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      mult = 1_000_000;
      t = t.substring(0, t.length() - 1);
    }
    return Double.parseDouble(t) * mult;
  }

  /** "500ms", "5s", "2m", or a bare number of seconds. */
  public static double seconds(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Double.parseDouble(t.substring(0, t.length() - 2)) / 1000;
    }
    if (t.endsWith("s")) {
      return Double.parseDouble(t.substring(0, t.length() - 1));
    }
    if (t.endsWith("m")) {
      return Double.parseDouble(t.substring(0, t.length() - 1)) * 60;
    }
    if (t.endsWith("h")) {
      return Double.parseDouble(t.substring(0, t.length() - 1)) * 3600;
    }
    return Double.parseDouble(t);
  }

  static void checkRate(String what, double r, boolean zeroAllowed) {
    if (Double.isNaN(r) || r < 0 || (!zeroAllowed && r == 0) || r > RateProfile.MAX_RATE_OPS_PER_SEC) {
      throw new IllegalArgumentException(what + " must be " + (zeroAllowed ? "≥ 0" : "> 0") + " and ≤ "
          + fmt(RateProfile.MAX_RATE_OPS_PER_SEC) + " ops/s, got " + r);
    }
  }

  static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
