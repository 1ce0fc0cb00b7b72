package io.omnicontext.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator of bin/bench: `java -jar omnicontext-bench.jar SCENARIO --nodes URL,URL --pids PID,PID [--key value ...]`.
 * Talks only the public contract (REST writes, WebSocket /v1/stream, HS256 tokens from OMNICONTEXT_JWT_SECRET),
 * prints one table and writes it with the machine and the parameters to `--out`.md and .json.
 * Exit status: 0 done, 1 a `smoke` run that lost, duplicated, reordered or refused anything (or could check nothing),
 * 2 bad usage or a run that could not be made.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length == 0 || args[0].startsWith("--")) {
      System.err.println("usage: omnicontext-bench SCENARIO --nodes http://127.0.0.1:PORT[,..] [--pids PID,..] [--out PREFIX] [--key value ...]");
      System.exit(2);
    }
    String scenario = args[0];
    Options opts;
    try {
      opts = new Options(java.util.Arrays.copyOfRange(args, 1, args.length));
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    int status;
    try {
      status = run(scenario, opts);
    } catch (Exception e) {
      System.err.println("bench: " + scenario + " failed: " + e);
      e.printStackTrace();
      status = 2;
    }
    System.exit(status);
  }

  private static int run(String scenario, Options opts) throws Exception {
    String secret = System.getenv("OMNICONTEXT_JWT_SECRET");
    if (secret == null || secret.length() < 32) throw new IllegalArgumentException("OMNICONTEXT_JWT_SECRET (32+ bytes) is needed to mint tokens");
    Proc.clockTicks = Long.parseLong(opts.quiet("clk-tck", "100"));
    List<String> urls = opts.strings("nodes", "http://127.0.0.1:8080");
    List<String> pids = opts.strings("pids", "");
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) nodes.add(Node.parse(urls.get(i), i < pids.size() ? Long.parseLong(pids.get(i)) : 0));
    int loops = Integer.parseInt(opts.quiet("event-loops", "2"));
    Report report = new Report(scenario);
    report.command = opts.quiet("command", "omnicontext-bench " + scenario);
    String loadAtStart = Proc.loadAverage();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(4)
        .setBlockedThreadCheckInterval(10_000));
    try {
      // smoke waits longer for late frames: it runs in bin/test on a busy machine, and a late frame is not a lost one
      Bench b = new Bench(vertx, nodes, opts, secret, loops, "smoke".equals(scenario) ? 20 : 5);
      switch (scenario) {
        case "latency": Scenarios.latency(b, report, 200, 5, 500, 30); break;
        case "smoke": b.warmupDefault = 0; Scenarios.latency(b, report, 20, 2, 50, 5); break;
        case "throughput": Scenarios.throughput(b, report); break;
        case "fanout": MoreScenarios.fanout(b, report); break;
        case "connections": MoreScenarios.connections(b, report); break;
        case "resume-storm": MoreScenarios.resumeStorm(b, report); break;
        case "writes": MoreScenarios.writes(b, report); break;
        case "journal": JournalScenario.journal(b, report); break;
        default: throw new IllegalArgumentException("unknown scenario " + scenario + " (latency, smoke, throughput, fanout, connections, resume-storm, writes, journal)");
      }
      List<String> unread = opts.unread(List.of("nodes", "pids", "out", "clk-tck", "event-loops", "command", "load-before", "jdk", "infra", "durability", "heap", "fd-limit", "psql"));
      if (!unread.isEmpty()) report.notes.add("options not used by " + scenario + ": " + unread);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
    describe(report, opts, nodes, loops, loadAtStart);
    System.out.println();
    System.out.print(report.table());
    System.out.println(report.clean ? "clean: nothing lost, duplicated, out of order or refused; no write failed"
        : "NOT clean (see the notes)");
    for (String n : report.notes) System.out.println("  - " + n);
    String out = opts.quiet("out", "");
    if (!out.isEmpty()) {
      report.write(Path.of(out));
      System.out.println("report: " + out + ".md, " + out + ".json");
    }
    if (!"smoke".equals(scenario)) return 0;
    // smoke fails on what the contract forbids; failed writes (503 on a starved machine) are reported, not fatal,
    // unless nothing at all could be checked
    if (report.deliveryClean && report.framesExpected > 0) return 0;
    System.out.println(!report.deliveryClean ? "smoke: FAILED, frames lost, duplicated or out of order, or subscribes refused"
        : "smoke: FAILED, no change frame could be checked (no write succeeded)");
    return 1;
  }

  private static void describe(Report r, Options opts, List<Node> nodes, int loops, String loadAtStart) {
    r.machine.put("cores", Runtime.getRuntime().availableProcessors());
    r.machine.put("memory", String.format("%.1f GiB", Proc.memTotalKiB() / 1024.0 / 1024.0));
    r.machine.put("kernel", read("/proc/sys/kernel/osrelease"));
    r.machine.put("cpu", cpuModel());
    r.machine.put("jdk", opts.quiet("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")));
    r.machine.put("infra", opts.quiet("infra", "n/a"));
    r.machine.put("load average before (1/5/15 min)", opts.quiet("load-before", loadAtStart));
    r.machine.put("load average at generator start", loadAtStart);
    r.machine.put("load average after", Proc.loadAverage());
    r.machine.put("nodes", nodes.stream().map(Node::name).toList().toString());
    r.machine.put("server heap", opts.quiet("heap", "n/a"));
    r.machine.put("durability", opts.quiet("durability", "n/a"));
    r.machine.put("generator event loops", loops);
    r.parameters = opts.used();
  }

  private static String read(String path) {
    try { return Files.readString(Path.of(path)).trim(); } catch (Exception e) { return "n/a"; }
  }

  private static String cpuModel() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
    } catch (Exception e) {
      return "n/a";
    }
    return "n/a";
  }
}
