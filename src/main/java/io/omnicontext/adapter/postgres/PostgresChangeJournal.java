package io.omnicontext.adapter.postgres;

import io.omnicontext.config.Digest;
import io.omnicontext.config.JsonCodec;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.ChangeJournal;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * {@link ChangeJournal} through Hibernate Reactive on the reactive PostgreSQL client. Inserts ignore a
 * (tenant, customer, version) already present, and anything older than an erasure of the customer,
 * so a relay may deliver twice and a late delivery cannot bring erased data back. An identity moves to
 * another customer only by a merge from its holder: the journal stays the authority on who holds it.
 */
@ApplicationScoped
public class PostgresChangeJournal implements ChangeJournal {
  // Written through the reactive client's pipelined batches ($n placeholders), in one transaction per group.
  private static final String INSERT_CHANGE = """
      INSERT INTO change_journal (tenant, customer_id, version, op, change_json, committed_at)
      SELECT $1, $2, $3, $4, $5, $6
      WHERE NOT EXISTS (SELECT 1 FROM erasure_audit e WHERE e.tenant = $1 AND e.subject_hash = $7 AND e.erased_at >= $6)
      ON CONFLICT DO NOTHING""";
  private static final String INSERT_IDENTITY = """
      INSERT INTO identity_link (tenant, kind, value, customer_id)
      SELECT $1, $2, $3, $4
      WHERE NOT EXISTS (SELECT 1 FROM erasure_audit e WHERE e.tenant = $1 AND e.subject_hash = $5 AND e.erased_at >= $6)
      ON CONFLICT (tenant, kind, value) DO UPDATE SET customer_id = excluded.customer_id WHERE identity_link.customer_id = $7""";
  /** After {@link #INSERT_IDENTITY}: a link that found the identity held by a customer it was not merged from. */
  private static final String HELD_BY_ANOTHER = """
      SELECT customer_id FROM identity_link WHERE tenant = $1 AND kind = $2 AND value = $3 AND customer_id <> $4""";
  private static final String UPSERT_SNAPSHOT = """
      INSERT INTO context_snapshot (tenant, customer_id, version, context_json, taken_at)
      SELECT $1, $2, $3, $4, $5
      WHERE NOT EXISTS (SELECT 1 FROM erasure_audit e WHERE e.tenant = $1 AND e.subject_hash = $6 AND e.erased_at >= $5)
      ON CONFLICT (tenant, customer_id) DO UPDATE SET version = excluded.version, context_json = excluded.context_json,
        taken_at = excluded.taken_at WHERE context_snapshot.version < excluded.version""";
  /** Most journal entries written in one group transaction; how many group transactions run at once. */
  private static final int GROUP_BATCH = 256;
  private static final int GROUPS_IN_FLIGHT = 4;

  private final Mutiny.SessionFactory sessions;
  private final Pool pool;
  private final JsonCodec json;
  private final Vertx vertx;
  private final GroupCommit<Entry> group;
  private final java.time.Clock clock;

  public PostgresChangeJournal(Mutiny.SessionFactory sessions, Pool pool, JsonCodec json, Vertx vertx, io.omnicontext.ops.Traces traces,
      java.time.Clock clock) {
    this.clock = clock;
    this.group = new GroupCommit<>(this::write, GROUP_BATCH, GROUPS_IN_FLIGHT, traces);
    this.sessions = sessions;
    this.pool = pool;
    this.json = json;
    this.vertx = vertx;
  }

  /** Every call's failure as the port's {@link ChangeJournal.Failed}, its cause kept (the relay reads a refusal from it). */
  private static <T> Uni<T> asJournalFailure(Uni<T> call) {
    return call.onFailure(e -> !(e instanceof ChangeJournal.Failed)).transform(ChangeJournal.Failed::new);
  }

  private <T> Uni<T> inTransaction(java.util.function.Function<Mutiny.Session, Uni<T>> work) {
    return FreshContext.run(vertx, () -> sessions.withTransaction(work));
  }

