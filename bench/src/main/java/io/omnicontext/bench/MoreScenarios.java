package io.omnicontext.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/** fanout, connections, resume-storm and writes. */
final class MoreScenarios {
  private MoreScenarios() {}

  /** fanout: one customer, the screens stepped (1 to 5,000), a few writes per step; how long until the LAST screen has each. */
  static void fanout(Bench b, Report r) throws Exception {
    List<Integer> steps = b.opts.integers("screens", "1,10,100,1000,5000");
    double rate = b.opts.decimal("rate", 10);
    double seconds = b.opts.decimal("step-seconds", 5);
    Bench.deliveryColumns(r);
    r.column("lastP50", "last screen p50 ms", 1).column("lastP99", "last screen p99 ms", 1).column("lastMax", "last screen max ms", 1);
    List<Customer> one = b.customers("f", 1);
    Fleet fleet = b.fleet();
    Writer writer = b.writer(true, 8);
    try {
      Totals before = Totals.NONE;
      for (int n : steps) {
        int more = n - fleet.screens.size();
        if (more > 0) b.open(r, fleet.add(one, more), n + " screens");
        if (before == Totals.NONE) before = b.warmUp(r, "warm-up (" + n + " screens)", writer, one, fleet.screens, rate, before);
        Phase phase = new Phase(n + " screens");
        Map<String, Object> row = b.deliveryStep(r, phase, writer, one, fleet.screens, rate, seconds, before);
        Histogram last = b.lastScreenHistogram();
        one.get(0).lastScreenLatencies(phase, n, last);
        row.put("lastP50", Phase.ms(last, 50));
        row.put("lastP99", Phase.ms(last, 99));
        row.put("lastMax", Phase.maxMs(last));
        row.put("writesReachingAll", last.getTotalCount());
        r.rows.add(row);
        before = Totals.of(fleet.screens);
      }
    } finally {
      writer.close();
      fleet.close();
    }
  }

  /** connections: idle subscribed sockets on ONE node; heap after GC and RSS per socket, time to open them. */
  static void connections(Bench b, Report r) throws Exception {
    int count = b.opts.integer("connections", 50_000);
    int customers = b.opts.integer("customers", 5_000);
    int fdLimit = Integer.parseInt(b.opts.quiet("fd-limit", "0"));
    Node node = b.nodes.get(0);
    if (fdLimit > 0 && count > fdLimit - 2_000) {
      r.notes.add(String.format("asked for %,d sockets, but a process may hold %,d file descriptors here (ulimit -Hn; raising it needs"
          + " CAP_SYS_RESOURCE), and the node and the generator each need one per socket: measured %,d", count, fdLimit, fdLimit - 2_000));
      count = fdLimit - 2_000;
    }
    r.column("step", "step", 0).column("sockets", "sockets open", 0).column("subscribed", "subscribed", 0).column("refused", "refused", 0)
        .column("openSeconds", "open s", 1).column("opensPerS", "opens/s", 0).column("heapMiB", "heap after GC MiB", 1)
        .column("rssMiB", "RSS MiB", 1).column("heapKiBPerSocket", "heap KiB/socket", 1).column("rssKiBPerSocket", "RSS KiB/socket", 1)
        .column("lost", "lost", 0).column("duplicated", "dup", 0).column("outOfOrder", "out of order", 0)
        .column("serverCores", "server CPU cores", 2).column("generatorPct", "gen CPU %", 0);
    if (node.pid() <= 0) throw new IllegalArgumentException("connections needs the node's --pids for its heap and RSS");
    List<Customer> cs = b.customers("k", customers);
    Fleet fleet = b.fleet(List.of(node), 4);
    Writer writer = b.writer(true, 16);
    try {
      long heap0 = heapAfterGc(node.pid());
      long rss0 = Proc.statusKiB(node.pid(), "VmRSS:");
      Map<String, long[]> classes0 = classHistogram(node.pid());
      r.rows.add(memoryRow("before", 0, Totals.NONE, heap0, rss0, heap0, rss0));
      int perCustomer = Math.max(1, (int) Math.ceil(count / (double) customers));
      List<Screen> all = fleet.add(cs, perCustomer);
      if (all.size() > count) all = new ArrayList<>(all.subList(0, count));
      Meter.Span span = b.meter.start();
      long t0 = System.nanoTime();
      Fleet.open(all, false, b.connectConcurrency, b.openTimeoutMs);
      double openSeconds = (System.nanoTime() - t0) / 1e9;
      span.stop();
      Thread.sleep(2_000);   // let the node settle before the heap reading
      long heap1 = heapAfterGc(node.pid());
      long rss1 = Proc.statusKiB(node.pid(), "VmRSS:");
      Totals opened = Totals.of(all);
      noteHeapPerSocket(r, classes0, classHistogram(node.pid()), opened.subscribed());
      Map<String, Object> row = memoryRow("idle", all.size(), opened, heap1, rss1, heap0, rss0);
      row.put("openSeconds", openSeconds);
      row.put("opensPerS", opened.subscribed() / openSeconds);
      b.putResources(row, span, 0);
      // then one write per customer: every idle socket must still get its customer's change
      Phase check = new Phase("check");
      writer.openLoop(cs, b.opts.decimal("check-rate", 1000), customers / b.opts.decimal("check-rate", 1000), check);
      Fleet.awaitCaughtUp(all, (long) (b.graceSeconds * 1000));
      Totals after = Totals.of(all);
      row.put("lost", after.lost());
      row.put("duplicated", after.duplicated());
      row.put("outOfOrder", after.outOfOrder());
      row.put("checkWrites", check.writesOk.sum());
      row.put("checkWriteFailures", check.failures());
      r.rows.add(row);
      if (!after.clean() || check.writeFailures() > 0) {
        r.clean = false;
        r.notes.add(String.format("idle: %,d refused, %,d never subscribed, %,d of %,d check frames lost, %,d duplicated, write failures %s; screens saw: %s",
            after.refused(), after.failed(), after.lost(), after.expected(), after.duplicated(), check.failures(), after.problemsLine()));
      }
      b.noteGenerator(r, "open", span);
    } finally {
      writer.close();
      fleet.close();
    }
  }

