package dev.tide.cluster.controller;

import dev.tide.cluster.map.Member;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who a data directory belongs to, stored in {@code cluster.identity} as {@code key=value} lines:
 *
 * <pre>
 *   format=2
 *   name=n4                          the node's --node-id
 *   self=127.0.0.1:7104@17104        its client and bus addresses
 *   origin=bootstrap|join            how it entered the cluster
 *   bootstrap=...                    (origin=bootstrap) the --bootstrap list, --partitions, --replicas
 *   cluster=6f1c...                  the cluster id, once the controller has recorded the map
 * </pre>
 *
 * A node checks it at start and refuses, saying what to change, a directory written for another
 * node, another address or another cluster. It is what lets a joined node restart without
 * {@code --join}: the directory says which cluster it is in, and the cached map
 * ({@link MapSync#CACHE_FILE}) where the controllers are.
 */
public final class NodeIdentity {

  public static final String FILE_NAME = "cluster.identity";
  static final String FORMAT = "2";
  public static final String BOOTSTRAP = "bootstrap";
  public static final String JOIN = "join";

  private final String name;
  private final String self;
  private final String origin;
  private final String bootstrap;
  private final String clusterId;

  public NodeIdentity(String name, Member self, String origin, String bootstrap, String clusterId) {
    this(name, address(self), origin, bootstrap, clusterId);
  }

  private NodeIdentity(String name, String self, String origin, String bootstrap, String clusterId) {
    this.name = name;
    this.self = self;
    this.origin = origin;
    this.bootstrap = bootstrap == null ? "" : bootstrap;
    this.clusterId = clusterId == null ? "" : clusterId;
  }

  static String address(Member m) {
    return m.host() + ":" + m.port() + "@" + m.busPort();
  }

  public String name() {
    return name;
  }

  public String self() {
    return self;
  }

  public String origin() {
    return origin;
  }

  public String bootstrap() {
    return bootstrap;
  }

  public String clusterId() {
    return clusterId;
  }

  public NodeIdentity withClusterId(String id) {
    return new NodeIdentity(name, self, origin, bootstrap, id);
  }

  /** The stored identity of {@code dataDir}, or null when it has none. */
  public static NodeIdentity read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return null;
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        kv.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    if (!FORMAT.equals(kv.get("format"))) {
      throw new IOException("data directory " + dataDir + " was written by an older Tide (no format=" + FORMAT + " in "
          + file + "); start this node with an empty --data-dir");
    }
    String name = kv.get("name");
    String self = kv.get("self");
    String origin = kv.get("origin");
    if (name == null || self == null || (!BOOTSTRAP.equals(origin) && !JOIN.equals(origin))) {
      throw new IOException(file + " is damaged (name, self and origin are required); start this node with an "
          + "empty --data-dir");
    }
    return new NodeIdentity(name, self, origin, kv.get("bootstrap"), kv.get("cluster"));
  }

  /** Writes the identity atomically (temporary file, then rename). */
  public void write(Path dataDir) throws IOException {
    String text = "format=" + FORMAT + "\n"
        + "name=" + name + "\n"
        + "self=" + self + "\n"
        + "origin=" + origin + "\n"
        + (bootstrap.isEmpty() ? "" : "bootstrap=" + bootstrap + "\n")
        + (clusterId.isEmpty() ? "" : "cluster=" + clusterId + "\n");
    Path file = dataDir.resolve(FILE_NAME);
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public String toString() {
    return "node '" + name + "' at " + self + " (" + origin + (clusterId.isEmpty() ? "" : ", cluster " + clusterId)
        + ")";
  }
}
