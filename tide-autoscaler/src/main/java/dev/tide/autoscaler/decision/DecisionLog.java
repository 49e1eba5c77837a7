package dev.tide.autoscaler.decision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** Where decisions go. */
public interface DecisionLog {

  void append(Decision d);

  /** Discards decisions. */
  DecisionLog NONE = d -> { };

  /** One JSON line per decision to {@code out} (the caller owns and closes it). */
  static DecisionLog jsonLines(Writer out) {
    return d -> {
      try {
        out.write(d.toJson());
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("writing the decision log", e);
      }
    };
  }
}
