package dev.tide.engine.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class GlobTest {

  /** Keys stored in redis-server 7.0.15 to record {@link #REDIS_KEYS_RESULTS}. */
  private static final List<String> KEYS = List.of("", "a", "b", "]", "^", "_", "-", "ab", "abc", "a*c", "a?c", "[x", "x]", "\\", "a\\", "aXc", "A", "hello", "hallo", "hxllo", "heeeello", "h", "\\x", "a-]", "Hello", "HELLO");

  /**
   * For each pattern, the keys of {@link #KEYS} that redis-server 7.0.15 returned for
   * {@code KEYS pattern} (recorded with redis-cli; the differential KEYS test re-checks the same
   * rules against a live redis-server). Tricky cases: "[a-]" is the range ']'..'a' in Redis, an
   * unterminated class eats the rest of the pattern, "**" does not match the empty key.
   */
  private static final List<Map.Entry<String, Set<String>>> REDIS_KEYS_RESULTS = List.of(
      Map.entry("**", Set.of("-", "A", "HELLO", "Hello", "[x", "\\", "\\x", "]", "^", "_", "a", "a*c", "a-]", "a?c", "aXc", "a\\", "ab", "abc", "b", "h", "hallo", "heeeello", "hello", "hxllo", "x]")),
      Map.entry("?", Set.of("-", "A", "\\", "]", "^", "_", "a", "b", "h")),
      Map.entry("[a-]", Set.of("]", "^", "_", "a")),
      Map.entry("[a-]*", Set.of("]", "^", "_", "a")),
      Map.entry("[]", Set.of()),
      Map.entry("[]a]", Set.of()),
      Map.entry("[^]a]", Set.of()),
      Map.entry("[^a]", Set.of("-", "A", "\\", "]", "^", "_", "b", "h")),
      Map.entry("[!a]", Set.of("a")),
      Map.entry("[a", Set.of("a")),
      Map.entry("[ab", Set.of("a", "b")),
      Map.entry("a[", Set.of()),
      Map.entry("\\", Set.of("\\")),
      Map.entry("\\\\", Set.of("\\")),
      Map.entry("a\\\\", Set.of("a\\")),
      Map.entry("[\\]]", Set.of("]")),
      Map.entry("[\\\\]", Set.of("\\")),
      Map.entry("[z-a]", Set.of("a", "b", "h")),
      Map.entry("[a-c]", Set.of("a", "b")),
      Map.entry("*c", Set.of("a*c", "a?c", "aXc", "abc")),
      Map.entry("a*c", Set.of("a*c", "a?c", "aXc", "abc")),
      Map.entry("a\\*c", Set.of("a*c")),
      Map.entry("a\\?c", Set.of("a?c")),
      Map.entry("h?llo", Set.of("hallo", "hello", "hxllo")),
      Map.entry("h*llo", Set.of("hallo", "heeeello", "hello", "hxllo")),
      Map.entry("h[^e]llo", Set.of("hallo", "hxllo")),
      Map.entry("h[a-b]llo", Set.of("hallo")),
      Map.entry("*[", Set.of()),
      Map.entry("[-]", Set.of("-")),
      Map.entry("[a-]]", Set.of("]", "^", "_", "a")),
      Map.entry("[]]", Set.of()),
      Map.entry("?*", Set.of("-", "A", "HELLO", "Hello", "[x", "\\", "\\x", "]", "^", "_", "a", "a*c", "a-]", "a?c", "aXc", "a\\", "ab", "abc", "b", "h", "hallo", "heeeello", "hello", "hxllo", "x]")),
      Map.entry("*?", Set.of("-", "A", "HELLO", "Hello", "[x", "\\", "\\x", "]", "^", "_", "a", "a*c", "a-]", "a?c", "aXc", "a\\", "ab", "abc", "b", "h", "hallo", "heeeello", "hello", "hxllo", "x]")),
      Map.entry("\\a", Set.of("a")),
      Map.entry("[^]", Set.of("-", "A", "\\", "]", "^", "_", "a", "b", "h")),
      Map.entry("[^", Set.of("-", "A", "\\", "]", "^", "_", "a", "b", "h")),
      Map.entry("*a*", Set.of("a", "a*c", "a-]", "a?c", "aXc", "a\\", "ab", "abc", "hallo")),
      Map.entry("*a*c*", Set.of("a*c", "a?c", "aXc", "abc")),
      Map.entry("a**c", Set.of("a*c", "a?c", "aXc", "abc")),
      Map.entry("h*l*o", Set.of("hallo", "heeeello", "hello", "hxllo")),
      Map.entry("*\\\\", Set.of("\\", "a\\")),
      Map.entry("[a-]b*", Set.of("]", "^", "_", "a", "b")),
      Map.entry("[A-Z]*", Set.of("A", "HELLO", "Hello")),
      Map.entry("h[a-z]llo", Set.of("hallo", "hello", "hxllo")),
      Map.entry("", Set.of("")));

  @Test
  void everyPatternSelectsExactlyTheKeysRedisSelects() {
    for (Map.Entry<String, Set<String>> e : REDIS_KEYS_RESULTS) {
      for (String key : KEYS) {
        boolean expected = e.getValue().contains(key);
        assertThat(Glob.matches(bytes(e.getKey()), bytes(key)))
            .as("pattern '%s' against key '%s'", e.getKey(), key)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void emptyStringMatchesOnlyTheEmptyPatternAsInStringmatchlen() {
    // KEYS * and SCAN MATCH * return the key "" through their match-all shortcut, not through Glob
    assertThat(Glob.matches(bytes("*"), bytes(""))).isFalse();
    assertThat(Glob.matches(bytes(""), bytes(""))).isTrue();
    assertThat(Glob.matches(bytes(""), bytes("a"))).isFalse();
  }

  @Test
  void nocaseFoldsAsciiOnlyAndNotEscapesInsideClasses() {
    assertThat(Glob.matches(bytes("HELLO"), bytes("hello"), true)).isTrue();
    assertThat(Glob.matches(bytes("HELLO"), bytes("hello"), false)).isFalse();
    assertThat(Glob.matches(bytes("h[A-Z]llo"), bytes("hEllo"), true)).isTrue();
    assertThat(Glob.matches(bytes("h[A-Z]llo"), bytes("hello"), true)).isTrue();
    assertThat(Glob.matches(bytes("h[A-Z]llo"), bytes("hello"), false)).isFalse();
    assertThat(Glob.matches(bytes("[\\H]ello"), bytes("hello"), true)).isFalse();
    assertThat(Glob.matches(bytes("[\\H]ello"), bytes("Hello"), true)).isTrue();
    assertThat(Glob.matches(bytes("\\H*"), bytes("hello"), true)).isTrue();
    // Latin-1 'À' (0xC0) and 'à' (0xE0) are different bytes in the C locale
    assertThat(Glob.matches(new byte[] {(byte) 0xC0}, new byte[] {(byte) 0xE0}, true)).isFalse();
  }

  @Test
  void rangesCompareBytesAsSignedCharsLikeC() {
    byte[] pattern = {'[', 'a', '-', (byte) 0xFF, ']'}; // C sees the range -1..97
    assertThat(Glob.matches(pattern, new byte[] {(byte) 0xFF})).isTrue();
    assertThat(Glob.matches(pattern, new byte[] {'0'})).isTrue();
    assertThat(Glob.matches(pattern, new byte[] {'a'})).isTrue();
    assertThat(Glob.matches(pattern, new byte[] {'b'})).isFalse();
    assertThat(Glob.matches(pattern, new byte[] {(byte) 0x80})).isFalse();
  }

  @Test
  void binarySafeWithNulBytes() {
    assertThat(Glob.matches(new byte[] {'a', 0, '*'}, new byte[] {'a', 0, 'z', 'z'})).isTrue();
    assertThat(Glob.matches(new byte[] {'a', '?', 'c'}, new byte[] {'a', 0, 'c'})).isTrue();
    assertThat(Glob.matches(new byte[] {'a', 0}, new byte[] {'a'})).isFalse();
  }

  @Test
  @Timeout(60)
  void hostileStarPatternsStayPolynomial() {
    // exponential for naive recursive matchers; linear backtracking to the last star here
    String pattern = "*a".repeat(30) + "*b";
    String subject = "a".repeat(20_000);
    assertThat(Glob.matches(bytes(pattern), bytes(subject))).isFalse();
    assertThat(Glob.matches(bytes(pattern), bytes(subject + "b"))).isTrue();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
