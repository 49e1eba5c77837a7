package dev.tide.server.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict exposition parser accepts the format and rejects each kind of violation it checks. */
class PrometheusTextTest {

  private static final String GOOD = """
      # HELP a_total Things.
      # TYPE a_total counter
      a_total{k="x\\\\y\\"z\\n"} 3.0
      a_total{k="w"} 1
      # TYPE h_seconds histogram
      h_seconds_bucket{le="0.1"} 1
      h_seconds_bucket{le="+Inf"} 2
      h_seconds_count 2
      h_seconds_sum 0.5
      # TYPE g gauge
      g NaN
      g{x="1"} -1.5e-3 1700000000000
      """;

  @Test
  void acceptsAWellFormedExposition() {
    PrometheusText p = PrometheusText.parse(GOOD);
    assertThat(p.value("a_total", "k", "x\\y\"z\n")).isEqualTo(3.0);
    assertThat(p.value("h_seconds_count")).isEqualTo(2.0);
    assertThat(p.value("g", "x", "1")).isEqualTo(-0.0015);
    assertThat(p.types).containsEntry("h_seconds", "histogram");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "1bad 1\n",                                             // name starts with a digit
      "a{k=\"v\"} one\n",                                     // value not a number
      "a{k=v} 1\n",                                           // unquoted label value
      "a{k=\"v\\t\"} 1\n",                                    // escape the format does not have
      "a{k=\"v\",k=\"w\"} 1\n",                               // repeated label
      "a 1\na 2\n",                                           // duplicate series
      "a 1\nb 1\na{x=\"1\"} 1\n",                             // family not contiguous
      "a 1\n# TYPE a gauge\n",                                // TYPE after samples
      "# TYPE a gauge\n# TYPE a gauge\na 1\n",                // two TYPEs
      "# TYPE a thing\na 1\n",                                // unknown type
      "# TYPE c_total counter\nc_total -1\n",                 // negative counter
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", // not cumulative
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n",                        // no +Inf
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n",                     // +Inf != count
      "a 1\n\nb 1\n",                                         // blank line
      "a  1\n",                                               // two spaces
      "a 1",                                                  // no final newline
  })
  void rejectsViolations(String text) {
    assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