  private static Map<String, Object> memoryRow(String step, int sockets, Totals t, long heapKiB, long rssKiB, long heap0, long rss0) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("step", step);
    row.put("sockets", t.connected());
    row.put("asked", sockets);
    row.put("subscribed", t.subscribed());
    row.put("refused", t.refused() + t.failed());
    row.put("heapMiB", heapKiB / 1024.0);
    row.put("rssMiB", rssKiB / 1024.0);
    long live = Math.max(1, t.connected());   // an open socket holds its memory, subscribed or refused
    row.put("heapKiBPerSocket", sockets == 0 ? Double.NaN : (heapKiB - heap0) / (double) live);
    row.put("rssKiBPerSocket", sockets == 0 ? Double.NaN : (rssKiB - rss0) / (double) live);
    return row;
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** `jcmd PID GC.run`, then the heap in use from `jcmd PID GC.heap_info` (KiB). */
  private static final Pattern HISTO_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  /** Live objects by class: {instances, bytes} (jcmd GC.class_histogram, which collects first). */
  static Map<String, long[]> classHistogram(long pid) throws IOException, InterruptedException {
    Map<String, long[]> out = new java.util.HashMap<>();
    for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
      Matcher m = HISTO_LINE.matcher(line);
      if (m.find()) out.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
    }
    return out;
  }

  /** What an idle subscribed socket holds: the classes that grew most between the two histograms, per socket. */
  private static void noteHeapPerSocket(Report r, Map<String, long[]> before, Map<String, long[]> after, long sockets) {
    if (sockets <= 0) return;
    record Growth(String cls, long instances, long bytes) {}
    List<Growth> grown = new ArrayList<>();
    after.forEach((cls, a) -> {
      long[] b0 = before.getOrDefault(cls, new long[2]);
      if (a[1] > b0[1]) grown.add(new Growth(cls, a[0] - b0[0], a[1] - b0[1]));
    });
    grown.sort((x, y) -> Long.compare(y.bytes(), x.bytes()));
    long total = grown.stream().mapToLong(Growth::bytes).sum();
    StringBuilder sb = new StringBuilder(String.format("heap per idle socket by class (jcmd GC.class_histogram, after − before, / %,d sockets): %,d B in all;", sockets, total / sockets));
    for (Growth g : grown.subList(0, Math.min(15, grown.size()))) {
      sb.append(String.format(" %s %,d B (%.1f objects)", g.cls(), g.bytes() / sockets, g.instances() / (double) sockets)).append(';');
    }
    r.notes.add(sb.toString());
    Map<String, Long> byOwner = new java.util.TreeMap<>();
    for (Growth g : grown) byOwner.merge(owner(g.cls()), g.bytes(), Long::sum);
    StringBuilder owners = new StringBuilder("heap per idle socket by owner of the class (arrays and JDK classes cannot be told apart):");
    byOwner.forEach((owner, bytes) -> owners.append(String.format(" %s %,d B;", owner, bytes / sockets)));
    r.notes.add(owners.toString());
  }

  /** Whose class it is: the service's, Quarkus', Vert.x', Netty's, SmallRye's, the JDK's, or an array. */
  private static String owner(String cls) {
    if (cls.startsWith("[")) return "arrays";
    for (String p : List.of("io.omnicontext", "io.quarkus", "io.vertx", "io.netty", "io.smallrye", "com.fasterxml", "java", "jdk")) {
      if (cls.startsWith(p + ".")) return p.equals("jdk") ? "java" : p;
    }
    return "other";
  }

  static long heapAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
    if (!m.find()) throw new IOException("no heap figure in jcmd GC.heap_info of " + pid);
    return Long.parseLong(m.group(1));
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    String jcmd = System.getProperty("java.home") + "/bin/jcmd";
    if (!new java.io.File(jcmd).canExecute()) jcmd = "jcmd";
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
    return new String(out, StandardCharsets.UTF_8);
  }

  /** resume-storm: screens dropped at once while writes go on, all back with `after`; time until all are in step. */
  static void resumeStorm(Bench b, Report r) throws Exception {
    int customers = b.opts.integer("customers", 1_000);
    int screens = b.opts.integer("screens", 10);
    double rate = b.opts.decimal("rate", 200);
    double beforeDrop = b.opts.decimal("before-drop", 5);
    double seconds = b.opts.decimal("duration", 20);
    double inStepTimeout = b.opts.decimal("in-step-timeout", 60);
    int reconnectConcurrency = b.opts.integer("reconnect-concurrency", 1_000);
    Bench.deliveryColumns(r);
    r.column("allSubscribedS", "drop → all subscribed s", 2).column("allInStepS", "drop → all in step s", 2)
        .column("inStepP50", "in step p50 ms", 0).column("inStepP99", "in step p99 ms", 0).column("resumeSnapshots", "resume snapshots", 0);
    List<Customer> cs = b.customers("r", customers);
    Fleet fleet = b.fleet();
    Writer writer = b.writer(true, b.opts.integer("connections-per-node", 32));
    try {
      List<Screen> all = fleet.add(cs, screens);
      boolean retry = Boolean.parseBoolean(b.opts.string("retry-refused", "true"));
      all.forEach(s -> s.retryRefused(retry));
      b.open(r, all, "open");
      Phase phase = new Phase("storm");
      Meter.Span span = b.meter.start();
      Exception[] failed = {null};
      Thread writes = new Thread(() -> {
        try { writer.openLoop(cs, rate, seconds, phase); } catch (Exception e) { failed[0] = e; }
      }, "bench-writes");
      writes.start();
      Thread.sleep((long) (beforeDrop * 1000));
      long drop = System.nanoTime();
      Fleet.closeAll(all, false, 30_000);
      double dropSeconds = (System.nanoTime() - drop) / 1e9;
      Fleet.open(all, true, reconnectConcurrency, (long) (inStepTimeout * 1000));
      long deadline = System.nanoTime() + (long) (inStepTimeout * 1e9);
      while (System.nanoTime() < deadline && !all.stream().allMatch(Screen::settled)) Thread.sleep(20);
      Histogram inStep = b.lastScreenHistogram();
      long lastSubscribed = 0, lastInStep = 0, notInStep = 0;
      for (Screen s : all) {
        lastSubscribed = Math.max(lastSubscribed, s.subscribedAtNanos());
        if (s.inStep()) { lastInStep = Math.max(lastInStep, s.inStepAtNanos()); Phase.record(inStep, s.inStepAtNanos() - drop); }
        else notInStep++;
      }
      writes.join();
      if (failed[0] != null) throw failed[0];
      Fleet.awaitCaughtUp(all, (long) (b.graceSeconds * 1000));
      span.stop();
      Map<String, Object> row = b.deliveryRow(r, "storm", phase, Totals.of(all), span, rate);
      row.put("step", String.format("%,d dropped", all.size()));
      row.put("dropSeconds", dropSeconds);
      row.put("allSubscribedS", lastSubscribed > drop ? (lastSubscribed - drop) / 1e9 : Double.NaN);
      row.put("allInStepS", notInStep == 0 ? (lastInStep - drop) / 1e9 : Double.NaN);
      row.put("notInStep", notInStep);
      row.put("inStepP50", Phase.ms(inStep, 50));
      row.put("inStepP99", Phase.ms(inStep, 99));
      r.rows.add(row);
      if (notInStep > 0) {
        r.clean = false;
        r.notes.add(String.format("%,d screens were not back in step %.0f s after the drop", notInStep, inStepTimeout));
      }
      r.notes.add(String.format("the drop (closing %,d sockets) took %.2f s; writes went on at %.0f/s throughout", all.size(), dropSeconds, rate));
    } finally {
      writer.close();
      fleet.close();
    }
  }

  /** writes: committed ops/s on one hot customer and over many, closed loop, with REST latency; no screens. */
  static void writes(Bench b, Report r) throws Exception {
    int concurrency = b.opts.integer("concurrency", 64);
    double seconds = b.opts.decimal("duration", 15);
    int many = b.opts.integer("customers", 10_000);
    r.column("step", "step", 0).column("customers", "customers", 0).column("concurrency", "concurrency", 0)
        .column("opsPerS", "committed ops/s", 0).column("restP50", "REST p50 ms", 1).column("restP99", "REST p99 ms", 1)
        .column("restP999", "REST p99.9 ms", 1).column("restMax", "REST max ms", 1).column("failures", "failed writes", 0)
        .column("serverCores", "server CPU cores", 2).column("serverUsPerOp", "server CPU µs/op", 0)
        .column("generatorPct", "gen CPU %", 0).column("lagP99", "gen lag p99 ms", 1);
    Writer writer = b.writer(false, concurrency);
    try {
      b.warmUpWrites(r, writer, concurrency);
      step(b, r, writer, "hot customer", b.customers("h", 1), concurrency, seconds);
      step(b, r, writer, "many customers", b.customers("m", many), concurrency, seconds);
    } finally {
      writer.close();
    }
  }

  private static void step(Bench b, Report r, Writer writer, String name, List<Customer> cs, int concurrency, double seconds) throws Exception {
    Phase phase = new Phase(name);
    Meter.Span span = b.meter.start();
    writer.closedLoop(cs, concurrency, seconds, phase);
    writer.drain(15_000);
    span.stop();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("step", name);
    row.put("customers", cs.size());
    row.put("concurrency", concurrency);
    row.put("opsPerS", phase.writesOk.sum() / phase.writeSeconds());
    row.put("committed", phase.writesOk.sum());
    row.put("restP50", Phase.ms(phase.rest, 50));
    row.put("restP99", Phase.ms(phase.rest, 99));
    row.put("restP999", Phase.ms(phase.rest, 99.9));
    row.put("restMax", Phase.maxMs(phase.rest));
    row.put("failures", phase.writeFailures());
    row.put("failuresByKind", phase.failures());
    b.putResources(row, span, 0);
    row.put("serverUsPerOp", phase.writesOk.sum() == 0 ? Double.NaN : span.serverCores * span.seconds * 1e6 / phase.writesOk.sum());
    r.rows.add(row);
    if (phase.writeFailures() > 0) {
      r.clean = false;
      r.notes.add(name + ": failed writes " + phase.failures());
    }
    b.noteGenerator(r, name, span);
  }
}
