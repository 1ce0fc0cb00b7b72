package io.omnicontext.port;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/**
 * Leases on engagements tied to a connection: the node holding the connection renews them; one that
 * is not renewed (the node died) expires, and any node ends its engagement.
 */
public interface Presence {
  /** An engagement and who started it (its end is committed as them). */
  record Lease(CustomerKey key, String engagementId, Actor actor) {}

  /** Holds or renews each lease until {@code until}. */
  Uni<Void> hold(List<Lease> leases, Instant until);

  Uni<Void> release(Lease lease);

  /** Leases whose time ran out, at most limit. */
  Uni<List<Lease>> expired(Instant now, int limit);

  /** Forgets an expired lease unless it was renewed meanwhile. */
  Uni<Void> clear(Lease lease, Instant now);
}
