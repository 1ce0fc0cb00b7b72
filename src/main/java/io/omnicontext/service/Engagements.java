package io.omnicontext.service;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.CaseOps;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Op;
import io.omnicontext.port.Presence;
import io.omnicontext.port.Presence.Lease;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Engagements tied to a connection ("engage"): started with a lease this node renews while the
 * connection lives; ended when it closes, or, if this node dies, by whichever node sees the lease
 * run out, so within 5 s either way (lease 3 s, renewed every second, swept every half second).
 */
@ApplicationScoped
public class Engagements {
  static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration RENEW = Duration.ofSeconds(1);
  private static final Duration SWEEP = Duration.ofMillis(500);

  private final CommitChanges commits;
  private final Presence presence;
  private final Vertx vertx;
  private final Clock clock = Clock.systemUTC();
  private final Set<Lease> held = ConcurrentHashMap.newKeySet();
  private Periodic renewals;
  private Periodic sweeps;

  public Engagements(CommitChanges commits, Presence presence, Vertx vertx) {
    this.commits = commits;
    this.presence = presence;
    this.vertx = vertx;
  }

  void start(@Observes StartupEvent e) {
    renewals = Periodic.every(vertx, RENEW, "lease renewal", () -> presence.hold(List.copyOf(held), clock.instant().plus(LEASE)));
    sweeps = Periodic.every(vertx, SWEEP, "lease sweep", this::sweep);
  }

  void stop(@Observes ShutdownEvent e) {
    if (renewals != null) renewals.cancel();
    if (sweeps != null) sweeps.cancel();
  }

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

  /** Ends the engagements whose node stopped renewing them. */
  Uni<Void> sweep() {
    Instant now = clock.instant();
    return presence.expired(now, 100)
        .onItem().transformToMulti(leases -> Multi.createFrom().iterable(leases))
        .onItem().transformToUniAndConcatenate(lease -> endIfActive(lease).chain(() -> presence.clear(lease, now))
            .onFailure().invoke(err -> Log.warnf("engagement %s not ended: %s", lease.engagementId(), err.getMessage()))
            .onFailure().recoverWithNull())
        .collect().last().replaceWithVoid();
  }
}
