package io.omnicontext.service;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.ContextRules;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Op;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.domain.TimeRules;
import io.omnicontext.port.ContextStore;
import io.omnicontext.port.ContextStore.VersionMoved;
import io.omnicontext.port.DueSchedule;
import io.omnicontext.port.IdempotencyStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Commits ops for one customer: load, apply the pure rules, compare-and-set; when another writer won
 * the race, load and recompute (the ops are re-validated against the newer context, so an offer is
 * still redeemed once). Time-driven and connection-driven changes use the same path through
 * {@link #commitPlanned}.
 */
@ApplicationScoped
public class CommitChanges {
  private final ContextStore store;
  private final DueSchedule due;
  private final OmnicontextConfig config;
  private final Clock clock = Clock.systemUTC();

  public CommitChanges(ContextStore store, DueSchedule due, OmnicontextConfig config) {
    this.store = store;
    this.due = due;
    this.config = config;
  }

  /** The answer to a committing request: {customerId, version, changes}. */
  public record Answer(String customerId, long version, List<Change> changes) {}

  /**
   * Commits a request's ops. {@code expectedVersion}, when given, must be the current version.
   * {@code answered} renders the success body stored with the commit for Idempotency-Key retries (null: no key).
   */
  public Uni<Commit> commit(CustomerKey key, List<Op> ops, Long expectedVersion, Actor actor,
      Function<Commit, IdempotencyStore.Record> answered) {
    return commitPlanned(key, current -> {
      if (expectedVersion != null && expectedVersion != current.version()) {
        throw new Refusal(Reason.VERSION_CONFLICT, "expectedVersion " + expectedVersion + " is stale: the customer is at version " + current.version());
      }
      return ops;
    }, actor, answered).map(Optional::orElseThrow);
  }

  /** Commits the ops {@code plan} derives from the current context; nothing when it derives none. */
  public Uni<Optional<Commit>> commitPlanned(CustomerKey key, Function<CustomerContext, List<Op>> plan, Actor actor,
      Function<Commit, IdempotencyStore.Record> answered) {
    long started = System.nanoTime();
    return Uni.createFrom().deferred(() -> store.load(key))
        .map(current -> {
          List<Op> ops = plan.apply(current);
          return ops.isEmpty() ? Optional.<Commit>empty() : Optional.of(ContextRules.commit(current, ops, actor, clock.instant()));
        })
        .call(commit -> commit.isPresent()
            ? store.commit(key, commit.get(), answered == null ? null : answered.apply(commit.get()))
            : Uni.createFrom().voidItem())
        .onFailure(VersionMoved.class).retry().withBackOff(Duration.ofMillis(2), Duration.ofMillis(40)).atMost(config.commitRaces())
        .ifNoItem().after(config.commitTimeout()).failWith(() -> new Refusal(Reason.UNAVAILABLE, "the commit did not finish within " + config.commitTimeout()))
        .call(commit -> commit.map(c -> scheduleDue(key, c)).orElse(Uni.createFrom().voidItem()))
        .invoke(commit -> commit.ifPresent(c -> Log.debugf("committed tenant=%s customer=%s v=%d..%d ops=%d ms=%d",
            key.tenant(), key.customerId(), c.firstVersion(), c.lastVersion(), c.changes().size(), (System.nanoTime() - started) / 1_000_000)));
  }

  /** Registers when something of the new context falls due; a failure here is repaired by the next commit or sweep. */
  private Uni<Void> scheduleDue(CustomerKey key, Commit commit) {
    return TimeRules.nextDue(commit.after())
        .map(at -> due.schedule(key, at)
            .onFailure().invoke(e -> Log.warnf("due schedule not written customer=%s: %s", commit.after().customerId(), e.getMessage()))
            .onFailure().recoverWithNull())
        .orElse(Uni.createFrom().voidItem());
  }
}
