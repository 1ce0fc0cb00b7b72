package io.omnicontext.service;

import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Reach;
import io.omnicontext.domain.Redaction;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.ContextStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;

/** Reads of the live context: as the audience may see it, the reach answer, identity resolution. */
@ApplicationScoped
public class ReadContext {
  private final ContextStore store;
  private final Clock clock = Clock.systemUTC();

  public ReadContext(ContextStore store) { this.store = store; }

  /** The context (version 0 when nothing was committed yet), as the audience may see it. */
  public Uni<CustomerContext> snapshot(CustomerKey key, Audience audience) {
    return store.load(key).map(c -> Redaction.context(c, audience));
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

  public Uni<String> resolve(String tenant, String type, String value) {
    return store.resolve(tenant, type, "email".equals(type) ? value.toLowerCase(java.util.Locale.ROOT) : value)
        .map(found -> found.orElseThrow(() -> Refusal.notFound("no customer has the " + type + " " + value)));
  }

  public Uni<Optional<Long>> versionIfKnown(CustomerKey key) {
    return store.version(key).map(v -> v == 0 ? Optional.<Long>empty() : Optional.of(v));
  }
}
