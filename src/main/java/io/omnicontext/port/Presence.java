package io.omnicontext.port;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Leases on engagements tied to a connection: the node holding the connection renews them; one that
 * is not renewed (the node died) expires, and the node holding its customer's bucket ({@link BucketLeases}) ends
 * its engagement.
 */
public interface Presence {
  /** An engagement and who started it (its end is committed as them). */
  record Lease(CustomerKey key, String engagementId, Actor actor) {}

  /** Holds or renews each lease until {@code until}. */
  Uni<Void> hold(List<Lease> leases, Instant until);

  Uni<Void> release(Lease lease);

  /** Leases of the given buckets' customers whose time ran out, at most limit. */
  Uni<List<Lease>> expired(Set<Integer> buckets, Instant now, int limit);

  /** Forgets an expired lease unless it was renewed meanwhile. */
  Uni<Void> clear(Lease lease, Instant now);
}
