package io.omnicontext.service;

import io.omnicontext.config.LogSafe;
import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.ops.Traces;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.ContextRules;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Op;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.domain.TimeRules;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.service.patch.LivePatches;
import io.omnicontext.port.ContextStore;
import io.omnicontext.port.JournalOutbox;
import io.omnicontext.port.ContextStore.VersionMoved;
import io.omnicontext.port.DueSchedule;
import io.omnicontext.port.IdempotencyStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
  private final Rehydration contexts;
  private final ChangeJournal journal;
  private final JournalOutbox outbox;
  private final DueSchedule due;
  private final OmnicontextConfig config;
  private final LivePatches patches;
  private final Clock clock;
  private final CustomerQueue queue = new CustomerQueue();

  private final LiveMetrics metrics;
  private final Traces traces;

  public CommitChanges(ContextStore store, Rehydration contexts, ChangeJournal journal, JournalOutbox outbox, DueSchedule due,
      OmnicontextConfig config, LivePatches patches, LiveMetrics metrics, Clock clock, Traces traces) {
    this.clock = clock;
    this.metrics = metrics;
    this.traces = traces;
    this.patches = patches;
    this.store = store;
    this.contexts = contexts;
    this.journal = journal;
    this.outbox = outbox;
    this.due = due;
    this.config = config;
  }

  /** One attempt's result: the commit, its entry in the journal outbox, and whether a snapshot rides with it. */
  private record Committed(Commit commit, ContextStore.Committed stored, boolean snapshot) {}

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
    return traces.span("omnicontext.commit", s -> s.setAttribute(Traces.CUSTOMER, traces.customerHash(key)),
        () -> commitTraced(key, plan, actor, answered), (s, done) -> done.ifPresent(c -> describe(s, c)));
  }

  /** The commit's versions and op names, for its spans (tenant-free: no data, no ids). */
  private static void describe(io.opentelemetry.api.trace.Span s, Commit c) {
    s.setAttribute(Traces.FIRST_VERSION, c.firstVersion());
    s.setAttribute(Traces.LAST_VERSION, c.lastVersion());
    s.setAttribute(Traces.OP_COUNT, (long) c.changes().size());
    s.setAttribute(Traces.OPS, Traces.opNames(c.changes().stream().map(io.omnicontext.domain.Change::op).toList()));
  }

  private Uni<Optional<Commit>> commitTraced(CustomerKey key, Function<CustomerContext, List<Op>> plan, Actor actor,
      Function<Commit, IdempotencyStore.Record> answered) {
    long started = System.nanoTime();
    return queue.run(key, () -> attempt(key, plan, actor, answered))
        .ifNoItem().after(config.commitTimeout()).failWith(() -> new Refusal(Reason.UNAVAILABLE, "the commit did not finish within " + config.commitTimeout()))
        .call(committed -> committed.map(c -> journaled(key, c)).orElse(Uni.createFrom().voidItem()))
        .map(committed -> committed.map(Committed::commit))
        .invoke(commit -> commit.ifPresent(c -> c.changes().forEach(ch -> metrics.changeCommitted(ch.op()))))
        .call(commit -> commit.map(c -> scheduleDue(key, c)).orElse(Uni.createFrom().voidItem()))
        .invoke(commit -> commit.ifPresent(c -> Log.debugf("committed tenant=%s customer=%s v=%d..%d ops=%d ms=%d",
            key.tenant(), key.customerId(), c.firstVersion(), c.lastVersion(), c.changes().size(), (System.nanoTime() - started) / 1_000_000)));
  }

  /** Load, rules, compare-and-set; again from the load when another writer (another node) won the race. */
  private Uni<Optional<Committed>> attempt(CustomerKey key, Function<CustomerContext, List<Op>> plan, Actor actor,
      Function<Commit, IdempotencyStore.Record> answered) {
    return Uni.createFrom().deferred(() -> contexts.load(key))
        .chain(loaded -> {
          List<Op> ops = plan.apply(loaded.context());
          if (ops.isEmpty()) return Uni.createFrom().item(Optional.<Committed>empty());
          Commit commit = computed(loaded.context(), ops, actor);
          boolean snapshot = snapshotDue(commit);
          IdempotencyStore.Record record = answered == null ? null : answered.apply(commit);
          return traces.span("omnicontext.redis.commit", s -> {
                s.setAttribute(Traces.CUSTOMER, traces.customerHash(key));
                describe(s, commit);
              }, () -> commitChecked(key, commit, record, loaded.runId(), snapshot))
              .map(stored -> Optional.of(new Committed(commit, stored, snapshot)));
        })
        .onFailure(e -> e instanceof VersionMoved || e instanceof ContextStore.Unverified).retry()
        .withBackOff(Duration.ofMillis(2), Duration.ofMillis(40)).atMost(config.commitRaces());
  }

  /** The commit of {@code ops} on {@code current} as it would be stored: the rules (count limits), then its patches. */
  private Commit computed(CustomerContext current, List<Op> ops, Actor actor) {
    return patches.attach(ContextRules.commit(current, ops, actor, clock.instant(), config.limits().rules()));
  }

  /**
   * Refuses what committing {@code ops} on {@code current} would be refused for (the rules, the count and byte
   * limits), committing nothing: a step that must not run when a later commit is sure to fail asks first.
   */
  public void refuseIfRefused(CustomerContext current, List<Op> ops, Actor actor) {
    store.refuseOversized(computed(current, ops, actor));
  }

  /**
   * The store's commit; when it lost who holds some of the linked identities (a failover, a wipe), once more with the
   * journal's holders, so an identity Redis forgot is not taken from its customer.
   */
  private Uni<ContextStore.Committed> commitChecked(CustomerKey key, Commit commit, IdempotencyStore.Record record, String runId,
      boolean snapshot) {
    return store.commit(key, commit, record, runId, snapshot, Map.of())
        .onFailure(ContextStore.IdentitiesUnchecked.class).recoverWithUni(e -> journalHolders(key, ((ContextStore.IdentitiesUnchecked) e).identities())
            .chain(holders -> store.commit(key, commit, record, runId, snapshot, holders))
            // another identity key vanished meanwhile (Redis losing keys as we speak): let the caller retry
            .onFailure(ContextStore.IdentitiesUnchecked.class).transform(again -> new Refusal(Reason.UNAVAILABLE,
                "Redis is losing identity keys (a failover?); retry")));
  }

  /** Who the journal says holds each identity; without an answer the link cannot be checked, so it is not made. */
  private Uni<Map<ChangeJournal.Identity, Optional<String>>> journalHolders(CustomerKey key, List<ChangeJournal.Identity> identities) {
    Map<ChangeJournal.Identity, Optional<String>> holders = new java.util.HashMap<>();
    Uni<Void> all = Uni.createFrom().voidItem();
    for (ChangeJournal.Identity i : identities) {
      all = all.chain(() -> journal.resolve(key.tenant(), i.type(), i.value()).invoke(h -> holders.put(i, h)).replaceWithVoid());
    }
    return all.ifNoItem().after(config.journal().timeout()).fail()
        .onFailure().transform(e -> new Refusal(Reason.UNAVAILABLE, "who holds the linked identity cannot be checked: the journal "
            + "(PostgreSQL) did not answer; retry"))
        .replaceWith(holders);
  }

  /** A snapshot rides with the commit that crosses a multiple of snapshot-every. */
  private boolean snapshotDue(Commit c) {
    int every = config.journal().snapshotEvery();
    return c.before().version() / every != c.lastVersion() / every;
  }

  /**
   * In `journal` durability the write is acknowledged only once PostgreSQL has it: the commit's own
   * outbox entry is appended here (the relay would do it too; appending twice changes nothing).
   */
  private Uni<Void> journaled(CustomerKey key, Committed c) {
    if (config.journal().mode() != OmnicontextConfig.Durability.JOURNAL) return Uni.createFrom().voidItem();
    return traces.span("omnicontext.journal.append", s -> {
          s.setAttribute(Traces.CUSTOMER, traces.customerHash(key));
          describe(s, c.commit());
        }, () -> journal.append(List.of(ChangeJournal.Entry.of(key, c.commit(), c.snapshot()))))
        .ifNoItem().after(config.journal().timeout()).fail()
        .onFailure().transform(e -> new Refusal(Reason.UNAVAILABLE, "committed live, but the journal (PostgreSQL) did not confirm it: "
            + "not acknowledged; it is journaled when PostgreSQL answers again"))
        // an entry whose follow-up is not settled yet stays for the relay, which settles it first
        .call(() -> c.stored().settled() ? outbox.ack(List.of(c.stored().outboxId())).onFailure().recoverWithNull() : Uni.createFrom().voidItem());
  }

  /** Registers when something of the new context falls due; a failure here is repaired by the next commit or sweep. */
  private Uni<Void> scheduleDue(CustomerKey key, Commit commit) {
    return TimeRules.nextDue(commit.after(), commit.changes().get(0).at())
        .map(at -> due.schedule(key, at)
            .onFailure().invoke(e -> Log.warnf("due schedule not written customer=%s: %s", commit.after().customerId(), LogSafe.failure(e)))
            .onFailure().recoverWithNull())
        .orElse(Uni.createFrom().voidItem());
  }
}
