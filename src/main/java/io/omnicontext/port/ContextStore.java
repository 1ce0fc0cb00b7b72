package io.omnicontext.port;

import io.omnicontext.domain.Change;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The live context of every customer, its recent change log and its identities. Guarantee: a
 * {@link #commit} is atomic (state, version, change log, identities, idempotency record, team
 * entries and the publication to subscribers together, or nothing) and happens only if the stored
 * version is still the one the commit was computed from; otherwise it fails with {@link VersionMoved}
 * and the caller recomputes. Versions are therefore gap-free and never reused.
 */
public interface ContextStore {

  /** The stored context, or the empty context at version 0. */
  Uni<CustomerContext> load(CustomerKey key);

  /** The current version alone (0 for an unknown customer). */
  Uni<Long> version(CustomerKey key);

  /**
   * Commits {@code commit} if the stored version is still {@code commit.before().version()}.
   * {@code idempotency}, when not null, is stored with it for 24 h. Fails with {@link VersionMoved}
   * or with a Refusal IDENTITY_TAKEN.
   */
  Uni<Void> commit(CustomerKey key, Commit commit, IdempotencyStore.Record idempotency);

  /** Changes with version > after in order, at most limit, from the window this store keeps. */
  Uni<Window> changesAfter(CustomerKey key, long after, int limit);

  /** The customer a linked identity belongs to. */
  Uni<Optional<String>> resolve(String tenant, String type, String value);

  /** A page of the log; {@code complete} is false when the store no longer holds version after+1. */
  record Window(List<Change> changes, boolean complete) {}

  /** Another writer committed first: load again and recompute. */
  final class VersionMoved extends RuntimeException {
    public VersionMoved(long current) { super("version moved to " + current, null, false, false); }
  }
}