  private <T> Uni<T> inSession(java.util.function.Function<Mutiny.Session, Uni<T>> work) {
    return FreshContext.run(vertx, () -> sessions.withSession(work));
  }

  /** Group commit: concurrent appends share a transaction (see {@link GroupCommit}). */
  @Override
  public Uni<Void> append(List<Entry> entries) { return asJournalFailure(group.submit(entries)); }

  /** One transaction: every change row, identity and snapshot of the entries, each kind as one pipelined batch. */
  private Uni<Void> write(List<Entry> entries) {
    List<Tuple> changes = new ArrayList<>();
    List<Tuple> identities = new ArrayList<>();
    List<Tuple> snapshots = new ArrayList<>();
    List<Tuple> links = new ArrayList<>();
    for (Entry e : entries) {
      String tenant = e.key().tenant();
      String customer = e.key().customerId();
      String subject = subjectHash(e.key());
      for (Change c : e.changes()) {
        changes.add(Tuple.from(List.<Object>of(tenant, customer, c.version(), c.op(), json.write(c), utc(c.at()), subject)));
      }
      OffsetDateTime committedAt = utc(e.changes().get(e.changes().size() - 1).at());
      String mergedFrom = mergedFrom(e);
      for (Identity id : e.linked()) {
        identities.add(Tuple.from(java.util.Arrays.<Object>asList(tenant, id.type(), id.value(), customer, subject, committedAt, mergedFrom)));
        links.add(Tuple.of(tenant, id.type(), id.value(), customer));
      }
      if (e.snapshot() != null) {
        snapshots.add(Tuple.from(List.<Object>of(tenant, customer, e.snapshot().version(), json.write(e.snapshot()), committedAt, subject)));
      }
    }
    return pool.withTransaction(conn -> batch(conn, INSERT_CHANGE, changes)
        .chain(() -> batch(conn, INSERT_IDENTITY, identities))
        .chain(() -> reportLinksRefused(conn, links))
        .chain(() -> batch(conn, UPSERT_SNAPSHOT, snapshots)));
  }

  /**
   * The customer a merge commit folded in (its identities may move from it), else null: the one move of an identity
   * between customers the journal accepts.
   */
  private static String mergedFrom(Entry e) {
    return e.changes().stream().filter(c -> "customer.merge".equals(c.op())).map(c -> c.data().get("from"))
        .filter(String.class::isInstance).map(String.class::cast).findFirst().orElse(null);
  }

  /**
   * The journal keeps an identity with its holder when another customer's commit linked it without a merge (Redis had
   * lost the identity's key before the check against the journal existed, or both linked it while Redis was wiped): the
   * commit's changes are journaled, the identity does not move. Logged (no value: it is personal data).
   */
  private static Uni<Void> reportLinksRefused(SqlConnection conn, List<Tuple> links) {
    if (links.isEmpty()) return Uni.createFrom().voidItem();
    return conn.preparedQuery(HELD_BY_ANOTHER).executeBatch(links).invoke(rows -> {
      int i = 0;
      for (var rs = rows; rs != null; rs = rs.next(), i++) {
        for (Row r : rs) {
          Log.errorf("journal: identity kept by customer %s; the link by customer %s (no merge) is not moved tenant=%s kind=%s",
              r.getString("customer_id"), links.get(i).getString(3), links.get(i).getString(0), links.get(i).getString(1));
        }
      }
    }).replaceWithVoid();
  }

  private static Uni<Void> batch(SqlConnection conn, String sql, List<Tuple> rows) {
    return rows.isEmpty() ? Uni.createFrom().voidItem() : conn.preparedQuery(sql).executeBatch(rows).replaceWithVoid();
  }

  @Override
  public Optional<Refused> refusal(Throwable appendFailure) { return DeadLetters.refusal(appendFailure); }

  @Override
  public Uni<Void> setAside(Entry entry, Refused why) {
    return asJournalFailure(inTransaction(s -> DeadLetters.insert(s, json, entry, why, subjectHash(entry.key()), clock.instant())));
  }

