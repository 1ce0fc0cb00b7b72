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

  private Infra() {}

  static void killRedis() { signal("-9", pid(DIR.resolve("redis/redis.pid"))); }

  /** PostgreSQL's "fast" shutdown. */
  static void stopPostgres() { signal("-INT", pid(DIR.resolve("pg/data/postmaster.pid"))); }

  /** Starts whatever is down again (bin/infra up is idempotent) and waits until both answer. */
  static void up() { run(List.of("bin/infra", "up")); }

  static String redisCli(String... args) {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", REDIS_PORT));
    cmd.addAll(List.of(args));
    return run(cmd);
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
