package io.omnicontext.service;

import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.ProfileOps;
import io.omnicontext.domain.Reach;
import io.omnicontext.domain.Redaction;
import io.omnicontext.domain.Refusal;
import io.omnicontext.domain.StoredText;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.ContextStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Reads of the live context: as the audience may see it, the reach answer, identity resolution. */
@ApplicationScoped
public class ReadContext {
  private final ContextStore store;
  private final Rehydration contexts;
  private final ChangeJournal journal;
  private final Clock clock;

  public ReadContext(ContextStore store, Rehydration contexts, ChangeJournal journal, Clock clock) {
    this.clock = clock;
    this.store = store;
    this.contexts = contexts;
    this.journal = journal;
  }

  /** The context (version 0 when nothing was committed yet), as the audience may see it. */
  public Uni<CustomerContext> snapshot(CustomerKey key, Audience audience) {
    return contexts.load(key).map(l -> Redaction.context(l.context(), audience));
  }

  /** The context of a customer with at least one change; not_found otherwise. */
  public Uni<CustomerContext> existing(CustomerKey key, Audience audience) {
    return snapshot(key, audience).map(c -> {
      if (c.version() == 0) throw Refusal.notFound("customer " + key.customerId() + " has no committed change");
      return c;
    });
  }

  public Uni<Reach.Answer> reach(CustomerKey key, String purpose, String channel) {
    return existing(key, Audience.STAFF).map(c -> Reach.answer(c, purpose, channel, clock.instant()));
  }

  /** Redis first; the journal when Redis lost the identity (it came back empty). */
  public Uni<String> resolve(String tenant, String type, String value) {
    if (!StoredText.storable(type) || !StoredText.storable(value)) throw Refusal.badRequest("type and value must not hold U+0000 or a lone surrogate");
    String normalized = ProfileOps.normalized(type, value);
    return store.resolve(tenant, type, normalized)
        .chain(found -> found.isPresent() ? Uni.createFrom().item(found) : journal.resolve(tenant, type, normalized))
        .map(found -> found.orElseThrow(() -> Refusal.notFound("no customer has the " + type + " " + value)));
  }

  /** The current version, rehydrating the customer if Redis lost it (0: unknown). */
  public Uni<Long> version(CustomerKey key) {
    return contexts.load(key).map(l -> l.context().version());
  }
}
