package io.omnicontext.service;

import io.omnicontext.config.LogSafe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.omnicontext.port.BucketLeases;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Set;

/**
 * Keeps this node's fair share of the buckets ({@link BucketLeases}) every second, and hands them back on shutdown
 * (after draining closed the connections) so the other nodes take them over at their next step instead of after the
 * lease. Buckets taken over from a node that died are swept at once: their due changes and expired engagement leases
 * are overdue already.
 */
@ApplicationScoped
public class BucketOwnership {
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(2);
  private final BucketLeases leases;
  private final Engagements engagements;
  private final ExpirySweeper sweeper;
  private final MeterRegistry registry;
  private final StepFailures failures = new StepFailures("bucket leases");

  public BucketOwnership(BucketLeases leases, Engagements engagements, ExpirySweeper sweeper, MeterRegistry registry) {
    this.leases = leases;
    this.engagements = engagements;
    this.sweeper = sweeper;
    this.registry = registry;
  }

  void start(@Observes StartupEvent e) {
    Gauge.builder("omnicontext.buckets.owned", leases, l -> l.owned().size())
        .description("buckets whose background work (outbox, due schedule, engagement leases) this node does")
        .tag("node", leases.node())
        .register(registry);
    Log.infof("buckets: node=%s shares %d buckets with the other live nodes", leases.node(), leases.buckets());
  }

  @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> step() {
    return failures.watch(leases.step().chain(this::takeOver));
  }

  private Uni<Void> takeOver(Set<Integer> claimed) {
    if (claimed.isEmpty()) return Uni.createFrom().voidItem();
    return engagements.sweep(claimed).chain(() -> sweeper.sweep(claimed));
  }

  /** Runs on Quarkus' shutdown thread (never an event loop) while the Redis client is still open, so it may wait. */
  void stop(@Observes ShutdownEvent e) {
    try {
      leases.releaseAll().await().atMost(RELEASE_WAIT);
      Log.infof("buckets: node=%s released its buckets", leases.node());
    } catch (RuntimeException notReleased) {
      Log.warnf("buckets: node=%s could not release its buckets (%s); they pass on when the leases run out", leases.node(), LogSafe.failure(notReleased));
    }
  }
}
