package dev.tide.lab.report;

import java.util.Locale;

/** A small streaming JSON writer (the report needs objects, arrays, strings and numbers only). */
final class Json {

  private final StringBuilder sb = new StringBuilder();
  /** Whether the current container already has an element (needs a comma before the next). */
  private final java.util.ArrayDeque<Boolean> hasElement = new java.util.ArrayDeque<>();
  private boolean afterKey;

  Json begin() {
    value();
    sb.append('{');
    hasElement.push(false);
    return this;
  }

  Json end() {
    hasElement.pop();
    sb.append('}');
    return this;
  }

  Json beginArray() {
    value();
    sb.append('[');
    hasElement.push(false);
    return this;
  }

  Json endArray() {
    hasElement.pop();
    sb.append(']');
    return this;
  }

  Json key(String k) {
    comma();
    string(k);
    sb.append(':');
    afterKey = true;
    return this;
  }

  Json str(String v) {
    value();
    if (v == null) {
      sb.append("null");
    } else {
      string(v);
    }
    return this;
  }

  Json num(double v) {
    value();
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      sb.append("null");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      sb.append((long) v);
    } else {
      sb.append(java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(7)).stripTrailingZeros()
          .toPlainString());
    }
    return this;
  }

  Json num(long v) {
    value();
    sb.append(v);
    return this;
  }

  Json bool(boolean v) {
    value();
    sb.append(v);
    return this;
  }

  private void value() {
    if (afterKey) {
      afterKey = false;
      return;
    }
    comma();
  }

  private void comma() {
    if (!hasElement.isEmpty()) {
      if (hasElement.peek()) {
        sb.append(',');
      } else {
        hasElement.pop();
        hasElement.push(true);
      }
    }
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
