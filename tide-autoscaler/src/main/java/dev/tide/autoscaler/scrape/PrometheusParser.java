package dev.tide.autoscaler.scrape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (0.0.4) into samples: {@code name{labels} value}.
 * Comments ({@code # HELP}, {@code # TYPE}) are skipped; timestamps are ignored. A line that does not
 * parse is an error naming the line — the scraper then treats the node as unreadable rather than
 * guessing. (The server's tests validate the same format strictly; this reader only needs samples.)
 */
public final class PrometheusParser {

  /** One sample. */
  public record Sample(String name, Map<String, String> labels, double value) {
  }

  /** Lines in one exposition at most: a busy node has a few thousand (docs/metrics.md); 100x that is broken. */
  public static final int MAX_LINES = 500_000;

  private PrometheusParser() {
  }

  public static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    int lineNo = 0;
    int pos = 0;
    while (pos < text.length()) {
      int end = text.indexOf('\n', pos);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(pos, end).strip();
      pos = end + 1;
      if (++lineNo > MAX_LINES) {
        throw new IllegalArgumentException("more than " + MAX_LINES + " lines");
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      out.add(sample(line, lineNo));
    }
    return out;
  }

  private static Sample sample(String line, int lineNo) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    String name = line.substring(0, i);
    if (name.isEmpty()) {
      throw bad(lineNo, line, "no metric name");
    }
    Map<String, String> labels = Map.of();
    if (i < line.length() && line.charAt(i) == '{') {
      labels = new LinkedHashMap<>();
      i++;
      while (true) {
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
          i++;
        }
        if (i >= line.length()) {
          throw bad(lineNo, line, "unterminated labels");
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw bad(lineNo, line, "expected label=\"value\"");
        }
        String key = line.substring(i, eq).strip();
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        while (true) {
          if (j >= line.length()) {
            throw bad(lineNo, line, "unterminated label value");
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\' && j + 1 < line.length()) {
            char n = line.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
          j++;
        }
        labels.put(key, v.toString());
        i = j + 1;
      }
    }
    String rest = line.substring(i).strip();
    int space = rest.indexOf(' ');
    String value = space < 0 ? rest : rest.substring(0, space); // a timestamp may follow
    try {
      return new Sample(name, labels, number(value));
    } catch (NumberFormatException e) {
      throw bad(lineNo, line, "bad value '" + value + "'");
    }
  }

  /** A sample value or an {@code le} bound: floats, {@code +Inf}, {@code -Inf}, {@code NaN}. */
  public static double number(String s) {
    return switch (s) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  private static IllegalArgumentException bad(int lineNo, String line, String why) {
    String shown = line.length() > 120 ? line.substring(0, 120) + "..." : line;
    return new IllegalArgumentException("line " + lineNo + ": " + why + ": " + shown);
  }
}
