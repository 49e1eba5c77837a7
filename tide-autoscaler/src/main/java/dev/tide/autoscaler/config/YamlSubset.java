package dev.tide.autoscaler.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict parser for the YAML subset {@code tide-autoscaler.yaml} uses:
 * <ul>
 *   <li>block mappings {@code key: value} and {@code key:} followed by a more indented block;
 *       keys are identifiers ({@code [A-Za-z][A-Za-z0-9_]*}), unique within their mapping;</li>
 *   <li>block sequences {@code - item}, whose items are scalars or mappings
 *       ({@code - at: "0 8 * * *"} followed by the item's other keys aligned with {@code at});</li>
 *   <li>scalars: plain ({@code 60s}, {@code 0.7}, {@code true}) or quoted with {@code "..."}
 *       (escapes {@code \"} and {@code \\}) or {@code '...'};</li>
 *   <li>comments from {@code #} (at line start or after a space) to the end of the line;
 *       indentation by spaces only.</li>
 * </ul>
 * Anything else (flow {@code {}}/{@code []} collections, anchors, tags, multi-line scalars,
 * multiple documents, tabs) is rejected with the line number, rather than half understood.
 * Limits: {@link #MAX_LINES} lines and {@link #MAX_DEPTH} levels of nesting.
 */
public final class YamlSubset {

  /** A config file is a few dozen lines; this bounds work on a wrong file. */
  public static final int MAX_LINES = 10_000;
  /** Nesting deeper than this is certainly not an autoscaler config. */
  public static final int MAX_DEPTH = 16;
  private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  /** A parsed node. */
  public sealed interface Node permits Scalar, MapNode, ListNode {
    int line();
  }

  /** A scalar, as text. */
  public record Scalar(String text, int line) implements Node {
  }

  /** A mapping, in file order. */
  public record MapNode(Map<String, Node> entries, Map<String, Integer> keyLines, int line) implements Node {
  }

  /** A sequence. */
  public record ListNode(List<Node> items, int line) implements Node {
  }

  private static final class Line {
    int indent;
    String text;
    final int number;

    Line(int indent, String text, int number) {
      this.indent = indent;
      this.text = text;
      this.number = number;
    }
  }

  private final String file;
  private final List<Line> lines = new ArrayList<>();
  private int pos;

  private YamlSubset(String file) {
    this.file = file;
  }

  /** Parses {@code text}; the top level must be a mapping (an empty file is an empty mapping). */
  public static MapNode parse(String text, String file) {
    YamlSubset p = new YamlSubset(file);
    p.split(text);
    if (p.lines.isEmpty()) {
      return new MapNode(new LinkedHashMap<>(), new LinkedHashMap<>(), 1);
    }
    Line first = p.lines.get(0);
    if (first.indent != 0) {
      throw p.error(first.number, "the first line must not be indented");
    }
    Node root = p.block(0, 0);
    if (p.pos < p.lines.size()) {
      throw p.error(p.lines.get(p.pos).number, "unexpected indentation");
    }
    if (!(root instanceof MapNode m)) {
      throw p.error(1, "the top level must be a mapping of key: value lines");
    }
    return m;
  }

  private void split(String text) {
    String[] raw = text.split("\r?\n", -1);
    if (raw.length > MAX_LINES) {
      throw error(MAX_LINES, "more than " + MAX_LINES + " lines");
    }
    for (int i = 0; i < raw.length; i++) {
      String s = raw[i];
      int n = i + 1;
      if (s.startsWith("---") || s.startsWith("...")) {
        throw error(n, "multiple documents are not supported");
      }
      int indent = 0;
      while (indent < s.length() && s.charAt(indent) == ' ') {
        indent++;
      }
      if (indent < s.length() && s.charAt(indent) == '\t') {
        throw error(n, "tabs are not allowed for indentation; use spaces");
      }
      String content = stripComment(s.substring(indent), n).stripTrailing();
      if (content.isEmpty()) {
        continue;
      }
      lines.add(new Line(indent, content, n));
    }
  }

  private String stripComment(String s, int n) {
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || s.charAt(i - 1) == ' ')) {
        return s.substring(0, i);
      }
    }
    return s;
  }

  private Node block(int indent, int depth) {
    if (depth > MAX_DEPTH) {
      throw error(lines.get(pos).number, "nesting deeper than " + MAX_DEPTH + " levels");
    }
    Line l = lines.get(pos);
    return isItem(l.text) ? list(indent, depth) : map(indent, depth);
  }

  private static boolean isItem(String text) {
    return text.equals("-") || text.startsWith("- ");
  }

  private MapNode map(int indent, int depth) {
    Map<String, Node> entries = new LinkedHashMap<>();
    Map<String, Integer> keyLines = new LinkedHashMap<>();
    int startLine = lines.get(pos).number;
    while (pos < lines.size()) {
      Line l = lines.get(pos);
      if (l.indent < indent) {
        break;
      }
      if (l.indent > indent) {
        throw error(l.number, "unexpected indentation");
      }
      if (isItem(l.text)) {
        throw error(l.number, "a list item where a 'key: value' line was expected");
      }
      int colon = keyColon(l.text);
      if (colon < 0) {
        throw error(l.number, "expected 'key: value', got '" + l.text + "'");
      }
      String key = l.text.substring(0, colon);
      if (!KEY.matcher(key).matches()) {
        throw error(l.number, "bad key '" + key + "' (letters, digits and _ only)");
      }
      if (entries.containsKey(key)) {
        throw error(l.number, "duplicate key '" + key + "' (first on line " + keyLines.get(key) + ")");
      }
      String rest = l.text.substring(colon + 1).strip();
      pos++;
      Node value;
      if (rest.isEmpty()) {
        if (pos < lines.size() && lines.get(pos).indent > indent) {
          value = block(lines.get(pos).indent, depth + 1);
        } else if (pos < lines.size() && lines.get(pos).indent == indent && isItem(lines.get(pos).text)) {
          value = list(indent, depth + 1); // "key:" then "- item" at the same indentation, as YAML allows
        } else {
          throw error(l.number, "'" + key + "' has no value");
        }
      } else {
        value = scalar(rest, l.number);
      }
      entries.put(key, value);
      keyLines.put(key, l.number);
    }
    return new MapNode(entries, keyLines, startLine);
  }

  private ListNode list(int indent, int depth) {
    List<Node> items = new ArrayList<>();
    int startLine = lines.get(pos).number;
    while (pos < lines.size()) {
      Line l = lines.get(pos);
      if (l.indent < indent || (l.indent == indent && !isItem(l.text))) {
        break;
      }
      if (l.indent > indent) {
        throw error(l.number, "unexpected indentation");
      }
      String rest = l.text.equals("-") ? "" : l.text.substring(2);
      int inner = rest.length() - rest.stripLeading().length();
      rest = rest.strip();
      if (rest.isEmpty()) {
        pos++;
        if (pos >= lines.size() || lines.get(pos).indent <= indent) {
          throw error(l.number, "empty list item");
        }
        items.add(block(lines.get(pos).indent, depth + 1));
      } else if (keyColon(rest) >= 0 || isItem(rest)) {
        // "- key: value": the item is a mapping (or list) starting at the column after "- ".
        l.indent = indent + 2 + inner;
        l.text = rest;
        items.add(block(l.indent, depth + 1));
      } else {
        pos++;
        items.add(scalar(rest, l.number));
      }
    }
    return new ListNode(items, startLine);
  }

  /** Index of the ':' ending a key (followed by a space or the end of the line), or -1. */
  private static int keyColon(String text) {
    if (text.startsWith("\"") || text.startsWith("'")) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
        return i;
      }
      if (c == ' ') {
        return -1;
      }
    }
    return -1;
  }

  private Scalar scalar(String s, int n) {
    char c = s.charAt(0);
    if (c == '"') {
      StringBuilder sb = new StringBuilder();
      int i = 1;
      for (; i < s.length() && s.charAt(i) != '"'; i++) {
        char ch = s.charAt(i);
        if (ch == '\\' && i + 1 < s.length()) {
          char e = s.charAt(++i);
          if (e != '"' && e != '\\') {
            throw error(n, "unsupported escape \\" + e + " (only \\\" and \\\\)");
          }
          sb.append(e);
        } else {
          sb.append(ch);
        }
      }
      if (i != s.length() - 1) {
        throw error(n, "unterminated or trailing text after quoted string: " + s);
      }
      return new Scalar(sb.toString(), n);
    }
    if (c == '\'') {
      if (s.length() < 2 || s.charAt(s.length() - 1) != '\'' || s.substring(1, s.length() - 1).contains("'")) {
        throw error(n, "bad single-quoted string: " + s);
      }
      return new Scalar(s.substring(1, s.length() - 1), n);
    }
    if ("{[&*!|>%@`".indexOf(c) >= 0) {
      throw error(n, "'" + c + "' starts YAML syntax this file does not support (flow collections, anchors, tags,"
          + " block scalars); write nested blocks or quote the value");
    }
    if (s.contains(": ")) {
      throw error(n, "a plain value must not contain ': ' (quote it): " + s);
    }
    return new Scalar(s, n);
  }

  private ConfigException error(int line, String message) {
    return new ConfigException(file + ":" + line + ": " + message);
  }
}
