package dev.tide.lab.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The seeded nemesis schedule: quiet for a while, then one fault — or, with probability
 * {@code composeProbability}, two different ones at once — held for a while, healed, and again,
 * until the run's time is up. Every pause is bounded by the run's end, so a run lasts its
 * duration plus the healing at the end, whatever the faults do.
 */
public final class Schedule {

  /** Timing of the schedule (ms). */
  public record Timing(long quietMinMs, long quietMaxMs, long faultMinMs, long faultMaxMs, double composeProbability) {
    public Timing {
      if (quietMinMs < 0 || quietMaxMs < quietMinMs || faultMinMs < 1 || faultMaxMs < faultMinMs) {
        throw new IllegalArgumentException("bad nemesis timing " + quietMinMs + ".." + quietMaxMs + " / " + faultMinMs
            + ".." + faultMaxMs);
      }
      if (composeProbability < 0 || composeProbability > 1) {
        throw new IllegalArgumentException("compose probability must be in [0, 1]");
      }
    }

    /** Jepsen-like defaults for a minutes-long run: 3-6 s quiet, 4-10 s faults, a third composed. */
    public static Timing standard() {
      return new Timing(3_000, 6_000, 4_000, 10_000, 0.33);
    }
  }

  private final Nemesis nemesis;
  private final List<FaultKind> kinds;
  private final Timing timing;
  private final SplittableRandom rnd;
  private final LongSupplier clockNs;
  private final Consumer<String> log;
  private final List<Fault> done = new ArrayList<>();
  private volatile boolean stopped;

  public Schedule(Nemesis nemesis, List<FaultKind> kinds, Timing timing, SplittableRandom rnd, LongSupplier clockNs,
                  Consumer<String> log) {
    this.nemesis = nemesis;
    this.kinds = kinds.stream().filter(nemesis::available).toList();
    this.timing = timing;
    this.rnd = rnd;
    this.clockNs = clockNs;
    this.log = log;
  }

  /** The faults that will be drawn from. */
  public List<FaultKind> kinds() {
    return kinds;
  }

  /** Runs until {@code endNs} on the clock (or {@link #stop}); active faults are healed before it returns. */
  public List<Fault> run(long endNs) {
    if (kinds.isEmpty()) {
      sleepUntil(endNs);
      return List.of();
    }
    while (!stopped && clockNs.getAsLong() < endNs) {
      sleepUntil(Math.min(endNs, clockNs.getAsLong() + ms(rnd.nextLong(timing.quietMinMs(), timing.quietMaxMs() + 1))));
      if (stopped || clockNs.getAsLong() >= endNs) {
        break;
      }
      int count = kinds.size() > 1 && rnd.nextDouble() < timing.composeProbability() ? 2 : 1;
      List<FaultKind> pool = new ArrayList<>(kinds);
      for (int i = 0; i < count; i++) {
        FaultKind k = pool.remove(rnd.nextInt(pool.size()));
        try {
          Fault f = nemesis.inject(k);
          if (f != null) {
            log.accept("fault: " + f.description());
          }
        } catch (RuntimeException e) {
          log.accept("fault " + k.id() + " could not be injected: " + e.getMessage());
        }
      }
      sleepUntil(Math.min(endNs, clockNs.getAsLong() + ms(rnd.nextLong(timing.faultMinMs(), timing.faultMaxMs() + 1))));
      for (Fault f : nemesis.healActive()) {
        log.accept("healed: " + f.description());
        done.add(f);
      }
    }
    for (Fault f : nemesis.healActive()) {
      done.add(f);
    }
    return List.copyOf(done);
  }

  public void stop() {
    stopped = true;
  }

  private static long ms(long v) {
    return v * 1_000_000L;
  }

  private void sleepUntil(long ns) {
    while (!stopped) {
      long left = ns - clockNs.getAsLong();
      if (left <= 0) {
        return;
      }
      try {
        Thread.sleep(Math.min(200, Math.max(1, left / 1_000_000L)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
