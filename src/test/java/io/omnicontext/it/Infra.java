package io.omnicontext.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The fault tests' hands on the real servers bin/infra started: kill, stop, wipe, restart. */
final class Infra {
  private static final Path DIR = Path.of(env("INFRA_DIR", "/var/tmp/omnicontext-infra"));
  static final String REDIS_PORT = env("REDIS_PORT", "56379");
  static final String PG_PORT = env("PG_PORT", "55432");
  /** The local Redis Cluster's nodes (bin/infra): which of them are masters changes with every failover. */
  static final List<Integer> CLUSTER_PORTS = java.util.Arrays.stream(env("REDIS_CLUSTER_PORTS", "54001 54002 54003 54004 54005 54006")
      .trim().split("\\s+")).map(Integer::parseInt).toList();

  private Infra() {}

  static void killRedis() { signal("-9", pid(DIR.resolve("redis/redis.pid"))); }

  /** PostgreSQL's "fast" shutdown. */
  static void stopPostgres() { signal("-INT", pid(DIR.resolve("pg/data/postmaster.pid"))); }

  /** Starts whatever is down again (bin/infra up is idempotent) and waits until all answer (the cluster: every slot served, replicas in sync). */
  static void up() { run(List.of("bin/infra", "up")); }

  static String redisCli(String... args) {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", REDIS_PORT));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** redis-cli on one cluster node. */
  static String clusterCli(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** The ports of the live masters serving slots, as a live node sees the cluster now. */
  static List<Integer> clusterMasters() {
    List<Integer> masters = new ArrayList<>();
    for (String line : clusterNodes().split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length > 8 && f[2].contains("master") && !f[2].contains("fail")) masters.add(Integer.parseInt(f[1].replaceAll(".*:|@.*", "")));
    }
    return masters;
  }

  /** The master whose slots hold keys containing {@code text} (a customer id: its keys carry it, whatever the layout). */
  static int masterHolding(String text) {
    for (int port : clusterMasters()) {
      if (!clusterCli(port, "--scan", "--pattern", "*" + text + "*").isBlank()) return port;
    }
    throw new IllegalStateException("no master of the cluster holds a key with " + text);
  }

  /** SIGSTOP / SIGCONT of one cluster node: a stopped replica misses what its master writes meanwhile. */
  static void pauseClusterNode(int port) { run(List.of("kill", "-STOP", Long.toString(pid(DIR.resolve("cluster/" + port + "/redis.pid"))))); }

  static void resumeClusterNode(int port) { run(List.of("kill", "-CONT", Long.toString(pid(DIR.resolve("cluster/" + port + "/redis.pid"))))); }

  /** The port of the master's (first) replica. */
  static int replicaOf(int masterPort) {
    String info = clusterCli(masterPort, "INFO", "replication");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("slave0:ip=[^,]*,port=(\\d+)").matcher(info);
    if (!m.find()) throw new IllegalStateException("no replica of :" + masterPort + ": " + info);
    return Integer.parseInt(m.group(1));
  }

  /** Whether the master's replica has everything the master wrote (replication offsets equal). */
  static boolean replicaInSync(int masterPort) {
    String info = clusterCli(masterPort, "INFO", "replication");
    java.util.regex.Matcher master = java.util.regex.Pattern.compile("master_repl_offset:(\\d+)").matcher(info);
    java.util.regex.Matcher replica = java.util.regex.Pattern.compile("slave0:[^\\n]*offset=(\\d+)").matcher(info);
    return master.find() && replica.find() && master.group(1).equals(replica.group(1));
  }

  /** kill -9 of one cluster node, by the PID bin/infra wrote. */
  static void killClusterNode(int port) { signal("-9", pid(DIR.resolve("cluster/" + port + "/redis.pid"))); }

  /** Whether a master other than {@code deadPort} now serves every slot (its replica took over), as a live node sees it. */
  static boolean failedOver(int deadPort) {
    for (int port : CLUSTER_PORTS) {
      if (port == deadPort) continue;
      try {
        String info = clusterCli(port, "cluster", "info");
        return info.contains("cluster_slots_ok:16384") && !clusterMasters().contains(deadPort);
      } catch (IllegalStateException down) {
        // another node is down too: ask the next
      }
    }
    return false;
  }

  private static String clusterNodes() {
    for (int port : CLUSTER_PORTS) {
      try {
        return clusterCli(port, "cluster", "nodes");
      } catch (IllegalStateException down) {
        // a killed node: ask the next
      }
    }
    throw new IllegalStateException("no node of the cluster " + CLUSTER_PORTS + " answers");
  }

  private static long pid(Path file) {
    try {
      return Long.parseLong(Files.readAllLines(file).get(0).trim());
    } catch (IOException e) {
      throw new IllegalStateException("no pid in " + file, e);
    }
  }

  private static void signal(String sig, long pid) {
    run(List.of("kill", sig, Long.toString(pid)));
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException(cmd + " failed: " + out);
      return out.trim();
    } catch (IOException e) {
      throw new IllegalStateException(cmd + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
