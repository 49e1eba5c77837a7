package dev.tide.lab.chaos.client;

import dev.tide.lab.check.Outcome;

import java.util.List;

/**
 * Which error replies prove that a command had no effect. The rule for a checker is to be
 * conservative: an error counts as "failed" only when the server answers it before doing
 * anything; every other error of a write leaves its outcome unknown.
 *
 * <ul>
 *   <li>Redirects and routing: MOVED, ASK, CROSSSLOT, CLUSTERDOWN (the command ran nowhere).</li>
 *   <li>Refusals before execution: WRONGTYPE, NOAUTH, LOADING, READONLY, EXECABORT, NOSCRIPT,
 *       and ERR for unknown commands, wrong arity, or a command the mode does not support.</li>
 *   <li>Tide's TRYAGAIN comes in four texts (tide-cluster {@code ClusterRouter}, {@code Partition},
 *       {@code BatchClosure}): "No leader for this slot yet" and "Too many writes waiting" are
 *       answered before the command is proposed, "no longer leads the partition" before it is
 *       proposed or for a read: all three had no effect. "The write was not committed
 *       (partition leadership changed)" comes after the command was proposed: a later leader may
 *       still commit it, so its outcome is unknown — and retrying it, as cluster clients do with
 *       any TRYAGAIN, can apply it twice (docs/bugs-found.md).</li>
 * </ul>
 */
public final class Replies {

  private static final List<String> DEFINITE_CODES = List.of("MOVED", "ASK", "CROSSSLOT", "CLUSTERDOWN", "WRONGTYPE",
      "NOAUTH", "LOADING", "READONLY", "EXECABORT", "NOSCRIPT", "NOPERM");
  private static final List<String> DEFINITE_TRYAGAIN = List.of("No leader", "Too many writes", "no longer leads");
  private static final List<String> DEFINITE_ERR = List.of("ERR unknown command", "ERR wrong number of arguments",
      "not supported in Tide cluster mode", "ERR EXEC without MULTI", "ERR MULTI calls can not be nested",
      "ERR WATCH inside MULTI", "ERR value is not an integer", "ERR syntax error");

  private Replies() {
  }

  /** Whether this error proves the command had no effect. */
  public static boolean definitelyNotApplied(Reply.Err e) {
    String code = e.code();
    if (DEFINITE_CODES.contains(code)) {
      return true;
    }
    if (code.equals("TRYAGAIN")) {
      return DEFINITE_TRYAGAIN.stream().anyMatch(e.text()::contains);
    }
    return DEFINITE_ERR.stream().anyMatch(e.text()::contains);
  }

  /** Whether to send the same command again (to another node, or after a pause): it provably did nothing. */
  public static boolean retryable(Reply.Err e) {
    String code = e.code();
    return code.equals("MOVED") || code.equals("CLUSTERDOWN") || code.equals("LOADING")
        || (code.equals("TRYAGAIN") && definitelyNotApplied(e));
  }

  /** The outcome of a write that got {@code r} (a Value is OK). */
  public static Outcome writeOutcome(Reply r) {
    return switch (r) {
      case Reply.Value v -> Outcome.OK;
      case Reply.Err e -> definitelyNotApplied(e) ? Outcome.FAIL : Outcome.UNKNOWN;
      case Reply.Lost l -> l.sent() ? Outcome.UNKNOWN : Outcome.FAIL;
    };
  }

  /** The outcome of a read: anything but a value is a failure (a read has no effect to be unsure about). */
  public static Outcome readOutcome(Reply r) {
    return r instanceof Reply.Value ? Outcome.OK : Outcome.FAIL;
  }

  public static String errorText(Reply r) {
    return switch (r) {
      case Reply.Value v -> null;
      case Reply.Err e -> e.text();
      case Reply.Lost l -> (l.sent() ? "no reply: " : "not sent: ") + l.reason();
    };
  }
}
