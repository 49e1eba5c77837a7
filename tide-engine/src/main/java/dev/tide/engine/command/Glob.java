package dev.tide.engine.command;

/**
 * Glob-style matching with the rules of Redis's {@code stringmatchlen}, used by KEYS, SCAN MATCH,
 * HSCAN/SSCAN/ZSCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS and CONFIG GET: {@code *} any run,
 * {@code ?} one byte, {@code [abc]}, {@code [^abc]}, {@code [a-z]} classes, {@code \} escapes.
 *
 * <p>Iterative with backtracking to the last {@code *} only, so matching is O(pattern × string)
 * at worst and cannot blow the stack on hostile patterns.
 *
 * <p>Redis quirks kept on purpose, since clients see them: an empty string matches only the empty
 * pattern (so {@code **} does not match the key ""); in {@code [a-]} the {@code ]} is the end of
 * the range {@code a-]}, not the end of the class; an unterminated class runs to the end of the
 * pattern; bytes compare as C's signed {@code char}s in ranges, and case folding ({@code nocase})
 * is ASCII only, as in the C locale; an escaped byte inside a class compares case-sensitively.
 */
public final class Glob {

  private Glob() {
  }

  public static boolean matches(byte[] pattern, byte[] string) {
    return matches(pattern, string, false);
  }

  public static boolean matches(byte[] pattern, byte[] string, boolean nocase) {
    if (string.length == 0) {
      return pattern.length == 0; // stringmatchlen never enters its loop for an empty string
    }
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
            if (pattern[i] == c) {
              match = true;
            }
          } else if (i + 2 < pattern.length && pattern[i + 1] == '-') {
            // signed bytes, as C compares chars; the range end may be ']' ("[a-]")
            int start = pattern[i];
            int end = pattern[i + 2];
            int ch = c;
            if (start > end) {
              int t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
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
    return nocase && lower(a) == lower(b);
  }

  /** C's {@code tolower} in the C locale: ASCII letters only. */
  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }
}
