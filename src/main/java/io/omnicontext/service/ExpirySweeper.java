package io.omnicontext.service;

import io.omnicontext.config.LogSafe;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.TimeRules;
import io.omnicontext.port.BucketLeases;
import io.omnicontext.port.ContextStore;
import io.omnicontext.port.DueSchedule;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * Commits time-driven changes (hold expired, offer expired, hand-off overdue), each node for the buckets it holds
 * ({@link BucketLeases}): each sweep takes the customers whose time has come and commits what is due through the
 * normal commit path, so should two nodes race (a bucket changing hands) the loser recomputes, finds nothing due,
 * and commits nothing.
 */
@ApplicationScoped
public class ExpirySweeper {
  private static final java.time.Duration RETRY_LATER = java.time.Duration.ofSeconds(5);
  private final DueSchedule due;
  private final ContextStore store;
  private final CommitChanges commits;
  private final OmnicontextConfig config;
  private final BucketLeases buckets;
  private final Clock clock;
  private final StepFailures failures = new StepFailures("due sweep");

  public ExpirySweeper(DueSchedule due, ContextStore store, CommitChanges commits, OmnicontextConfig config, BucketLeases buckets, Clock clock) {
    this.due = due;
    this.store = store;
    this.commits = commits;
    this.config = config;
    this.buckets = buckets;
    this.clock = clock;
  }

  /** One sweep over the customers of this node's buckets whose time has come. */
  @Scheduled(every = "${omnicontext.sweep.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> sweep() { return failures.watch(sweep(buckets.owned())); }

  /** One sweep over the given buckets' customers whose time has come. */
  Uni<Void> sweep(Set<Integer> owned) {
    Instant now = clock.instant();
    return due.due(owned, now, config.sweep().batch())
        .onItem().transformToMulti(keys -> Multi.createFrom().iterable(keys))
        .onItem().transformToUniAndConcatenate(key -> settle(key, now))
        .collect().last().replaceWithVoid();
  }

  /**
   * Commits what is due for one customer. A commit schedules what falls due next itself, so the entry
   * that brought us here goes (unless rescheduled); when nothing was due, it is set to the next time.
   */
  Uni<Void> settle(CustomerKey key, Instant now) {
    return commits.commitPlanned(key, ctx -> TimeRules.dueOps(ctx, clock.instant()), Actor.SERVER, null)
        .chain(committed -> committed.isPresent() ? due.clear(key, now) : store.load(key)
            .chain(loaded -> TimeRules.nextDue(loaded.context(), now)
                .map(at -> at.isAfter(now) ? due.schedule(key, at) : Uni.createFrom().voidItem())
                .orElseGet(() -> due.clear(key, now))))
        .onFailure().call(err -> {
          Log.warnf("time-driven commit failed tenant=%s customer=%s: %s", key.tenant(), key.customerId(), LogSafe.failure(err));
          return due.schedule(key, now.plus(RETRY_LATER)).onFailure().recoverWithNull(); // not ahead of everyone else forever
        })
        .onFailure().recoverWithNull();
  }
}
