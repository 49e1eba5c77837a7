package dev.tide.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Inline argument splitting with the rules of Redis's {@code sdssplitargs}. */
class InlineSplitterTest {

  private static List<String> split(String line) {
    byte[][] args = InlineSplitter.split(line.getBytes(StandardCharsets.ISO_8859_1));
    return args == null ? null
        : Arrays.stream(args).map(a -> new String(a, StandardCharsets.ISO_8859_1)).toList();
  }

  @Test
  void spacesSeparateAndAnyCSpaceIsSkippedBetweenArguments() {
    assertThat(split("SET  k\tv")).containsExactly("SET", "k", "v");
    assertThat(split(" \t\u000b\f\r\n")).isEmpty();
    assertThat(split("")).isEmpty();
    // inside an unquoted word only space, tab, CR and LF end it
    assertThat(split("a\u000bb c\fd")).containsExactly("a\u000bb", "c\fd");
  }

  @Test
  void doubleQuotesUnderstandEscapes() {
    assertThat(split("\"a b\" \"\\n\\r\\t\\b\\a\\\\\\\"\\q\"")).containsExactly("a b", "\n\r\t\b\u0007\\\"q");
    assertThat(split("\"\\x41\\x7a\\xFF\\x4g\\x\"")).containsExactly("Az\u00ffx4gx");
    assertThat(split("\"\"")).containsExactly("");
  }

  @Test
  void singleQuotesUnderstandOnlyAnEscapedQuote() {
    assertThat(split("'it\\'s' 'a\\nb' 'x\\\\y'")).containsExactly("it's", "a\\nb", "x\\\\y");
    assertThat(split("'\\\\'")).as("the second backslash escapes the closing quote").isNull();
    assertThat(split("''")).containsExactly("");
  }

  @Test
  void aQuoteMayStartInsideAWordButAClosingQuoteMustEndIt() {
    assertThat(split("ab\"c d\"")).containsExactly("abc d");
    assertThat(split("\"a\" b")).containsExactly("a", "b");
    assertThat(split("\"a\"b")).isNull();
    assertThat(split("'a'b")).isNull();
    assertThat(split("\"a\"\"b\"")).isNull();
  }

  @Test
  void unterminatedQuotesAreUnbalanced() {
    assertThat(split("\"abc")).isNull();
    assertThat(split("'abc")).isNull();
    assertThat(split("\"abc\\")).isNull();
    assertThat(split("\"abc\\\"")).isNull();
    assertThat(split("'abc\\'")).isNull();
  }

  @Test
  void aNulEndsTheLineAsInACString() {
    assertThat(split("a b\0c d")).containsExactly("a", "b");
    assertThat(split("\"a\0b\"")).isNull();
  }

  @Test
  void agreesWithTheReferenceModelOnRandomLines() {
    java.util.Random random = new java.util.Random(99);
    byte[] alphabet = "ab \t\"'\\xnF0\r\n\u000b".getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < 20_000; i++) {
      byte[] line = new byte[random.nextInt(16)];
      for (int j = 0; j < line.length; j++) {
        line[j] = alphabet[random.nextInt(alphabet.length)];
      }
      String text = new String(line, StandardCharsets.ISO_8859_1);
      assertThat(split(text)).as("%s", text.replace("\r", "\\r").replace("\n", "\\n"))
          .isEqualTo(ReferenceParser.splitArgs(line));
    }
  }
}
