package dev.tide.autoscaler.decision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** Where decisions (and the live loop's events) go. */
public interface DecisionLog {

  void append(Decision d);

  /** A live-loop event (actions applied or failed, manual scales adopted); dropped unless a log keeps them. */
  default void appendEvent(LoopEvent e) {
  }

  /** Discards decisions. */
  DecisionLog NONE = d -> { };

  /** One JSON line per decision and event to {@code out} (the caller owns and closes it). */
  static DecisionLog jsonLines(Writer out) {
    return jsonLines(out, false);
  }

  /**
   * One JSON line per decision and event to {@code out}; {@code flushEachLine} for a live loop, whose
   * log is read while it runs ({@code ./tide autoscale log}).
   */
  static DecisionLog jsonLines(Writer out, boolean flushEachLine) {
    return new DecisionLog() {
      @Override
      public void append(Decision d) {
        line(d.toJson());
      }

      @Override
      public void appendEvent(LoopEvent e) {
        line(e.toJson());
      }

      private void line(String json) {
        try {
          synchronized (out) {
            out.write(json);
            out.write('\n');
            if (flushEachLine) {
              out.flush();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("writing the decision log", e);
        }
      }
    };
  }
}
