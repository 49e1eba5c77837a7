package dev.tide.cluster.controller;

/**
 * Where a member is in its life in the cluster, as the controller records it.
 *
 * <ul>
 *   <li>{@link #JOINING}: the controller added it (a {@code --join}); it has not yet reported that it
 *       serves with the map.</li>
 *   <li>{@link #ACTIVE}: serving; may host replicas and lead partitions.</li>
 *   <li>{@link #DRAINING}: leaving; its replicas are being moved away (issue 5) and it should not
 *       receive new ones.</li>
 *   <li>{@link #LEFT}: gone; it hosts nothing and is kept in the member list only so replica lists
 *       keep their positions and the same address can join again.</li>
 * </ul>
 */
public enum MemberState {
  JOINING(1, "joining"),
  ACTIVE(2, "active"),
  DRAINING(3, "draining"),
  LEFT(4, "left");

  private final int code;
  private final String label;

  MemberState(int code, String label) {
    this.code = code;
    this.label = label;
  }

  /** Wire and file code (stable: never renumber). */
  public int code() {
    return code;
  }

  /** Lower-case name used in replies and logs. */
  public String label() {
    return label;
  }

  public static MemberState ofCode(int code) {
    for (MemberState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown member state code " + code);
  }

  public static MemberState ofLabel(String label) {
    for (MemberState s : values()) {
      if (s.label.equalsIgnoreCase(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown member state '" + label + "' (joining, active, draining, left)");
  }
}
