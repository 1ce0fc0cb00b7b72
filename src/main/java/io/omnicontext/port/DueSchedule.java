package io.omnicontext.port;

import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/**
 * When each customer next has something falling due (a hold's until, an offer's validUntil, a
 * hand-off's dueBy). Any node may sweep; commits decide who wins, so a due change commits once.
 */
public interface DueSchedule {
  Uni<Void> schedule(CustomerKey key, Instant at);

  /** Customers whose time has come, at most limit. */
  Uni<List<CustomerKey>> due(Instant now, int limit);

  /** Forgets the customer unless something rescheduled it after now. */
  Uni<Void> clear(CustomerKey key, Instant now);
}
