package io.omnicontext.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Resource readings over a span of a scenario: the generator's own CPU, each node's CPU and RSS, the machine's
 * busy share, and the generator's event-loop lag (a timer on every event loop that notes how late it fires).
 * When the generator is near a full core or its loops lag, its timestamps (so the latencies) are its own, not the server's.
 */
final class Meter {
  static final double GENERATOR_BUSY_CORES = 0.8;
  static final double LOOP_LAG_MS = 20;
  private static final long PROBE_MS = 50;

  private final List<Node> nodes;
  private final long self = ProcessHandle.current().pid();
  private final Histogram lag = new ConcurrentHistogram(60_000_000L, 2);   // µs

  Meter(Vertx vertx, List<Node> nodes, int eventLoops) throws Exception {
    this.nodes = nodes;
    vertx.deployVerticle(() -> new AbstractVerticle() {
      long expected;
      @Override public void start() {
        expected = System.nanoTime() + PROBE_MS * 1_000_000;
        vertx.setPeriodic(PROBE_MS, id -> {
          long now = System.nanoTime();
          lag.recordValue(Math.min(60_000_000L, Math.max(0, (now - expected) / 1000)));
          expected = now + PROBE_MS * 1_000_000;
        });
      }
    }, new DeploymentOptions().setInstances(eventLoops)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Readings at the start of a span. */
  Span start() {
    lag.reset();
    List<Proc.Sample> servers = new ArrayList<>();
    for (Node n : nodes) servers.add(n.pid() > 0 ? Proc.sample(n.pid()) : null);
    return new Span(Proc.sample(self), servers, Proc.machine(), System.nanoTime());
  }

  /** What happened between `start()` and now. */
  final class Span {
    private final Proc.Sample generator0;
    private final List<Proc.Sample> servers0;
    private final Proc.MachineCpu machine0;
    private final long start;
    double seconds, generatorCores, serverCores, machineBusy, lagP99Ms, lagMaxMs;
    long serverRssKiB;
    final List<Double> coresPerNode = new ArrayList<>();
    final List<Long> rssPerNode = new ArrayList<>();

    private Span(Proc.Sample g, List<Proc.Sample> s, Proc.MachineCpu m, long start) {
      generator0 = g; servers0 = s; machine0 = m; this.start = start;
    }

    Span stop() {
      seconds = (System.nanoTime() - start) / 1e9;
      generatorCores = Proc.sample(self).coresSince(generator0);
      serverCores = 0; serverRssKiB = 0;
      for (int i = 0; i < nodes.size(); i++) {
        if (servers0.get(i) == null) continue;
        Proc.Sample now = Proc.sample(nodes.get(i).pid());
        double c = now.coresSince(servers0.get(i));
        coresPerNode.add(c); rssPerNode.add(now.rssKiB());
        serverCores += c; serverRssKiB += Math.max(0, now.rssKiB());
      }
      machineBusy = Proc.machine().busyShareSince(machine0);
      lagP99Ms = lag.getTotalCount() == 0 ? 0 : lag.getValueAtPercentile(99) / 1000.0;
      lagMaxMs = lag.getTotalCount() == 0 ? 0 : lag.getMaxValue() / 1000.0;
      return this;
    }

    /** Why the generator, not the server, may have set this span's figures; null when it did not. */
    String generatorBound() {
      List<String> why = new ArrayList<>();
      if (generatorCores > GENERATOR_BUSY_CORES) why.add(String.format("generator used %.0f%% of a core", generatorCores * 100));
      if (lagP99Ms > LOOP_LAG_MS) why.add(String.format("generator event loops lagged %.0f ms (p99)", lagP99Ms));
      return why.isEmpty() ? null : String.join(", ", why);
    }
  }
}
