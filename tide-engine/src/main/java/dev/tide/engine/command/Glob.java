package dev.tide.engine.command;

/**
 * Glob-style matching with the rules of Redis's {@code stringmatchlen}, used by KEYS, SCAN MATCH,
 * HSCAN/SSCAN/ZSCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS and CONFIG GET: {@code *} any run,
 * {@code ?} one byte, {@code [abc]}, {@code [^abc]}, {@code [a-z]} classes, {@code \} escapes.
 *
 * <p>Iterative with backtracking to the last {@code *} only, so matching is O(pattern × string)
 * at worst and cannot blow the stack on hostile patterns.
 */
public final class Glob {

  private Glob() {
  }

  public static boolean matches(byte[] pattern, byte[] string) {
    return matches(pattern, string, false);
  }

  public static boolean matches(byte[] pattern, byte[] string, boolean nocase) {
    int p = 0;
    int s = 0;
    int starP = -1;
    int starS = -1;
    while (s < string.length) {
      if (p < pattern.length) {
        byte pc = pattern[p];
        if (pc == '*') {
          while (p < pattern.length && pattern[p] == '*') {
            p++;
          }
          if (p == pattern.length) {
            return true;
          }
          starP = p;
          starS = s;
          continue;
        }
        int consumed = matchOne(pattern, p, string[s], nocase);
        if (consumed > 0) {
          p += consumed;
          s++;
          continue;
        }
      }
      if (starP >= 0) {
        p = starP;
        s = ++starS;
        continue;
      }
      return false;
    }
    while (p < pattern.length && pattern[p] == '*') {
      p++;
    }
    return p == pattern.length;
  }

  /** Bytes of pattern consumed when the element at {@code p} matches {@code c}, else 0. */
  private static int matchOne(byte[] pattern, int p, byte c, boolean nocase) {
    byte pc = pattern[p];
    switch (pc) {
      case '?':
        return 1;
      case '\\':
        if (p + 1 < pattern.length) {
          return eq(pattern[p + 1], c, nocase) ? 2 : 0;
        }
        return eq(pc, c, nocase) ? 1 : 0;
      case '[': {
        int i = p + 1;
        boolean not = i < pattern.length && pattern[i] == '^';
        if (not) {
          i++;
        }
        boolean match = false;
        while (i < pattern.length && pattern[i] != ']') {
          if (pattern[i] == '\\' && i + 1 < pattern.length) {
            i++;
            if (eq(pattern[i], c, nocase)) {
              match = true;
            }
          } else if (i + 2 < pattern.length && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            int start = pattern[i] & 0xff;
            int end = pattern[i + 2] & 0xff;
            int ch = c & 0xff;
            if (start > end) {
              int t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = Character.toLowerCase(start);
              end = Character.toLowerCase(end);
              ch = Character.toLowerCase(ch);
            }
            if (ch >= start && ch <= end) {
              match = true;
            }
            i += 2;
          } else if (eq(pattern[i], c, nocase)) {
            match = true;
          }
          i++;
        }
        // Redis treats a missing ']' as the end of the class
        int consumed = (i < pattern.length ? i + 1 : i) - p;
        if (not) {
          match = !match;
        }
        return match ? consumed : 0;
      }
      default:
        return eq(pc, c, nocase) ? 1 : 0;
    }
  }

  private static boolean eq(byte a, byte b, boolean nocase) {
    if (a == b) {
      return true;
    }
    return nocase && Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff);
  }
}
