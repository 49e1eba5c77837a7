package dev.tide.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent, deliberately plain model of Redis 7.0's request parsing, written the way
 * Redis's C code reads (a query buffer, a position, {@code strchr}-style searches that stop at NUL,
 * {@code string2ll}), for whole inputs. Tests compare the streaming decoder against it on random
 * input: any difference is a bug in one of the two.
 */
final class ReferenceParser {

  private static final int INLINE_MAX = 64 * 1024;

  private ReferenceParser() {
  }

  /** What the decoder should emit for {@code q} arriving whole (rendered as {@link DecoderHarness}). */
  static List<String> parse(byte[] q, boolean authenticated, long maxBulk) {
    List<String> out = new ArrayList<>();
    int pos = 0;
    while (pos < q.length) {
      if (q[pos] == '*') {
        int cr = strchr(q, pos, (byte) '\r');
        if (cr < 0) {
          if (q.length - pos > INLINE_MAX) {
            out.add("ERR Protocol error: too big mbulk count string");
          }
          return out;
        }
        if (cr + 1 >= q.length) {
          return out; // the byte after '\r' has not arrived
        }
        Long count = string2ll(q, pos + 1, cr);
        if (count == null || count > Integer.MAX_VALUE) {
          out.add("ERR Protocol error: invalid multibulk length");
          return out;
        }
        if (!authenticated && count > 10) {
          out.add("ERR Protocol error: unauthenticated multibulk length");
          return out;
        }
        pos = cr + 2;
        if (count <= 0) {
          continue;
        }
        StringBuilder request = new StringBuilder();
        for (long i = 0; i < count; i++) {
          if (pos >= q.length) {
            return out;
          }
          int lcr = strchr(q, pos, (byte) '\r');
          if (lcr < 0) {
            if (q.length - pos > INLINE_MAX) {
              out.add("ERR Protocol error: too big bulk count string");
            }
            return out;
          }
          if (lcr + 1 >= q.length) {
            return out;
          }
          if (q[pos] != '$') {
            out.add("ERR Protocol error: expected '$', got '" + (char) (q[pos] & 0xff) + "'");
            return out;
          }
          Long length = string2ll(q, pos + 1, lcr);
          if (length == null || length < 0 || length > maxBulk) {
            out.add("ERR Protocol error: invalid bulk length");
            return out;
          }
          if (!authenticated && length > 16384) {
            out.add("ERR Protocol error: unauthenticated bulk length");
            return out;
          }
          pos = lcr + 2;
          if (q.length - pos < length + 2) {
            return out;
          }
          request.append('<').append(new String(q, pos, (int) (long) length, StandardCharsets.ISO_8859_1))
              .append('>');
          pos += (int) (long) length + 2;
        }
        out.add(request.toString());
      } else {
        int nl = strchr(q, pos, (byte) '\n');
        if (nl < 0) {
          if (q.length - pos > INLINE_MAX) {
            out.add("ERR Protocol error: too big inline request");
          }
          return out;
        }
        int end = nl > pos && q[nl - 1] == '\r' ? nl - 1 : nl;
        byte[] line = java.util.Arrays.copyOfRange(q, pos, end);
        pos = nl + 1;
        List<String> args = splitArgs(line);
        if (args == null) {
          out.add("ERR Protocol error: unbalanced quotes in request");
          return out;
        }
        if (!args.isEmpty()) {
          StringBuilder request = new StringBuilder();
          for (String a : args) {
            request.append('<').append(a).append('>');
          }
          out.add(request.toString());
        }
      }
    }
    return out;
  }

  /** Index of {@code c} at or after {@code from}, or -1 if a NUL or the end comes first. */
  private static int strchr(byte[] q, int from, byte c) {
    for (int i = from; i < q.length; i++) {
      if (q[i] == c) {
        return i;
      }
      if (q[i] == 0) {
        return -1;
      }
    }
    return -1;
  }

  /** Redis's string2ll on {@code q[from, to)}: null when it is not a valid number. */
  private static Long string2ll(byte[] q, int from, int to) {
    String s = new String(q, from, to - from, StandardCharsets.ISO_8859_1);
    if (s.isEmpty() || s.length() >= 21) {
      return null;
    }
    if (s.equals("0")) {
      return 0L;
    }
    if (!s.matches("-?[1-9][0-9]*")) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** sdssplitargs over a C string (a NUL ends it), returning ISO-8859-1 strings, null if unbalanced. */
  static List<String> splitArgs(byte[] line) {
    StringBuilder c = new StringBuilder();
    for (byte b : line) {
      if (b == 0) {
        break;
      }
      c.append((char) (b & 0xff));
    }
    String s = c.toString();
    List<String> args = new ArrayList<>();
    int p = 0;
    while (true) {
      while (p < s.length() && " \n\r\t\u000b\f".indexOf(s.charAt(p)) >= 0) {
        p++;
      }
      if (p >= s.length()) {
        return args;
      }
      StringBuilder cur = new StringBuilder();
      boolean inq = false;
      boolean insq = false;
      boolean done = false;
      while (!done) {
        char ch = p < s.length() ? s.charAt(p) : 0;
        char next = p + 1 < s.length() ? s.charAt(p + 1) : 0;
        if (inq) {
          if (ch == '\\' && next == 'x' && p + 3 < s.length() && isHex(s.charAt(p + 2)) && isHex(s.charAt(p + 3))) {
            cur.append((char) Integer.parseInt(s.substring(p + 2, p + 4), 16));
            p += 3;
          } else if (ch == '\\' && next != 0) {
            p++;
            char e = s.charAt(p);
            cur.append(switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> (char) 7;
              default -> e;
            });
          } else if (ch == '"') {
            if (next != 0 && " \n\r\t\u000b\f".indexOf(next) < 0) {
              return null;
            }
            done = true;
          } else if (ch == 0) {
            return null;
          } else {
            cur.append(ch);
          }
        } else if (insq) {
          if (ch == '\\' && next == '\'') {
            p++;
            cur.append('\'');
          } else if (ch == '\'') {
            if (next != 0 && " \n\r\t\u000b\f".indexOf(next) < 0) {
              return null;
            }
            done = true;
          } else if (ch == 0) {
            return null;
          } else {
            cur.append(ch);
          }
        } else {
          switch (ch) {
            case ' ', '\n', '\r', '\t', 0 -> done = true;
            case '"' -> inq = true;
            case '\'' -> insq = true;
            default -> cur.append(ch);
          }
        }
        if (p < s.length()) {
          p++;
        }
      }
      args.add(cur.toString());
    }
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
