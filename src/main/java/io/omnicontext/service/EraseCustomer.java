package io.omnicontext.service;

import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.ContextStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * Erasure (GDPR article 17): the journal first (with its audit record, which also stops late
 * deliveries from the outbox bringing rows back), then Redis, which tells the subscribers.
 */
@ApplicationScoped
public class EraseCustomer {
  private final Rehydration contexts;
  private final ChangeJournal journal;
  private final ContextStore store;
  private final Clock clock;

  public EraseCustomer(Rehydration contexts, ChangeJournal journal, ContextStore store, Clock clock) {
    this.clock = clock;
    this.contexts = contexts;
    this.journal = journal;
    this.store = store;
  }

  /** Answers how many versions were erased; not_found for a customer with no committed change. */
  public Uni<Long> erase(CustomerKey key) {
    return contexts.load(key).chain(loaded -> {
      if (loaded.context().version() == 0) throw Refusal.notFound("customer " + key.customerId() + " has no committed change");
      return journal.erase(key, clock.instant())
          .call(() -> store.erase(key, loaded.context()))
          .map(journaled -> Math.max(journaled, loaded.context().version()))
          .invoke(n -> Log.infof("erased tenant=%s versions=%d", key.tenant(), n));
    });
  }
}
