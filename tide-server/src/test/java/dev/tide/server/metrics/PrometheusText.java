package dev.tide.server.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it rejects anything
 * the format does not allow, so that a broken exposition fails a test even where promtool is not
 * installed. Checked:
 * <ul>
 *   <li>line grammar: {@code # HELP name text}, {@code # TYPE name type}, other {@code #} comments,
 *       samples {@code name[{label="value",...}] value [timestamp]}, no blank lines inside;</li>
 *   <li>names and label names match the format's character sets; label values use only the
 *       escapes {@code \\ \" \n}; values are floats, {@code +Inf}, {@code -Inf} or {@code NaN};</li>
 *   <li>at most one HELP and TYPE per family, TYPE before the family's samples, a family's
 *       samples contiguous, no duplicate series, no repeated label name in a series;</li>
 *   <li>counters, summaries and histograms: sample names belong to the family (histograms:
 *       {@code _bucket _sum _count}), counter values are not negative;</li>
 *   <li>histograms: every series has an {@code le="+Inf"} bucket, buckets are cumulative
 *       (non-decreasing with {@code le}) and the {@code +Inf} bucket equals {@code _count}.</li>
 * </ul>
 */
final class PrometheusText {

  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {
  }

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  final List<Sample> samples = new ArrayList<>();
  final Map<String, String> types = new HashMap<>();

  private PrometheusText() {
  }

  /** Parses and validates; throws IllegalArgumentException naming the line on any violation. */
  static PrometheusText parse(String text) {
    PrometheusText out = new PrometheusText();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("exposition must end with a newline");
    }
    Set<String> helped = new HashSet<>();
    Set<String> finishedFamilies = new HashSet<>();
    Set<String> seriesSeen = new HashSet<>();
    String currentFamily = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + ": " + line;
      if (line.isEmpty()) {
        throw new IllegalArgumentException("blank line; " + where);
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String family = parts[2];
          requireName(family, where);
          if (parts[1].equals("HELP")) {
            if (!helped.add(family)) {
              throw new IllegalArgumentException("second HELP for " + family + "; " + where);
            }
            if (parts.length == 4) {
              checkHelpEscapes(parts[3], where);
            }
          } else {
            if (parts.length != 4 || !TYPES.contains(parts[3])) {
              throw new IllegalArgumentException("bad TYPE; " + where);
            }
            if (out.types.containsKey(family)) {
              throw new IllegalArgumentException("second TYPE for " + family + "; " + where);
            }
            if (finishedFamilies.contains(family) || family.equals(currentFamily)) {
              throw new IllegalArgumentException("TYPE after samples of " + family + "; " + where);
            }
            out.types.put(family, parts[3]);
          }
        }
        continue;
      }
      Sample s = parseSample(line, where);
      String family = out.familyOf(s.name());
      if (!family.equals(currentFamily)) {
        if (currentFamily != null) {
          finishedFamilies.add(currentFamily);
        }
        if (finishedFamilies.contains(family)) {
          throw new IllegalArgumentException("samples of " + family + " are not contiguous; " + where);
        }
        currentFamily = family;
      }
      String type = out.types.getOrDefault(family, "untyped");
      if (type.equals("counter") && s.value() < 0) {
        throw new IllegalArgumentException("negative counter; " + where);
      }
      if (type.equals("histogram") && !s.name().equals(family + "_bucket") && !s.name().equals(family + "_sum")
          && !s.name().equals(family + "_count")) {
        throw new IllegalArgumentException("histogram sample name must end in _bucket, _sum or _count; " + where);
      }
      if (type.equals("histogram") && s.name().endsWith("_bucket") && !s.labels().containsKey("le")) {
        throw new IllegalArgumentException("bucket without le; " + where);
      }
      if (!seriesSeen.add(s.name() + new TreeMap<>(s.labels()))) {
        throw new IllegalArgumentException("duplicate series; " + where);
      }
      out.samples.add(s);
    }
    out.checkHistograms();
    return out;
  }

  /** The family a sample belongs to: its TYPE'd name, allowing the suffixes of its type. */
  private String familyOf(String sampleName) {
    if (types.containsKey(sampleName)) {
      return sampleName;
    }
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || "summary".equals(type) && !suffix.equals("_bucket")) {
          return base;
        }
      }
    }
    return sampleName;
  }

  private static Sample parseSample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    requireName(name, where);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (i < line.length() && line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw new IllegalArgumentException("label without '='; " + where);
        }
        String labelName = line.substring(i, eq);
        if (!LABEL_NAME.matcher(labelName).matches() || labelName.startsWith("__")) {
          throw new IllegalArgumentException("bad label name '" + labelName + "'; " + where);
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted; " + where);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (true) {
          if (j >= line.length()) {
            throw new IllegalArgumentException("unterminated label value; " + where);
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char e = j + 1 < line.length() ? line.charAt(j + 1) : 0;
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException("bad escape in label value; " + where);
            }
            j += 2;
          } else {
            value.append(c);
            j++;
          }
        }
        if (labels.put(labelName, value.toString()) != null) {
          throw new IllegalArgumentException("repeated label " + labelName + "; " + where);
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        } else if (i >= line.length() || line.charAt(i) != '}') {
          throw new IllegalArgumentException("expected ',' or '}' after label; " + where);
        }
      }
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("expected one space before the value; " + where);
    }
    String[] rest = line.substring(i + 1).split(" ", -1);
    if (rest.length < 1 || rest.length > 2) {
      throw new IllegalArgumentException("expected 'value [timestamp]'; " + where);
    }
    double value = parseValue(rest[0], where);
    if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
      throw new IllegalArgumentException("bad timestamp; " + where);
    }
    return new Sample(name, labels, value);
  }

  private static double parseValue(String v, String where) {
    switch (v) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        if (!v.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
          throw new IllegalArgumentException("bad value '" + v + "'; " + where);
        }
        return Double.parseDouble(v);
    }
  }

  private static void requireName(String name, String where) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name '" + name + "'; " + where);
    }
  }

  private static void checkHelpEscapes(String help, String where) {
    Matcher m = Pattern.compile("\\\\(.)").matcher(help);
    while (m.find()) {
      if (!m.group(1).equals("\\") && !m.group(1).equals("n")) {
        throw new IllegalArgumentException("bad escape in HELP; " + where);
      }
    }
  }

  private void checkHistograms() {
    for (Map.Entry<String, String> t : types.entrySet()) {
      if (!t.getValue().equals("histogram")) {
        continue;
      }
      String family = t.getKey();
      Map<Map<String, String>, TreeMap<Double, Double>> buckets = new HashMap<>();
      Map<Map<String, String>, Double> counts = new HashMap<>();
      for (Sample s : samples) {
        Map<String, String> series = new TreeMap<>(s.labels());
        if (s.name().equals(family + "_bucket")) {
          double le = parseValue(series.remove("le"), family);
          buckets.computeIfAbsent(series, k -> new TreeMap<>()).put(le, s.value());
        } else if (s.name().equals(family + "_count")) {
          counts.put(series, s.value());
        }
      }
      for (Map.Entry<Map<String, String>, TreeMap<Double, Double>> b : buckets.entrySet()) {
        TreeMap<Double, Double> byLe = b.getValue();
        if (!byLe.containsKey(Double.POSITIVE_INFINITY)) {
          throw new IllegalArgumentException(family + b.getKey() + " has no +Inf bucket");
        }
        double previous = 0;
        for (double v : byLe.values()) {
          if (v < previous) {
            throw new IllegalArgumentException(family + b.getKey() + " buckets are not cumulative");
          }
          previous = v;
        }
        Double count = counts.get(b.getKey());
        if (count == null || count.doubleValue() != byLe.get(Double.POSITIVE_INFINITY)) {
          throw new IllegalArgumentException(family + b.getKey() + ": +Inf bucket differs from _count " + count);
        }
      }
    }
  }

  /** The value of the one sample with this name and exactly these labels, or null. */
  Double value(String name, String... labelPairs) {
    Map<String, String> want = new HashMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      want.put(labelPairs[i], labelPairs[i + 1]);
    }
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().equals(want)) {
        return s.value();
      }
    }
    return null;
  }

  /** Samples with this name, whatever their labels. */
  List<Sample> all(String name) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name().equals(name)) {
        out.add(s);
      }
    }
    return out;
  }
}
