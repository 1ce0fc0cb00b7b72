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
 *
 * <p>Guarantee: a lease renewed before its {@code until} is never reported {@link #expired}; one not renewed is
 * reported to whoever asks for its bucket once {@code until} has passed. Not exclusive: a node that stalls may end an
 * engagement another node ends too, or end one whose node was only slow. Ending goes through the commit's
 * compare-and-set (the engagement must still be active), so it is committed once; a slow node's connection then
 * finds its engagement ended. {@link #clear} keeps a lease renewed meanwhile.
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
