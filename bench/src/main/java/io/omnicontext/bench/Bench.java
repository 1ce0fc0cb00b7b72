package io.omnicontext.bench;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What every scenario shares: the nodes, the tokens, the customers of this run, the meter, and the common rows. */
final class Bench {
  final Vertx vertx;
  final List<Node> nodes;
  final Options opts;
  final Meter meter;
  /**
   * The server holds per-token limits (WebSocket connections and frame rates, REST writes per second, per node): one
   * token for every screen would measure those limits (4403 past 32 sockets), not the server. So each screen gets a
   * token of its own (a distinct `sub`, as each agent has), and the writes go out under a pool of integration tokens.
   */
  private final String secret;
  private final String tenant;
  private final java.util.concurrent.atomic.AtomicLong screensMinted = new java.util.concurrent.atomic.AtomicLong();
  final List<String> writeTokens;
  final String run = "b" + Long.toString(System.currentTimeMillis(), 36);   // customers of this run only
  final int connectConcurrency;
  final long openTimeoutMs;
  final double graceSeconds;
  final String op;
  /**
   * Seconds of unmeasured load on fresh nodes before the first measured row. A fresh JVM spends more than a core on
   * its JIT compilers for about a minute under load (JFR's jdk.CompilerStatistics: 43 s of compile time in the first
   * 41 s of `writes`); measured during that, a 2-core machine's figures are the compilers', not the server's.
   */
  double warmupDefault = 45;

  Bench(Vertx vertx, List<Node> nodes, Options opts, String secret, int eventLoops, double graceDefault) throws Exception {
    this.vertx = vertx;
    this.nodes = nodes;
    this.opts = opts;
    this.meter = new Meter(vertx, nodes, eventLoops);
    this.secret = secret;
    this.tenant = opts.string("tenant", "bench");
    List<String> writers = new ArrayList<>();
    for (int i = 0, n = opts.integer("write-tokens", 64); i < n; i++) writers.add(Jwt.mint(secret, tenant, "bench-writer-" + i, "integration", "system", 6 * 3600));
    this.writeTokens = List.copyOf(writers);
    this.connectConcurrency = opts.integer("connect-concurrency", 200);
    this.openTimeoutMs = (long) (opts.decimal("open-timeout", 90) * 1000);
    this.graceSeconds = opts.decimal("grace", graceDefault);
    this.op = opts.string("op", "interaction");
  }

  List<Customer> customers(String tag, int n) {
    List<Customer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(new Customer(run + "-" + tag + i));
    return out;
  }

  Fleet fleet() { return fleet(nodes, 1); }

  /** Screens on these nodes through `sources` source addresses (--source-addresses overrides). */
  Fleet fleet(List<Node> on, int sources) { return new Fleet(vertx, on, this::screenToken, opts.integer("source-addresses", sources)); }

  /** A token for the next screen of the run: an agent of its own, so no two screens share a per-token limit. */
  String screenToken() {
    return Jwt.mint(secret, tenant, "bench-screen-" + screensMinted.getAndIncrement(), "agent", "web", 6 * 3600);
  }

  Writer writer(boolean trackVersions, int connectionsPerNode) {
    return new Writer(vertx, nodes, writeTokens, op, opts.integer("max-in-flight", 2000), connectionsPerNode, trackVersions);
  }

  /** Opens the screens and says in the report how long it took and what refused. */
  double open(Report report, List<Screen> screens, String what) throws InterruptedException {
    long t0 = System.nanoTime();
    boolean allAnswered = Fleet.open(screens, false, connectConcurrency, openTimeoutMs);
    double s = (System.nanoTime() - t0) / 1e9;
    Totals t = Totals.of(screens);
    report.notes.add(String.format("%s: %,d screens opened and subscribed in %.1f s (%,d subscribed, %,d refused, %,d failed%s)",
        what, screens.size(), s, t.subscribed(), t.refused(), t.failed(), allAnswered ? "" : ", some unanswered at the timeout"));
    if (t.refused() > 0 || t.failed() > 0) {
      report.clean = false;
      report.deliveryClean = false;
      report.notes.add(what + ": screens saw: " + t.problemsLine());
    }
    return s;
  }

