package dev.tide.lab.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Live progress of a phase, one update per second: rate, p99, errors, elapsed and ETA. On a
 * terminal the line is rewritten in place; otherwise a line is printed every
 * {@link #PLAIN_EVERY_SEC} seconds so logs stay short.
 */
public interface Progress {

  /** Seconds between lines when the output is not a terminal. */
  int PLAIN_EVERY_SEC = 5;

  Progress NONE = (label, s, durationSec) -> { };

  void interval(String label, IntervalStats s, double durationSec);

  default void done(String label) {
  }

  /** Prints to {@code out} (stderr, by convention, so stdout stays the report). */
  static Progress printing(PrintStream out, boolean terminal) {
    return new Progress() {
      @Override
      public void interval(String label, IntervalStats s, double durationSec) {
        int elapsed = s.second() + 1;
        if (!terminal && elapsed % PLAIN_EVERY_SEC != 0) {
          return;
        }
        String line = String.format(Locale.ROOT, "[%s] %3ds/%.0fs  rate %,9d ops/s  p99 %9.3f ms  errors %,d  ETA %3.0fs",
            label, elapsed, durationSec, s.completed(), s.p99Us() / 1000, s.errors(),
            Math.max(0, durationSec - elapsed));
        if (terminal) {
          out.print("\r" + line + "   ");
        } else {
          out.println(line);
        }
        out.flush();
      }

      @Override
      public void done(String label) {
        if (terminal) {
          out.println();
        }
      }
    };
  }
}
