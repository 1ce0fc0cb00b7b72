package io.omnicontext.port;

import io.omnicontext.domain.Change;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything that ever happened, in PostgreSQL: the authority for a customer's last version once Redis
 * lost something. Guarantee: {@link #append} is idempotent (a (tenant, customer, version) already
 * journaled is kept as it is), so moving changes here may be at-least-once. It is the authority on who holds
 * an identity: an identity already held moves to another customer only by that customer's merge from its
 * holder (another link journals its changes, and the identity stays where it was).
 */
public interface ChangeJournal {

  /** Appends the changes of one commit (with a context snapshot when one is due), in one transaction. */
  Uni<Void> append(List<Entry> entries);

  /** The newest snapshot at or below the journal's end, and the journaled changes after it: what rehydration replays. */
  Uni<Head> head(CustomerKey key);

  /** Journaled changes with version > after, in order, at most limit. */
  default Uni<List<Change>> after(CustomerKey key, long after, int limit) { return after(key, after, limit, Long.MAX_VALUE); }

  /** The same, stopping before the change that would take the changes' JSON past maxBytes (the first always comes). */
  Uni<List<Change>> after(CustomerKey key, long after, int limit, long maxBytes);

  /**
   * Why PostgreSQL refused the data of an {@link #append} for good (a value it cannot hold, a broken
   * constraint); empty for any other failure (unreachable, timeout), which a retry may cure.
   */
  Optional<Refused> refusal(Throwable appendFailure);

  /** Keeps an entry the journal refused, with why, beside the journal (erased with its customer). */
  Uni<Void> setAside(Entry entry, Refused why);

  /** A refusal of the data: code names no value (fit for logs); message is the database's own words (it may quote one). */
  record Refused(String code, String message) {}

  /** A cheap round trip: is PostgreSQL there? */
  Uni<Void> ping();

  /** The customer holding a linked identity as journaled (what the store asks when it lost an identity's key). */
  Uni<Optional<String>> resolve(String tenant, String type, String value);

  /** Removes every row of the customer and leaves an audit record without personal data; answers how many versions it held. */
  Uni<Long> erase(CustomerKey key, Instant at);

  /** One commit as journaled: its changes, the identities it linked, and the context after it when a snapshot is due (else null). */
  record Entry(CustomerKey key, List<Change> changes, List<Identity> linked, CustomerContext snapshot) {
    /** A commit as journaled, with the context after it when {@code snapshot}. */
    public static Entry of(CustomerKey key, Commit commit, boolean snapshot) {
      var linked = commit.linked().stream().map(i -> new Identity(i.type(), i.value())).toList();
      return new Entry(key, commit.changes(), linked, snapshot ? commit.after() : null);
    }
  }

  record Identity(String type, String value) {}

  /**
   * Any failure of a call to the journal, with its cause (unreachable, timed out, a refusal of the data, a bug):
   * what tells the edge that PostgreSQL, not Redis, failed the call. Whether it is the store being away is
   * the cause's to say (StoreFailures).
   */
  final class Failed extends RuntimeException {
    public Failed(Throwable cause) { super("the journal (PostgreSQL) failed the call", cause, false, false); }
  }

  /** What rehydration needs: the latest snapshot (if any) and every later journaled change, in order. */
  record Head(Optional<CustomerContext> snapshot, List<Change> later) {
    public long version() {
      if (!later.isEmpty()) return later.get(later.size() - 1).version();
      return snapshot.map(CustomerContext::version).orElse(0L);
    }
  }
}
