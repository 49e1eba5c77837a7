package dev.tide.autoscaler.policy;

/**
 * One policy's opinion at one evaluation.
 *
 * @param policy   the policy's name
 * @param desired  desired node count, or {@link #ABSTAIN}
 * @param reason   why, in words and numbers (goes to the decision log)
 */
public record Vote(String policy, int desired, String reason) {

  /** Marker for "no opinion": an abstaining policy neither asks for nodes nor blocks a scale-in. */
  public static final int ABSTAIN = -1;

  public static Vote abstain(String policy, String reason) {
    return new Vote(policy, ABSTAIN, reason);
  }

  public boolean abstains() {
    return desired == ABSTAIN;
  }
}
