package dev.tide.autoscaler.decision;

/** What an evaluation did. */
public enum Action {
  NONE, SCALE_OUT, SCALE_IN;

  public static Action of(int from, int to) {
    return to > from ? SCALE_OUT : to < from ? SCALE_IN : NONE;
  }
}
