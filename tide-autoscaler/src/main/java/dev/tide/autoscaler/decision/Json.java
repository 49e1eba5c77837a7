package dev.tide.autoscaler.decision;

/** Minimal JSON output helpers: string escaping and finite numbers (NaN and infinities become null). */
public final class Json {

  private Json() {
  }

  public static StringBuilder str(StringBuilder sb, String s) {
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
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  public static StringBuilder num(StringBuilder sb, double v) {
    if (!Double.isFinite(v)) {
      return sb.append("null");
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return sb.append((long) v);
    }
    return sb.append(Math.round(v * 1e4) / 1e4);
  }
}
