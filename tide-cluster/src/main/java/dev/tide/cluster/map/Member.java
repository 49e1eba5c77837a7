package dev.tide.cluster.map;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One node of the cluster as the map knows it: its Redis Cluster node id (40 hex characters, as
 * clients expect in CLUSTER NODES/SLOTS/SHARDS), the address clients reach it at, and the bus
 * address its Raft groups talk on.
 *
 * <p>Phase 1 derives the id from the bus address (SHA-1 of {@code host:busPort}), so every node
 * computes the same ids from the same bootstrap list without exchanging anything. The controller
 * group will assign and persist ids instead.
 */
public record Member(String id, String host, int port, int busPort) {

  public Member {
    if (port < 1 || port > 65535 || busPort < 1 || busPort > 65535) {
      throw new IllegalArgumentException("ports must be in 1..65535: " + host + ":" + port + "@" + busPort);
    }
  }

  /** Redis's convention when only the bus port is given: bus = client port + 10000. */
  public static final int BUS_PORT_OFFSET = 10000;

  /**
   * Parses one bootstrap entry: {@code HOST:PORT@BUS} (Redis's own notation in CLUSTER NODES) or
   * {@code HOST:BUS} (client port = BUS - 10000, Redis's convention).
   */
  public static Member parse(String entry) {
    String s = entry.trim();
    int at = s.indexOf('@');
    int colon = s.lastIndexOf(':', at < 0 ? s.length() : at);
    if (colon <= 0) {
      throw new IllegalArgumentException("bad member address '" + entry + "': expected HOST:PORT@BUS or HOST:BUS");
    }
    String host = s.substring(0, colon);
    try {
      if (at < 0) {
        int bus = Integer.parseInt(s.substring(colon + 1));
        return of(host, bus - BUS_PORT_OFFSET, bus);
      }
      int port = Integer.parseInt(s.substring(colon + 1, at));
      int bus = Integer.parseInt(s.substring(at + 1));
      return of(host, port, bus);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad member address '" + entry + "': ports must be numbers");
    }
  }

  public static Member of(String host, int port, int busPort) {
    return new Member(idFor(host, busPort), host, port, busPort);
  }

  /** The deterministic 40-hex node id of a bus address. */
  public static String idFor(String host, int busPort) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest((host + ":" + busPort).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  public String busAddress() {
    return host + ":" + busPort;
  }

  public String clientAddress() {
    return host + ":" + port;
  }
}
