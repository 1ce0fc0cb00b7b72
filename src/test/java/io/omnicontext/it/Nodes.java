package io.omnicontext.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three server processes of the packaged jar on one Redis (started by bin/test), shared by every IT
 * of the run: "several processes pointed at the same Redis are one service". Each IT works on its own
 * random tenant, so nothing needs cleaning and test order does not matter. {@link #cluster()} gives three
 * more on the local Redis Cluster, for the Cluster*IT classes.
 */
final class Nodes {
  static final String SECRET = env("OMNICONTEXT_JWT_SECRET", "omnicontext-test-secret-0123456789abcdef");
  static final String REDIS = "redis://127.0.0.1:" + env("REDIS_PORT", "56379") + "/2";
  static final String POSTGRES = "postgresql://127.0.0.1:" + env("PG_PORT", "55432") + "/omnicontext_test";
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  /** Seeds of the local Redis Cluster (bin/infra, REDIS_CLUSTER_PORTS): all six, so any one of them alive is enough. */
  static final String CLUSTER_HOSTS = Infra.CLUSTER_PORTS.stream().map(p -> "redis://127.0.0.1:" + p)
      .collect(java.util.stream.Collectors.joining(","));
  /** A node on the cluster (only db 0 there), acknowledging writes once PostgreSQL has them (the default, said aloud). */
  private static final java.util.Map<String, String> ON_CLUSTER = java.util.Map.of("QUARKUS_REDIS_CLIENT_TYPE", "cluster",
      "QUARKUS_REDIS_HOSTS", CLUSTER_HOSTS, "OMNICONTEXT_JOURNAL_DURABILITY", "journal");
  private static List<Node> started;
  private static List<Node> onCluster;
  private static final java.util.Map<String, String> RELAXED_LIMITS = java.util.Map.of(
      "OMNICONTEXT_LIMITS_WS_MESSAGES_PER_SECOND", "100000", "OMNICONTEXT_LIMITS_WS_MESSAGE_BURST", "100000",
      "OMNICONTEXT_LIMITS_WS_TOKEN_MESSAGES_PER_SECOND", "100000", "OMNICONTEXT_LIMITS_WS_TOKEN_MESSAGE_BURST", "100000",
      "OMNICONTEXT_LIMITS_REST_CUSTOMER_WRITES_PER_SECOND", "100000", "OMNICONTEXT_LIMITS_REST_CUSTOMER_WRITE_BURST", "100000",
      "OMNICONTEXT_LIMITS_REST_STAFF_WRITES_PER_SECOND", "100000", "OMNICONTEXT_LIMITS_REST_STAFF_WRITE_BURST", "100000");

  private Nodes() {}

  /** A running server process and its base URL. */
  record Node(String name, Process process, URI base) {}

  /** The three nodes, started once per test JVM and stopped when it exits. */
  static synchronized List<Node> all() {
    if (started == null) {
      List<Node> nodes = new ArrayList<>();
      for (int i = 1; i <= 3; i++) nodes.add(start("node" + i));
      for (Node n : nodes) awaitReady(n);
      started = List.copyOf(nodes);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(n -> n.process().destroy())));
    }
    return started;
  }

  /** Three nodes on the local Redis Cluster instead, started once per test JVM (by the first Cluster*IT) and stopped when it exits. */
  static synchronized List<Node> cluster() {
    if (onCluster == null) {
      List<Node> nodes = new ArrayList<>();
      for (int i = 1; i <= 3; i++) nodes.add(start("cluster-node" + i, ON_CLUSTER));
      for (Node n : nodes) awaitReady(n);
      onCluster = List.copyOf(nodes);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> onCluster.forEach(n -> n.process().destroy())));
    }
    return onCluster;
  }

  static Node one() { return all().get(0); }
  static Node two() { return all().get(1); }
  static Node three() { return all().get(2); }

  /** A node of its own for a fault test, with extra environment (durability mode, leases); the test stops or kills it. */
  static Node startExtra(String name, java.util.Map<String, String> env) {
    Node n = start(name, env);
    awaitReady(n);
    return n;
  }

  /** {@link #startExtra} on the cluster. */
  static Node startExtraOnCluster(String name, java.util.Map<String, String> env) {
    java.util.Map<String, String> all = new java.util.HashMap<>(ON_CLUSTER);
    all.putAll(env);
    return startExtra("cluster-" + name, all);
  }

  private static Node start(String name) { return start(name, java.util.Map.of()); }

  private static Node start(String name, java.util.Map<String, String> env) {
    if (!Files.exists(JAR)) throw new IllegalStateException(JAR + " is missing: ITs run after `package` (./mvnw verify)");
    try {
      int port = freePort();
      File log = Path.of("target", "it-" + name + ".log").toFile();
      ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx256m", "-jar", JAR.toString())
          .redirectErrorStream(true).redirectOutput(log);
      pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
      pb.environment().put("QUARKUS_REDIS_HOSTS", REDIS);
      pb.environment().put("OMNICONTEXT_JWT_SECRET", SECRET);
      pb.environment().put("QUARKUS_DATASOURCE_REACTIVE_URL", POSTGRES);
      pb.environment().put("QUARKUS_DATASOURCE_PASSWORD", env("QUARKUS_DATASOURCE_PASSWORD", "omnicontext")); // prod requires it
      // The shared nodes take floods by design (the battery, the stories' bursts): abuse rate limits have a node
      // and a test of their own (AbuseLimitsIT), so here they are out of the way; a test's own node may set them.
      RELAXED_LIMITS.forEach(pb.environment()::put);
      pb.environment().putAll(env);
      return new Node(name, pb.start(), URI.create("http://127.0.0.1:" + port));
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + name, e);
    }
  }

  static void awaitReady(Node n) {
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
      if (!n.process().isAlive()) throw new IllegalStateException(n.name() + " exited; see target/it-" + n.name() + ".log");
      try {
        return http.send(HttpRequest.newBuilder(n.base().resolve("/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException notListeningYet) {
        return false;
      }
    });
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String javaBin() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
