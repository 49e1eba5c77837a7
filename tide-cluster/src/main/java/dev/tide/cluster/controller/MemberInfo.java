package dev.tide.cluster.controller;

import dev.tide.cluster.map.Member;

import java.util.regex.Pattern;

/**
 * What the controller knows about one member beyond its addresses: the operator's name for it
 * ({@code --node-id}), its {@link MemberState} and an optional failure-zone label.
 *
 * @param name the node's {@code --node-id}; empty until a bootstrap member has registered it
 * @param zone failure-zone label for placement (issue 5); empty when not given
 */
public record MemberInfo(Member member, String name, MemberState state, String zone) {

  /** Longest node name or zone label: names show up in logs, replies and file names. */
  public static final int MAX_NAME_LENGTH = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");

  public MemberInfo {
    if (member == null || name == null || state == null || zone == null) {
      throw new IllegalArgumentException("member info fields must not be null");
    }
  }

  public String id() {
    return member.id();
  }

  public MemberInfo withName(String newName) {
    return new MemberInfo(member, newName, state, zone);
  }

  public MemberInfo withState(MemberState newState) {
    return new MemberInfo(member, name, newState, zone);
  }

  public MemberInfo withZone(String newZone) {
    return new MemberInfo(member, name, state, newZone);
  }

  /** Null when {@code name} is a usable node name or zone label, else what is wrong with it. */
  public static String checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return what + " must be 1-" + MAX_NAME_LENGTH + " characters of letters, digits, '.', '_' or '-', got '"
          + name + "'";
    }
    return null;
  }

  /** {@code name (host:port@bus, state)} for messages. */
  public String describe() {
    return (name.isEmpty() ? "(unnamed)" : "'" + name + "'") + " at " + member.host() + ":" + member.port() + "@"
        + member.busPort() + " (" + state.label() + ")";
  }
}
