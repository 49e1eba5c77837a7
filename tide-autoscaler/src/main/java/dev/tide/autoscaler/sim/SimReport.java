package dev.tide.autoscaler.sim;

import dev.tide.autoscaler.decision.Json;

import java.util.List;
import java.util.Locale;

/** The terminal table, the JSON summary and the self-contained HTML report of one simulation. */
public final class SimReport {

  static final String[] HEADERS = {"policy", "SLO-violation min", "node-hours", "actions", "flaps",
      "worst recovery s", "peak nodes"};
  private static final String[] COLOURS = {"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2",
      "#4b5563"};

  private SimReport() {
  }

  static String[] row(SimResult r) {
    return new String[] {r.policy(), Integer.toString(r.violationMinutes()),
        String.format(Locale.ROOT, "%.1f", r.nodeHours()), Integer.toString(r.actions()), Integer.toString(r.flaps()),
        Integer.toString(r.worstRecoverySec()), Integer.toString(r.peakNodes())};
  }

  /** A plain-text table, columns aligned, one row per policy. */
  public static String table(List<SimResult> results) {
    int[] w = new int[HEADERS.length];
    for (int i = 0; i < HEADERS.length; i++) {
      w[i] = HEADERS[i].length();
    }
    for (SimResult r : results) {
      String[] row = row(r);
      for (int i = 0; i < row.length; i++) {
        w[i] = Math.max(w[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, HEADERS, w);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
    }
    sb.append(rule).append('\n');
    for (SimResult r : results) {
      line(sb, row(r), w);
    }
    return sb.toString();
  }

  /** The same table in Markdown (for the README). */
  public static String markdown(List<SimResult> results) {
    StringBuilder sb = new StringBuilder("| " + String.join(" | ", HEADERS) + " |\n|");
    sb.append(" --- |".repeat(HEADERS.length)).append('\n');
    for (SimResult r : results) {
      sb.append("| ").append(String.join(" | ", row(r))).append(" |\n");
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String[] cells, int[] w) {
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      sb.append(i == 0 ? "" : "  ");
      sb.append(i == 0 ? c + " ".repeat(w[i] - c.length()) : " ".repeat(w[i] - c.length()) + c);
    }
    sb.append('\n');
  }

  public static String json(String command, String traceName, ModelParams p, List<SimResult> results) {
    StringBuilder sb = new StringBuilder("{\"command\":");
    Json.str(sb, command).append(",\"trace\":");
    Json.str(sb, traceName).append(",\"model\":");
    Json.str(sb, p.toString()).append(",\"results\":[");
    for (int i = 0; i < results.size(); i++) {
      SimResult r = results.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"policy\":");
      Json.str(sb, r.policy());
      sb.append(",\"violationMinutes\":").append(r.violationMinutes()).append(",\"nodeHours\":");
      Json.num(sb, r.nodeHours());
      sb.append(",\"actions\":").append(r.actions()).append(",\"flaps\":").append(r.flaps())
          .append(",\"worstRecoverySec\":").append(r.worstRecoverySec()).append(",\"peakNodes\":")
          .append(r.peakNodes()).append('}');
    }
    return sb.append("]}\n").toString();
  }

  public static String html(String command, String traceName, ModelParams p, List<SimResult> results,
      String runtimeNote) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tide autoscaler simulation: ")
        .append(SvgChart.esc(traceName)).append("</title><style>body{font-family:sans-serif;margin:24px;color:#111827}"
            + "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #d1d5db;padding:4px 8px;"
            + "text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f3f4f6}"
            + "code{background:#f3f4f6;padding:2px 4px}.meta{color:#374151;font-size:14px}</style></head><body>");
    sb.append("<h1>Autoscaler simulation: ").append(SvgChart.esc(traceName)).append("</h1><div class=\"meta\">");
    sb.append("<p><b>Command:</b> <code>").append(SvgChart.esc(command)).append("</code></p>");
    sb.append("<p><b>Model:</b> ").append(SvgChart.esc(describe(p))).append("</p>");
    sb.append("<p>").append(SvgChart.esc(runtimeNote)).append("</p></div>");
    sb.append("<h2>Summary</h2><table><tr>");
    for (String h : HEADERS) {
      sb.append("<th>").append(SvgChart.esc(h)).append("</th>");
    }
    sb.append("</tr>");
    for (SimResult r : results) {
      sb.append("<tr>");
      for (String c : row(r)) {
        sb.append("<td>").append(SvgChart.esc(c)).append("</td>");
      }
      sb.append("</tr>");
    }
    sb.append("</table><p class=\"meta\">SLO: p99 under ").append(SvgChart.fmt(p.sloLatencyMs()))
        .append(" ms per minute. Flap: an action reversing the previous one within ")
        .append(Simulator.FLAP_WINDOW_MS / 60_000).append(" minutes. Worst recovery: the longest run of seconds over the"
            + " SLO (gaps under a minute merged).</p>");
    SvgChart load = new SvgChart("Offered load (mean per minute)", "ops/s", false);
    load.add("load", "#111827", results.get(0).minuteLoad());
    SvgChart nodes = new SvgChart("Nodes billed (mean per minute)", "nodes", false);
    SvgChart lat = new SvgChart("p99 latency (worst second of each minute), SLO " + SvgChart.fmt(p.sloLatencyMs())
        + " ms", "ms (log)", true);
    double[] slo = new double[results.get(0).minuteP99().length];
    java.util.Arrays.fill(slo, p.sloLatencyMs());
    for (int i = 0; i < results.size(); i++) {
      SimResult r = results.get(i);
      String colour = COLOURS[i % COLOURS.length];
      nodes.add(r.policy(), colour, r.minuteNodes());
      lat.add(r.policy(), colour, r.minuteP99());
    }
    lat.add("SLO", "#9ca3af", slo);
    sb.append("<h2>Charts</h2>").append(load.render()).append("<br>").append(nodes.render()).append("<br>")
        .append(lat.render());
    return sb.append("</body></html>\n").toString();
  }

  static String describe(ModelParams p) {
    return String.format(Locale.ROOT, "%s ops/s per node (%d threads, M/M/c + fluid backlog), base latency %s ms, "
            + "SLO %s ms, start-up %d s, %s GB of data moved at %s MB/s, %d..%d nodes",
        SvgChart.fmt(p.capacityOpsPerNode()), p.threadsPerNode(), SvgChart.fmt(p.baseLatencyMs()),
        SvgChart.fmt(p.sloLatencyMs()), p.startupMs() / 1_000, SvgChart.fmt(p.dataBytes() / 1e9),
        SvgChart.fmt(p.moveBytesPerSec() / 1e6), p.minNodes(), p.maxNodes());
  }
}