  // The reads on the live path (rehydration's check, history past Redis' window, resolve) are prepared SQL on the
  // reactive client like the appends: no HQL to parse on an event loop, no session per call.
  private static final String SNAPSHOT = "SELECT version, context_json FROM context_snapshot WHERE tenant = $1 AND customer_id = $2";
  /** The page, cut where the running sum of the JSON bytes before a change reaches $5 (the first change always comes). */
  private static final String CHANGES_AFTER = """
      SELECT change_json FROM (
        SELECT change_json, version,
               sum(octet_length(change_json)) OVER (ORDER BY version) - octet_length(change_json) AS bytes_before
        FROM (SELECT change_json, version FROM change_journal WHERE tenant = $1 AND customer_id = $2 AND version > $3
              ORDER BY version LIMIT $4) page) counted
      WHERE bytes_before < $5 ORDER BY version""";
  private static final String RESOLVE = "SELECT customer_id FROM identity_link WHERE tenant = $1 AND kind = $2 AND value = $3";

  @Override
  public Uni<Head> head(CustomerKey key) {
    return asJournalFailure(pool.preparedQuery(SNAPSHOT).execute(Tuple.of(key.tenant(), key.customerId())).chain(snaps -> {
      var it = snaps.iterator();
      Row snap = it.hasNext() ? it.next() : null;
      long from = snap == null ? 0 : snap.getLong("version");
      return after(key, from, Integer.MAX_VALUE).map(later -> new Head(
          Optional.ofNullable(snap).map(r -> json.read(r.getString("context_json"), CustomerContext.class)), later));
    }));
  }

  @Override
  public Uni<List<Change>> after(CustomerKey key, long after, int limit, long maxBytes) {
    return asJournalFailure(pool.preparedQuery(CHANGES_AFTER).execute(Tuple.of(key.tenant(), key.customerId(), after, (long) limit, maxBytes)).map(rows -> {
      List<Change> out = new ArrayList<>(rows.size());
      for (Row r : rows) out.add(json.read(r.getString("change_json"), Change.class));
      return out;
    }));
  }

  @Override
  public Uni<Void> ping() { return asJournalFailure(pool.query("SELECT 1").execute().replaceWithVoid()); }

  @Override
  public Uni<Optional<String>> resolve(String tenant, String type, String value) {
    return asJournalFailure(pool.preparedQuery(RESOLVE).execute(Tuple.of(tenant, type, value)).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? Optional.of(it.next().getString("customer_id")) : Optional.<String>empty();
    }));
  }

  @Override
  public Uni<Long> erase(CustomerKey key, Instant at) {
    return asJournalFailure(inTransaction(s -> s.createMutationQuery("delete from JournalRow where tenant = :t and customerId = :c")
        .setParameter("t", key.tenant()).setParameter("c", key.customerId()).executeUpdate()
        .call(() -> s.createMutationQuery("delete from SnapshotRow where tenant = :t and customerId = :c")
            .setParameter("t", key.tenant()).setParameter("c", key.customerId()).executeUpdate())
        .call(() -> s.createMutationQuery("delete from IdentityRow where tenant = :t and customerId = :c")
            .setParameter("t", key.tenant()).setParameter("c", key.customerId()).executeUpdate())
        .call(() -> s.createNativeQuery(DeadLetters.ERASE).setParameter(1, key.tenant()).setParameter(2, key.customerId()).executeUpdate())
        .call(removed -> {
          ErasureRow audit = new ErasureRow();
          audit.tenant = key.tenant();
          audit.subjectHash = subjectHash(key);
          audit.versions = removed;
          audit.erasedAt = utc(at);
          return s.persist(audit);
        })
        .map(Integer::longValue)));
  }

  /** The audit's stand-in for the customer id: enough to match later deliveries, not to read the id back. */
  static String subjectHash(CustomerKey key) { return Digest.sha256(key.tenant() + "\n" + key.customerId()); }


  private static OffsetDateTime utc(Instant i) { return i.atOffset(ZoneOffset.UTC); }
}
