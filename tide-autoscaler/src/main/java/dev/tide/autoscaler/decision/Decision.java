package dev.tide.autoscaler.decision;

import dev.tide.autoscaler.guard.GuardNote;
import dev.tide.autoscaler.policy.Vote;
import dev.tide.autoscaler.signals.Signals;

import java.util.List;

/**
 * One evaluation, everything needed to explain it.
 *
 * @param nowMs       when
 * @param raw         signals as read
 * @param stable      the stable (smoothed) view the policies saw
 * @param votes       each policy's desired size and reason
 * @param composed    the composed size, before guards
 * @param composedBy  the policy whose vote was taken ("none" when all abstained)
 * @param guards      guards that acted
 * @param panic       whether panic mode was on
 * @param current     provisioned nodes before the decision
 * @param target      nodes after it
 * @param action      NONE, SCALE_OUT or SCALE_IN
 */
public record Decision(long nowMs, Signals raw, Signals stable, List<Vote> votes, int composed, String composedBy,
    List<GuardNote> guards, boolean panic, int current, int target, Action action) {

  /** The decision as one JSON object on one line. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(512);
    sb.append("{\"timeMs\":").append(nowMs);
    sb.append(",\"action\":\"").append(action).append('"');
    sb.append(",\"current\":").append(current).append(",\"target\":").append(target);
    sb.append(",\"inputs\":");
    signals(sb, raw);
    sb.append(",\"smoothed\":");
    signals(sb, stable);
    sb.append(",\"policies\":[");
    for (int i = 0; i < votes.size(); i++) {
      Vote v = votes.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"policy\":");
      Json.str(sb, v.policy());
      sb.append(",\"desired\":").append(v.abstains() ? "null" : Integer.toString(v.desired()));
      sb.append(",\"reason\":");
      Json.str(sb, v.reason()).append('}');
    }
    sb.append("],\"composed\":").append(composed).append(",\"composedBy\":");
    Json.str(sb, composedBy);
    sb.append(",\"panic\":").append(panic).append(",\"guards\":[");
    for (int i = 0; i < guards.size(); i++) {
      GuardNote g = guards.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"guard\":");
      Json.str(sb, g.guard());
      sb.append(",\"before\":").append(g.before()).append(",\"after\":").append(g.after()).append(",\"reason\":");
      Json.str(sb, g.reason()).append('}');
    }
    return sb.append("]}").toString();
  }

  private static void signals(StringBuilder sb, Signals s) {
    sb.append("{\"nodes\":").append(s.nodes()).append(",\"warmNodes\":").append(s.warmNodes());
    sb.append(",\"opsPerSec\":");
    Json.num(sb, s.opsPerSec());
    sb.append(",\"cpu\":");
    Json.num(sb, s.cpu());
    sb.append(",\"p99Ms\":");
    Json.num(sb, s.p99Ms());
    sb.append(",\"queueDepth\":");
    Json.num(sb, s.queueDepth());
    sb.append(",\"requests\":").append(s.requests()).append(",\"slowRequests\":").append(s.slowRequests()).append('}');
  }
}
