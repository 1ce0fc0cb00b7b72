package io.omnicontext.service;

import io.omnicontext.domain.Change;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.ContextStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Pages of a customer's committed changes in version order, gap-free. */
@ApplicationScoped
public class ReadHistory {
  public static final int MAX_PAGE = 1000;

  private final ContextStore store;

  public ReadHistory(ContextStore store) { this.store = store; }

  /** changes with version > after, at most limit; next = the version to pass as after, or null at the end. */
  public record Page(List<Change> changes, Long next) {}

  public Uni<Page> after(CustomerKey key, long after, int limit) {
    if (after < 0) throw Refusal.invalid("after must be >= 0");
    if (limit < 1 || limit > MAX_PAGE) throw Refusal.invalid("limit must be between 1 and " + MAX_PAGE);
    return store.version(key).chain(current -> {
      if (current == 0) throw Refusal.notFound("customer " + key.customerId() + " has no committed change");
      if (after >= current) return Uni.createFrom().item(new Page(List.of(), null));
      return store.changesAfter(key, after, limit).map(w -> {
        if (!w.complete()) {
          throw new Refusal(Reason.UNAVAILABLE, "changes after version " + after + " are older than the live window; the journal serves them");
        }
        long last = w.changes().isEmpty() ? after : w.changes().get(w.changes().size() - 1).version();
        return new Page(w.changes(), last < current && w.changes().size() == limit ? last : null);
      });
    });
  }

  /** Every change after {@code after} that the live window holds, or empty when it no longer reaches after+1. */
  public Uni<java.util.Optional<List<Change>>> replay(CustomerKey key, long after) {
    return store.changesAfter(key, after, MAX_PAGE)
        .map(w -> w.complete() ? java.util.Optional.of(w.changes()) : java.util.Optional.<List<Change>>empty());
  }
}