  // --- the columns of delivery scenarios (latency, throughput, fanout, resume-storm) ---

  static void deliveryColumns(Report r) {
    r.column("step", "step", 0).column("screens", "screens", 0).column("subscribed", "subscribed", 0)
        .column("refused", "refused", 0).column("rate", "writes/s asked", 0).column("writesPerS", "writes/s done", 0)
        .column("writeErrors", "write errors", 0).column("writesBehind", "writes not sent", 0).column("framesPerS", "frames/s", 0)
        .column("p50", "p50 ms", 1).column("p99", "p99 ms", 1).column("p999", "p99.9 ms", 1).column("max", "max ms", 1)
        .column("lost", "lost", 0).column("duplicated", "dup", 0).column("outOfOrder", "out of order", 0)
        .column("serverCloses", "server closes", 0).column("restP99", "REST p99 ms", 1)
        .column("serverCores", "server CPU cores", 2).column("serverUsPerFrame", "server CPU µs/frame", 1)
        .column("serverRssMiB", "server RSS MiB", 0).column("generatorPct", "gen CPU %", 0).column("lagP99", "gen lag p99 ms", 1);
  }

  /** One row of a delivery scenario; marks the report unclean and notes why when anything went wrong. */
  Map<String, Object> deliveryRow(Report report, String step, Phase p, Totals t, Meter.Span span, double rate) {
    Map<String, Object> row = new LinkedHashMap<>();
    double ws = p.writeSeconds();
    long frames = p.frames.sum();
    row.put("step", step);
    row.put("screens", t.screens());
    row.put("subscribed", t.subscribed());
    row.put("refused", t.refused() + t.failed());
    row.put("rate", rate);
    row.put("writesPerS", p.writesOk.sum() / ws);
    row.put("writeErrors", p.writeFailures());
    row.put("framesPerS", frames / ws);
    row.put("frames", frames);
    row.put("expectedFrames", t.expected());
    row.put("p50", Phase.ms(p.delivery, 50));
    row.put("p99", Phase.ms(p.delivery, 99));
    row.put("p999", Phase.ms(p.delivery, 99.9));
    row.put("max", Phase.maxMs(p.delivery));
    row.put("lost", t.lost());
    row.put("duplicated", t.duplicated());
    row.put("outOfOrder", t.outOfOrder());
    row.put("serverCloses", t.serverCloses());
    row.put("resumeSnapshots", t.resumeSnapshots());
    row.put("restP50", Phase.ms(p.rest, 50));
    row.put("restP99", Phase.ms(p.rest, 99));
    putResources(row, span, frames);
    row.put("writeFailures", p.failures());
    row.put("writesBehind", p.writesBehind.sum());
    boolean clean = t.clean() && p.writeFailures() == 0 && p.writesBehind.sum() == 0;
    if (!t.clean()) report.deliveryClean = false;
    report.framesExpected += t.expected();
    row.put("clean", clean);
    if (!clean) {
      report.clean = false;
      List<String> why = new ArrayList<>();
      if (t.refused() > 0) why.add(t.refused() + " subscribes refused");
      if (t.failed() > 0) why.add(t.failed() + " screens never subscribed");
      if (t.lost() > 0) why.add(String.format("%,d of %,d expected frames lost", t.lost(), t.expected()));
      if (t.duplicated() > 0) why.add(t.duplicated() + " duplicated");
      if (t.outOfOrder() > 0) why.add(t.outOfOrder() + " out of order");
      if (p.writeFailures() > 0) why.add("write failures " + p.failures());
      if (p.writesBehind.sum() > 0) why.add(p.writesBehind.sum() + " writes not sent (" + opts.quiet("max-in-flight", "2000") + " in flight already)");
      report.notes.add(step + ": " + String.join(", ", why) + (t.problems().isEmpty() ? "" : "; screens saw: " + t.problemsLine()));
    }
    if (clean && t.serverCloses() > 0) {
      report.notes.add(String.format("%s: %,d sockets closed by the server and resumed with `after` (nothing lost): %s",
          step, t.serverCloses(), t.problemsLine()));
    }
    noteGenerator(report, step, span);
    return row;
  }

