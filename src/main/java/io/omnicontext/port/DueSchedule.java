package io.omnicontext.port;

import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * When each customer next has something falling due (a hold's until, an offer's validUntil, a
 * hand-off's dueBy). Each node sweeps the buckets it holds ({@link BucketLeases}); should two sweep one, the
 * commits decide who wins, so a due change commits once.
 */
public interface DueSchedule {
  Uni<Void> schedule(CustomerKey key, Instant at);

  /** Customers of the given buckets whose time has come, at most limit. */
  Uni<List<CustomerKey>> due(Set<Integer> buckets, Instant now, int limit);

  /** Forgets the customer unless something rescheduled it after now. */
  Uni<Void> clear(CustomerKey key, Instant now);
}
