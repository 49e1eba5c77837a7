package dev.tide.autoscaler.decision;

/**
 * Something the live loop did or saw besides an evaluation, logged as a JSON line beside the
 * decisions: {@code {"timeMs":..,"event":"external","from":3,"to":5,"detail":".."}}.
 *
 * @param nowMs   when
 * @param kind    {@link #APPLIED}, {@link #FAILED}, {@link #EXTERNAL} or {@link #DRY_RUN}
 * @param from    node count before
 * @param to      node count after (asked for, or seen)
 * @param detail  words: the reason sent to the actuator, the failure, the hold
 */
public record LoopEvent(long nowMs, String kind, int from, int to, String detail) {

  /** The actuator accepted a scaling request. */
  public static final String APPLIED = "applied";
  /** The actuator refused or could not finish a request (the size stays as it is). */
  public static final String FAILED = "failed";
  /** The size changed without this autoscaler (a manual scale): adopted as the new baseline. */
  public static final String EXTERNAL = "external";
  /** Dry run: the decision was not sent to any actuator. */
  public static final String DRY_RUN = "dryRun";

  public String toJson() {
    StringBuilder sb = new StringBuilder(128);
    sb.append("{\"timeMs\":").append(nowMs).append(",\"event\":");
    Json.str(sb, kind);
    sb.append(",\"from\":").append(from).append(",\"to\":").append(to).append(",\"detail\":");
    Json.str(sb, detail);
    return sb.append('}').toString();
  }
}
