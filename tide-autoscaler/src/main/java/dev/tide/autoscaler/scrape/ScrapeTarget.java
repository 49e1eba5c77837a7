package dev.tide.autoscaler.scrape;

import java.net.URI;

/**
 * A node whose metrics are read: its name in the decision log and its {@code /metrics} address.
 *
 * @param nodeId      the node's name (e.g. {@code 127.0.0.1:9121} or a pod name)
 * @param metricsUri  {@code http://HOST:PORT/metrics}
 */
public record ScrapeTarget(String nodeId, URI metricsUri) {

  /** {@code HOST:PORT} of a node's metrics endpoint (as {@code --nodes} takes them). */
  public static ScrapeTarget parse(String hostPort) {
    String s = hostPort.strip();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("expected HOST:METRICSPORT, got '" + hostPort + "'");
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected HOST:METRICSPORT, got '" + hostPort + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535 in '" + hostPort + "'");
    }
    return new ScrapeTarget(s, URI.create("http://" + s + "/metrics"));
  }
}
