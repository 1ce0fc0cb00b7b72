package io.omnicontext.service;

import io.omnicontext.config.LogSafe;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.CaseOps;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Op;
import io.omnicontext.port.BucketLeases;
import io.omnicontext.port.Presence;
import io.omnicontext.port.Presence.Lease;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Engagements tied to a connection ("engage"): started with a lease this node renews while the
 * connection lives; ended when it closes, or, if this node dies, by the node holding the customer's
 * bucket once the lease ran out, so within 5 s either way: the lease lasts 3 s, renewed every second;
 * the bucket's holder sweeps every second, and a bucket the dead node held itself is taken over within
 * the bucket lease plus a second (4 s by default) and swept at once ({@link BucketOwnership}).
 */
@ApplicationScoped
public class Engagements {
  static final Duration LEASE = Duration.ofSeconds(3);

  private final CommitChanges commits;
  private final Presence presence;
  private final BucketLeases buckets;
  private final Clock clock;
  private final Set<Lease> held = ConcurrentHashMap.newKeySet();
  private final StepFailures renewals = new StepFailures("engagement lease renewal");
  private final StepFailures sweeps = new StepFailures("engagement lease sweep");

  public Engagements(CommitChanges commits, Presence presence, BucketLeases buckets, Clock clock) {
    this.commits = commits;
    this.presence = presence;
    this.buckets = buckets;
    this.clock = clock;
  }

  /** Renews the leases of this node's engagements. */
  @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> renew() { return renewals.watch(presence.hold(List.copyOf(held), clock.instant().plus(LEASE))); }

  /** A started engagement: its lease (end it with {@link #end}) and the engagement.start commit. */
  public record Started(Lease lease, Commit commit) {}

  /** Starts an engagement held by a connection; the connection ends it with {@link #end}. */
  public Uni<Started> start(CustomerKey key, String channel, String activity, Actor actor) {
    Lease lease = new Lease(key, "e-" + UUID.randomUUID(), actor);
    held.add(lease);
    return presence.hold(List.of(lease), clock.instant().plus(LEASE))
        .chain(() -> commits.commit(key, List.of(new CaseOps.EngagementStart(lease.engagementId(), channel, activity)), null, actor, null))
        .map(commit -> new Started(lease, commit))
        .onFailure().call(() -> release(lease));
  }

  /** The connection closed: end the engagement now and drop its lease. */
  public Uni<Void> end(Lease lease) {
    return endIfActive(lease).chain(() -> release(lease));
  }

  private Uni<Void> release(Lease lease) {
    held.remove(lease);
    return presence.release(lease).onFailure().recoverWithNull();
  }

  private Uni<Void> endIfActive(Lease lease) {
    return commits.commitPlanned(lease.key(), ctx -> {
      var e = ctx.engagements().get(lease.engagementId());
      return e != null && "active".equals(e.status()) ? List.<Op>of(new CaseOps.EngagementEnd(lease.engagementId(), null, null)) : List.of();
    }, lease.actor(), null).replaceWithVoid();
  }

  /** Ends the engagements of this node's buckets whose node stopped renewing them. */
  @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> sweep() { return sweeps.watch(sweep(buckets.owned())); }

  /** Ends the engagements of the given buckets whose node stopped renewing them. */
  Uni<Void> sweep(Set<Integer> owned) {
    Instant now = clock.instant();
    return presence.expired(owned, now, 100)
        .onItem().transformToMulti(leases -> Multi.createFrom().iterable(leases))
        .onItem().transformToUniAndConcatenate(lease -> endIfActive(lease).chain(() -> presence.clear(lease, now))
            .onFailure().invoke(err -> Log.warnf("engagement %s not ended: %s", lease.engagementId(), LogSafe.failure(err)))
            .onFailure().recoverWithNull())
        .collect().last().replaceWithVoid();
  }
}
