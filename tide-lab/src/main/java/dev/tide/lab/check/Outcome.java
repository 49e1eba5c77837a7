package dev.tide.lab.check;

/** How a client operation ended. */
public enum Outcome {
  /** The server acknowledged it: it took effect (a read returned this value). */
  OK,
  /** The server refused it before doing anything (an error reply that proves no effect, a lost compare). */
  FAIL,
  /**
   * The client does not know: timeout, connection lost, or an error that does not say whether
   * the operation was applied. It may have taken effect, at any time after its invocation.
   */
  UNKNOWN;

  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Outcome parse(String s) {
    return switch (s) {
      case "ok" -> OK;
      case "fail" -> FAIL;
      case "unknown", "info" -> UNKNOWN;
      default -> throw new IllegalArgumentException("unknown outcome '" + s + "' (ok, fail, unknown)");
    };
  }
}
