package io.omnicontext.port;

import io.omnicontext.domain.Change;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live context of every customer, its recent change log and its identities. Guarantee: a
 * {@link #commit} is atomic for the customer (state, version, change log, idempotency record, outbox
 * entry and the publication to subscribers together, or nothing) and happens only if the stored
 * version is still the one the commit was computed from; otherwise it fails with {@link VersionMoved}
 * and the caller recomputes. Versions are therefore gap-free and never reused. What lives outside the
 * customer (identity uniqueness, team feeds) is kept by the commit's {@link FollowUp}: an identity is
 * never held by two customers (claimed before, confirmed after, given back on a definite failure; an
 * identity the store lost is claimed only against the journal's holder), and each
 * hand-off change reaches its team's feed exactly once, gap-free by seq, once the follow-up is settled,
 * which the writer does at once and the journal relay redoes until it is done.
 */
public interface ContextStore {

  /** The stored context (the empty one at version 0 when Redis has none) and whether it was checked against the journal since this Redis started. */
  Uni<Loaded> load(CustomerKey key);

  /**
   * Rehydration: replaces the context by {@code rebuilt} (or, when null, only marks the stored one as
   * checked) if Redis still holds {@code seenVersion} under run {@code runId}; the log gets {@code recent}.
   * Answers false when something changed meanwhile (the caller loads again).
   */
  Uni<Boolean> seed(CustomerKey key, long seenVersion, String runId, CustomerContext rebuilt, List<Change> recent);

  /** The current version alone (0 for an unknown customer). */
  Uni<Long> version(CustomerKey key);

  /**
   * Commits {@code commit} if the stored version is still {@code commit.before().version()} and Redis is
   * still the run the context was checked under. {@code idempotency}, when not null, is stored with it
   * for 24 h; the journal outbox gets the commit (with a context snapshot when {@code snapshot}).
   * Answers the outbox entry's id and whether its follow-up was settled. {@code journalHolders} has, for
   * linked identities the store asked about, the journal's holder (empty: none). Fails with {@link VersionMoved},
   * {@link Unverified}, {@link IdentitiesUnchecked} (ask the journal about those, then commit again with its
   * answers) or a Refusal IDENTITY_TAKEN.
   */
  Uni<Committed> commit(CustomerKey key, Commit commit, IdempotencyStore.Record idempotency, String runId, boolean snapshot,
      Map<ChangeJournal.Identity, Optional<String>> journalHolders);

  /**
   * Refuses (too_large) a commit that {@link #commit} would refuse for its size (bytes of a change, of the
   * request's changes, of the document), writing nothing: for a caller that must know before an earlier
   * step commits (a merge, before the duplicate's tombstone).
   */
  void refuseOversized(Commit commit);

  /** Settles a commit's follow-up (again): idempotent, so the relay may redo what the writer did. */
  Uni<Void> settle(FollowUp followUp);

  /** Changes with version > after in order, at most limit, from the window this store keeps. */
  default Uni<Window> changesAfter(CustomerKey key, long after, int limit) { return changesAfter(key, after, limit, Long.MAX_VALUE); }

  /**
   * {@link #changesAfter(CustomerKey, long, int)} that also stops before the change that would take the
   * changes' JSON past {@code maxBytes} (the first one always comes, so a reader always moves on).
   */
  Uni<Window> changesAfter(CustomerKey key, long after, int limit, long maxBytes);

  /**
   * Removes everything Redis holds of the customer (context, log, identity keys, idempotency records,
   * its entries on team boards and in team logs) and tells its subscribers it was erased.
   */
  Uni<Void> erase(CustomerKey key, CustomerContext context);

  /** The customer a linked identity belongs to. */
  Uni<Optional<String>> resolve(String tenant, String type, String value);

  /** A commit's outbox entry, and whether what it leaves outside the customer's slot is settled already. */
  record Committed(String outboxId, boolean settled) {}

  /** What a commit leaves to do outside its customer's slot, as the store encodes it (it rides in the outbox entry). */
  record FollowUp(String json) {}

  /** A page of the log; {@code complete} is false when the store no longer holds version after+1. */
  record Window(List<Change> changes, boolean complete) {}

  /** A context and what a writer must know about it. runId names the Redis process it was read from. */
  record Loaded(CustomerContext context, boolean verified, String runId) {}

  /** Redis restarted since the context was checked against the journal: rehydrate, then recompute. */
  final class Unverified extends RuntimeException {
    public Unverified() { super("the context must be checked against the journal", null, false, false); }
  }

  /**
   * The store lost what it knew of who holds these identities (a failover, a wipe): the journal, the authority,
   * must be asked before they can be claimed. Nothing was committed.
   */
  final class IdentitiesUnchecked extends RuntimeException {
    private final List<ChangeJournal.Identity> identities;

    public IdentitiesUnchecked(List<ChangeJournal.Identity> identities) {
      super("the holders of " + identities.size() + " identities must be read from the journal", null, false, false);
      this.identities = List.copyOf(identities);
    }

    public List<ChangeJournal.Identity> identities() { return identities; }
  }

  /** Another writer committed first: load again and recompute. */
  final class VersionMoved extends RuntimeException {
    public VersionMoved(long current) { super("version moved to " + current, null, false, false); }
  }
}