  void putResources(Map<String, Object> row, Meter.Span span, long frames) {
    row.put("serverCores", span.serverCores);
    row.put("serverCoresPerNode", span.coresPerNode);
    row.put("serverUsPerFrame", frames == 0 ? Double.NaN : span.serverCores * span.seconds * 1e6 / frames);
    row.put("serverRssMiB", span.serverRssKiB / 1024.0);
    row.put("generatorPct", span.generatorCores * 100);
    row.put("lagP99", span.lagP99Ms);
    row.put("lagMax", span.lagMaxMs);
    row.put("machineBusyPct", span.machineBusy * 100);
    row.put("seconds", span.seconds);
  }

  void noteGenerator(Report report, String step, Meter.Span span) {
    String why = span.generatorBound();
    if (why != null && span.generatorCores <= Meter.GENERATOR_BUSY_CORES && span.machineBusy > 0.95) {
      report.notes.add(String.format("%s: the generator's event loops lagged %.0f ms (p99) on a saturated machine (it used %.0f%% of a core):"
          + " latencies include up to that much of the generator's own delay", step, span.lagP99Ms, span.generatorCores * 100));
    } else if (why != null) {
      report.notes.add(step + ": the GENERATOR may be the bottleneck here (" + why + "), not the server");
    }
    if (span.machineBusy > 0.95) report.notes.add(String.format("%s: the machine was %.0f%% busy (all cores): server, infra and generator compete", step, span.machineBusy * 100));
  }

  /** Runs `rate` writes/s for `seconds` against the screens, then waits (bounded) for their frames; one row. */
  Map<String, Object> deliveryStep(Report report, String step, Writer writer, List<Customer> customers, List<Screen> screens,
                                   double rate, double seconds, Totals before) throws InterruptedException {
    return deliveryStep(report, new Phase(step), writer, customers, screens, rate, seconds, before);
  }

  Map<String, Object> deliveryStep(Report report, Phase phase, Writer writer, List<Customer> customers, List<Screen> screens,
                                   double rate, double seconds, Totals before) throws InterruptedException {
    String step = phase.name;
    Meter.Span span = meter.start();
    writer.openLoop(customers, rate, seconds, phase);
    Fleet.awaitCaughtUp(screens, (long) (graceSeconds * 1000));
    span.stop();
    return deliveryRow(report, step, phase, Totals.of(screens).minus(before), span, rate);
  }

  /** A reported warm-up step (`--warmup` s, 0 = none) so the JITs of a fresh node do not set the first measured row. */
  Totals warmUp(Report report, String label, Writer writer, List<Customer> customers, List<Screen> screens, double rate,
                Totals before) throws InterruptedException {
    double seconds = opts.decimal("warmup", warmupDefault);
    if (seconds <= 0) return before;
    Map<String, Object> row = deliveryStep(report, label, writer, customers, screens, rate, seconds, before);
    row.put("warmUp", true);
    report.rows.add(row);
    return Totals.of(screens);
  }

  /** A reported closed-loop warm-up (`--warmup` s, 0 = none) for the write scenarios, on customers of its own. */
  void warmUpWrites(Report report, Writer writer, int concurrency) throws InterruptedException {
    double seconds = opts.decimal("warmup", warmupDefault);
    if (seconds <= 0) return;
    Phase phase = new Phase("warm-up");
    writer.closedLoop(customers("warm", 1_000), concurrency, seconds, phase);
    writer.drain(15_000);
    report.notes.add(String.format("warm-up: %.0f s of writes at concurrency %d before the measured rows (%d committed; not in the table)",
        seconds, concurrency, phase.writesOk.sum()));
  }

  Histogram lastScreenHistogram() { return new ConcurrentHistogram(600_000_000L, 3); }
}
