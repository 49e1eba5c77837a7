package dev.tide.autoscaler.policy;

import java.util.List;

/**
 * Combines votes: the largest desired size wins for scale-out, and scale-in happens only when every
 * voting policy wants fewer nodes — then to the largest of their sizes, the smallest step down any
 * of them accepts. Both rules are "take the largest vote"; abstaining policies are left out. When
 * every policy abstains the current size is kept.
 */
public final class Composition {

  /** The composed size and the policy that set it ("none" when all abstained). */
  public record Result(int desired, String decidedBy) {
  }

  private Composition() {
  }

  public static Result compose(List<Vote> votes, int current) {
    int best = Vote.ABSTAIN;
    String by = "none";
    for (Vote v : votes) {
      if (!v.abstains() && v.desired() > best) {
        best = v.desired();
        by = v.policy();
      }
    }
    return best == Vote.ABSTAIN ? new Result(current, "none") : new Result(best, by);
  }
}
