package dev.tide.lab.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of history files: an encoder and a strict parser for the JSON-shaped values of an
 * {@link Op} ({@code null}, booleans, integers as {@code Long}, other numbers as {@code Double},
 * strings, lists, objects as insertion-ordered maps). Written here because the lab has no JSON
 * library and needs only this much.
 */
public final class JsonLines {

  /** Deepest nesting accepted when parsing: history values nest 3 levels; this stops runaway input. */
  static final int MAX_DEPTH = 64;

  private JsonLines() {
  }

  public static String encode(Object v) {
    StringBuilder sb = new StringBuilder();
    encode(sb, v);
    return sb.toString();
  }

  static void encode(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
      sb.append(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        encode(sb, list.get(i));
      }
      sb.append(']');
    } else if (v instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(':');
        encode(sb, e.getValue());
      }
      sb.append('}');
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass().getSimpleName() + " as JSON");
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Parses one JSON value; the whole text must be consumed. */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.i != text.length()) {
      throw p.error("trailing characters");
    }
    return v;
  }

  /** An op as one JSON object (one line of a history file). */
  public static String encode(Op op) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", op.id());
    m.put("process", (long) op.process());
    m.put("workload", op.workload());
    m.put("f", op.f());
    m.put("key", op.key());
    m.put("value", op.value());
    m.put("result", op.result());
    m.put("invokeNs", op.invokeNs());
    m.put("completeNs", op.completeNs());
    m.put("outcome", op.outcome().json());
    m.put("error", op.error());
    return encode(m);
  }

  /** The op of one history line; missing optional fields are null. */
  public static Op decodeOp(String line) {
    if (!(parse(line) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("a history line must be a JSON object: " + abbreviate(line));
    }
    try {
      return new Op(num(m, "id"), (int) num(m, "process"), str(m, "workload", true), str(m, "f", true),
          str(m, "key", false), m.get("value"), m.get("result"), num(m, "invokeNs"), num(m, "completeNs"),
          Outcome.parse(str(m, "outcome", true)), str(m, "error", false));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("bad field type in history line: " + abbreviate(line), e);
    }
  }

  private static long num(Map<?, ?> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("history line needs an integer '" + k + "', got " + v);
    }
    return l;
  }

  private static String str(Map<?, ?> m, String k, boolean required) {
    Object v = m.get(k);
    if (v == null && !required) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("history line needs a string '" + k + "', got " + v);
    }
    return s;
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static final class Parser {
    final String s;
    int i;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("bad JSON at " + i + ": " + what + " in " + abbreviate(s));
    }

    void ws() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
        i++;
      }
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nested deeper than " + MAX_DEPTH);
      }
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (peek('}')) {
            i++;
            return m;
          }
          while (true) {
            ws();
            if (!peek('"')) {
              throw error("expected a key");
            }
            String k = string();
            ws();
            expect(':');
            ws();
            m.put(k, value(depth + 1));
            ws();
            if (peek(',')) {
              i++;
              continue;
            }
            expect('}');
            return m;
          }
        }
        case '[' -> {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (peek(']')) {
            i++;
            return l;
          }
          while (true) {
            ws();
            l.add(value(depth + 1));
            ws();
            if (peek(',')) {
              i++;
              continue;
            }
            expect(']');
            return l;
          }
        }
        case '"' -> {
          return string();
        }
        case 't' -> {
          word("true");
          return Boolean.TRUE;
        }
        case 'f' -> {
          word("false");
          return Boolean.FALSE;
        }
        case 'n' -> {
          word("null");
          return null;
        }
        default -> {
          return number();
        }
      }
    }

    boolean peek(char c) {
      return i < s.length() && s.charAt(i) == c;
    }

    void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
      i++;
    }

    void word(String w) {
      if (!s.startsWith(w, i)) {
        throw error("expected " + w);
      }
      i += w.length();
    }

    String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return sb.toString();
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (i >= s.length()) {
          throw error("unterminated escape");
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("short \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            i += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    Object number() {
      int start = i;
      if (peek('-')) {
        i++;
      }
      boolean integral = true;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c >= '0' && c <= '9') {
          i++;
        } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
          integral = false;
          i++;
        } else {
          break;
        }
      }
      String n = s.substring(start, i);
      if (n.isEmpty() || n.equals("-")) {
        throw error("expected a value");
      }
      try {
        return integral ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
      } catch (NumberFormatException e) {
        throw error("bad number '" + n + "'");
      }
    }
  }
}
