package dev.tide.autoscaler.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A request-rate trace: offered operations per second, one value per simulated second.
 *
 * <p>Built-in shapes, all scaled to {@code peakOps} and seeded:
 * <ul>
 *   <li>{@code diurnal}: a day's cosine from 20% of peak (04:00) to peak (16:00), ±3% noise;</li>
 *   <li>{@code spike}: 10% of peak with a 10× spike to peak for 15 minutes every 6 hours (at 02:00,
 *       08:00, ...), ±3% noise;</li>
 *   <li>{@code ramp}: a straight rise from 10% to 100% of peak over the whole trace;</li>
 *   <li>{@code flash-crowd}: 10% of peak; at 03:00 and 15:00 a crowd arrives within a minute to peak
 *       and fades with a 40-minute time constant;</li>
 *   <li>{@code noisy}: 40% of peak with 25% lognormal noise per second and random 20-second bursts
 *       to 2× — a signal that must not make an autoscaler flap.</li>
 * </ul>
 * A CSV file has lines {@code second,opsPerSec} (or just {@code opsPerSec}, one per second); a
 * header line is allowed; values hold until the next timestamp; the last value repeats to the end.
 */
public final class Trace {

  public static final List<String> BUILT_IN = List.of("diurnal", "spike", "ramp", "flash-crowd", "noisy");
  /** Longest trace: one week of seconds (the simulator keeps a few arrays of this length). */
  public static final int MAX_SECONDS = 7 * 86_400;
  /** CSV traces longer than this are refused. */
  public static final long MAX_CSV_BYTES = 256L << 20;

  private final String name;
  private final double[] opsPerSec;

  public Trace(String name, double[] opsPerSec) {
    if (opsPerSec.length == 0 || opsPerSec.length > MAX_SECONDS) {
      throw new IllegalArgumentException("a trace has 1.." + MAX_SECONDS + " seconds");
    }
    this.name = name;
    this.opsPerSec = opsPerSec;
  }

  public String name() {
    return name;
  }

  public int seconds() {
    return opsPerSec.length;
  }

  public double at(int second) {
    return opsPerSec[second];
  }

  public double peak() {
    double p = 0;
    for (double v : opsPerSec) {
      p = Math.max(p, v);
    }
    return p;
  }

  /** Start seconds of the spikes of the {@code spike} trace that fall inside {@code seconds}. */
  static int spikeEverySeconds() {
    return 6 * 3_600;
  }

  public static Trace builtIn(String shape, int seconds, double peakOps, long seed) {
    if (seconds <= 0 || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException("trace length must be 1.." + MAX_SECONDS + " s");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] r = new double[seconds];
    switch (shape) {
      case "diurnal" -> {
        for (int t = 0; t < seconds; t++) {
          double phase = 2 * Math.PI * ((t - 4 * 3_600) % 86_400) / 86_400.0;
          double base = 0.2 + 0.8 * (0.5 - 0.5 * Math.cos(phase));
          r[t] = peakOps * base * (1 + 0.03 * rnd.nextGaussian());
        }
      }
      case "spike" -> {
        for (int t = 0; t < seconds; t++) {
          int inCycle = t % spikeEverySeconds();
          boolean spiking = inCycle >= 2 * 3_600 && inCycle < 2 * 3_600 + 15 * 60;
          r[t] = peakOps * (spiking ? 1.0 : 0.1) * (1 + 0.03 * rnd.nextGaussian());
        }
      }
      case "ramp" -> {
        for (int t = 0; t < seconds; t++) {
          r[t] = peakOps * (0.1 + 0.9 * t / (double) Math.max(1, seconds - 1)) * (1 + 0.02 * rnd.nextGaussian());
        }
      }
      case "flash-crowd" -> {
        for (int t = 0; t < seconds; t++) {
          double extra = 0;
          for (int start : new int[] {3 * 3_600, 15 * 3_600}) {
            if (t >= start) {
              double rise = Math.min(1, (t - start) / 60.0);
              extra = Math.max(extra, 0.9 * rise * Math.exp(-Math.max(0, t - start - 60) / 2_400.0));
            }
          }
          r[t] = peakOps * (0.1 + extra) * (1 + 0.03 * rnd.nextGaussian());
        }
      }
      case "noisy" -> {
        int burstLeft = 0;
        for (int t = 0; t < seconds; t++) {
          if (burstLeft == 0 && rnd.nextDouble() < 1 / 600.0) {
            burstLeft = 20;
          }
          double burst = burstLeft > 0 ? 2 : 1;
          burstLeft = Math.max(0, burstLeft - 1);
          r[t] = peakOps * 0.4 * burst * Math.exp(0.25 * rnd.nextGaussian() - 0.25 * 0.25 / 2);
        }
      }
      default -> throw new IllegalArgumentException("unknown trace '" + shape + "' (built in: "
          + String.join(", ", BUILT_IN) + ", or a .csv file)");
    }
    for (int t = 0; t < seconds; t++) {
      r[t] = Math.max(0, r[t]);
    }
    return new Trace(shape, r);
  }

  public static Trace csv(Path file, int seconds) throws IOException {
    if (Files.size(file) > MAX_CSV_BYTES) {
      throw new IllegalArgumentException(file + ": larger than " + MAX_CSV_BYTES + " bytes");
    }
    double[] r = new double[seconds];
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int filled = 0;
    double last = Double.NaN;
    int lineNo = 0;
    int implicitSecond = 0;
    for (String line : lines) {
      lineNo++;
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      String[] f = s.split("\\s*,\\s*");
      double second;
      double ops;
      try {
        if (f.length == 1) {
          second = implicitSecond++;
          ops = Double.parseDouble(f[0]);
        } else if (f.length == 2) {
          second = Double.parseDouble(f[0]);
          ops = Double.parseDouble(f[1]);
        } else {
          throw new IllegalArgumentException(file + ":" + lineNo + ": expected 'second,opsPerSec' or 'opsPerSec'");
        }
      } catch (NumberFormatException e) {
        if (lineNo == 1 || filled == 0 && Double.isNaN(last)) {
          continue; // a header line
        }
        throw new IllegalArgumentException(file + ":" + lineNo + ": not a number: " + s);
      }
      if (!(ops >= 0) || !Double.isFinite(ops) || !(second >= 0)) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": need second >= 0 and opsPerSec >= 0: " + s);
      }
      int sec = (int) Math.min(seconds, Math.floor(second));
      if (sec < filled) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": seconds must increase: " + s);
      }
      for (; filled < sec; filled++) {
        r[filled] = Double.isNaN(last) ? ops : last;
      }
      last = ops;
    }
    if (Double.isNaN(last)) {
      throw new IllegalArgumentException(file + ": no data");
    }
    for (; filled < seconds; filled++) {
      r[filled] = last;
    }
    String name = file.getFileName().toString();
    return new Trace(name, r);
  }
}
