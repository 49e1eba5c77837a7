package dev.tide.lab.targets;

import dev.tide.lab.driver.Driver;
import dev.tide.lab.driver.EtcdDriver;
import dev.tide.lab.resp.ClientIo;
import dev.tide.lab.safety.TargetGuard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A 3-member etcd cluster (Debian's {@code etcd-server}) on loopback with etcd's defaults (fsync
 * on every commit, linearizable reads): the consensus-replicated peer Tide is compared with.
 */
public final class EtcdTarget implements Target {

  /** Members started: the smallest cluster that survives a failure. */
  public static final int MEMBERS = 3;
  /** Time the members get to elect a leader and report healthy. */
  static final long HEALTHY_TIMEOUT_MS = 60_000;

  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> clientPorts = new ArrayList<>();
  private final Path dir;
  private String version = "etcd";

  private EtcdTarget(Path dir) {
    this.dir = dir;
  }

  public static EtcdTarget start() {
    Path bin = Processes.ensureBinary("etcd", "etcd-server");
    Path dir = Processes.tempDir("lab-etcd");
    EtcdTarget t = new EtcdTarget(dir);
    try {
      String v = Processes.run(10_000, bin.toString(), "--version");
      t.version = v.lines().findFirst().orElse("etcd").replace("etcd Version: ", "etcd ");
      int[] peer = new int[MEMBERS];
      int[] client = new int[MEMBERS];
      StringBuilder initial = new StringBuilder();
      for (int i = 0; i < MEMBERS; i++) {
        peer[i] = Processes.freePort();
        client[i] = Processes.freePort();
        initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(peer[i]);
      }
      String token = "lab-" + UUID.randomUUID();
      for (int i = 0; i < MEMBERS; i++) {
        Path d = dir.resolve("m" + i);
        d.toFile().mkdirs();
        String clientUrl = "http://127.0.0.1:" + client[i];
        String peerUrl = "http://127.0.0.1:" + peer[i];
        Process p = Processes.start(List.of(bin.toString(), "--name", "m" + i, "--data-dir", d.resolve("data").toString(),
            "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", initial.toString(), "--initial-cluster-token", token,
            "--initial-cluster-state", "new", "--logger", "zap", "--log-outputs", "stderr"), d, "etcd.log");
        t.processes.add(p);
        t.clientPorts.add(client[i]);
      }
      for (int i = 0; i < MEMBERS; i++) {
        Processes.awaitPort(t.processes.get(i), client[i], "etcd member m" + i, dir.resolve("m" + i + "/etcd.log"));
      }
      t.awaitHealthy();
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  private void awaitHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HEALTHY_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (int port : clientPorts) {
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200 || !r.body().contains("\"health\":\"true\"")) {
            all = false;
          }
        } catch (Exception e) {
          all = false;
        }
      }
      if (all) {
        return;
      }
      Processes.sleep(200);
    }
    throw new IllegalStateException("etcd cluster not healthy within " + HEALTHY_TIMEOUT_MS + " ms: "
        + Processes.tail(dir.resolve("m0/etcd.log")));
  }

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public String description() {
    return version + ", " + MEMBERS + " members, defaults (fsync, linearizable reads), client jetcd (gRPC)";
  }

  @Override
  public Driver connect(ClientIo io, TargetGuard guard, int lanes, long timeoutNs) {
    List<String> endpoints = new ArrayList<>();
    for (int p : clientPorts) {
      endpoints.add("127.0.0.1:" + p);
    }
    return new EtcdDriver(guard, endpoints, lanes, timeoutNs);
  }

  @Override
  public int port() {
    return clientPorts.get(0);
  }

  @Override
  public boolean speaksResp() {
    return false;
  }

  @Override
  public List<Long> pids() {
    return processes.stream().map(Process::pid).toList();
  }

  @Override
  public void close() {
    for (Process p : processes) {
      Processes.stop(p);
    }
    Processes.deleteTree(dir);
  }
}
