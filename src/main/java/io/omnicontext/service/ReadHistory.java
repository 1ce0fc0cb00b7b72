package io.omnicontext.service;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.ContextStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Pages of a customer's committed changes in version order, gap-free. */
@ApplicationScoped
public class ReadHistory {
  public static final int MAX_PAGE = 1000;

  private final ContextStore store;
  private final ReadContext contexts;
  private final ChangeJournal journal;

  private final long pageBytes;

  public ReadHistory(ContextStore store, ReadContext contexts, ChangeJournal journal, OmnicontextConfig config) {
    this.pageBytes = config.limits().historyPageBytes();
    this.store = store;
    this.contexts = contexts;
    this.journal = journal;
  }

  /**
   * changes with version > after, at most limit, and stopping near limits.history-page-bytes of change JSON
   * (the first change always comes); next = the version to pass as after, or null at the end.
   */
  public record Page(List<Change> changes, Long next) {}

  public Uni<Page> after(CustomerKey key, long after, int limit) {
    if (after < 0) throw Refusal.invalid("after must be >= 0");
    if (limit < 1 || limit > MAX_PAGE) throw Refusal.invalid("limit must be between 1 and " + MAX_PAGE);
    return contexts.version(key).chain(current -> {
      if (current == 0) throw Refusal.notFound("customer " + key.customerId() + " has no committed change");
      if (after >= current) return Uni.createFrom().item(new Page(List.of(), null));
      return store.changesAfter(key, after, limit, pageBytes)
          .chain(w -> w.complete() ? Uni.createFrom().item(w.changes()) : fromJournal(key, after, limit))
          .map(changes -> {
            long last = changes.isEmpty() ? after : changes.get(changes.size() - 1).version();
            // a page cut by its limit or by bytes (or one the journal has only in part yet) goes on after its last change
            return new Page(changes, last < current ? last : null);
          });
    });
  }

  /** Older than Redis's window: the journal serves it, gap-free or not at all. */
  private Uni<List<Change>> fromJournal(CustomerKey key, long after, int limit) {
    return journal.after(key, after, limit, pageBytes).map(changes -> {
      if (changes.isEmpty() || changes.get(0).version() != after + 1) {
        throw new Refusal(Reason.UNAVAILABLE, "changes after version " + after + " are not journaled yet; retry shortly");
      }
      return changes;
    });
  }

  /** Every change after {@code after} that the live window holds, or empty when it no longer reaches after+1. */
  public Uni<java.util.Optional<List<Change>>> replay(CustomerKey key, long after) {
    return store.changesAfter(key, after, MAX_PAGE)
        .map(w -> w.complete() ? java.util.Optional.of(w.changes()) : java.util.Optional.<List<Change>>empty());
  }
}
