package dev.tide.autoscaler.decision;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decision-log lines ({@link Decision#toJson()}, {@link LoopEvent#toJson()}) as an aligned text table
 * for {@code ./tide autoscale log}. One block per decision: its first row has the time, action, node
 * count (current -> target) and a summary of the inputs, then one row per policy (its desired size,
 * "-" when it abstained, and its reason) and one per guard that acted (size after it, and why). Loop
 * events (applied, failed, external, dryRun) are one row each. A line that is not a decision or event
 * becomes a row saying so, so a damaged log is still readable around it.
 */
public final class DecisionTable {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String[] HEADER = {"TIME (UTC)", "ACTION", "NODES", "INPUTS", "BY", "SIZE", "WHY"};

  private DecisionTable() {
  }

  public static String render(List<String> jsonLines) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (String line : jsonLines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        if (!(JsonReader.parse(line) instanceof Map<?, ?> m)) {
          throw new IllegalArgumentException("not a JSON object");
        }
        addRows(rows, m);
      } catch (RuntimeException e) {
        rows.add(new String[] {"?", "unreadable", "", "", "", "", e.getMessage()});
      }
    }
    int[] width = new int[HEADER.length];
    for (String[] r : rows) {
      for (int c = 0; c < r.length - 1; c++) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < r.length; c++) {
        line.append(c == r.length - 1 ? r[c] : pad(r[c], width[c])).append(c == r.length - 1 ? "" : "  ");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  private static void addRows(List<String[]> rows, Map<?, ?> m) {
    String time = m.get("timeMs") instanceof Double t ? TIME.format(Instant.ofEpochMilli(t.longValue())) : "?";
    if (m.containsKey("event")) {
      rows.add(new String[] {time, "event:" + m.get("event"), num(m.get("from")) + " -> " + num(m.get("to")), "", "",
          "", String.valueOf(m.get("detail"))});
      return;
    }
    if (!m.containsKey("action") || !(m.get("inputs") instanceof Map<?, ?> in)) {
      throw new IllegalArgumentException("neither a decision nor an event");
    }
    String nodes = num(m.get("current")) + (m.get("current").equals(m.get("target")) ? "" : " -> " + num(m.get("target")));
    String inputs = "ops " + num(in.get("opsPerSec")) + "/s, cpu " + pct(in.get("cpu")) + ", p99 "
        + dec(in.get("p99Ms")) + " ms, queue " + num(in.get("queueDepth")) + ", slow " + num(in.get("slowRequests")) + "/"
        + num(in.get("requests")) + ", warm " + num(in.get("warmNodes")) + "/" + num(in.get("nodes"))
        + (Boolean.TRUE.equals(m.get("panic")) ? ", PANIC" : "");
    String action = String.valueOf(m.get("action"));
    String first = "composed " + num(m.get("composed")) + " by " + m.get("composedBy");
    rows.add(new String[] {time, action, nodes, inputs, "", "", first});
    if (m.get("policies") instanceof List<?> policies) {
      for (Object o : policies) {
        if (o instanceof Map<?, ?> p) {
          rows.add(new String[] {"", "", "", "", String.valueOf(p.get("policy")),
              p.get("desired") == null ? "-" : num(p.get("desired")), String.valueOf(p.get("reason"))});
        }
      }
    }
    if (m.get("guards") instanceof List<?> guards) {
      for (Object o : guards) {
        if (o instanceof Map<?, ?> g) {
          rows.add(new String[] {"", "", "", "", "guard " + g.get("guard"), num(g.get("before")) + " -> "
              + num(g.get("after")), String.valueOf(g.get("reason"))});
        }
      }
    }
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }

  private static String num(Object o) {
    if (!(o instanceof Double d)) {
      return o == null ? "-" : String.valueOf(o);
    }
    return d == Math.rint(d) ? Long.toString(d.longValue()) : Long.toString(Math.round(d));
  }

  private static String dec(Object o) {
    return o instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : "-";
  }

  private static String pct(Object o) {
    return o instanceof Double d ? Math.round(d * 100) + "%" : "-";
  }
}
