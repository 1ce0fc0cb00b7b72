package io.omnicontext.adapter.postgres;

import io.omnicontext.config.JsonCodec;
import io.omnicontext.port.ChangeJournal.Entry;
import io.omnicontext.port.ChangeJournal.Refused;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import org.hibernate.reactive.mutiny.Mutiny;

/** The journal's dead letters: which PostgreSQL failures refuse an entry for good, and where such an entry is kept. */
final class DeadLetters {
  /** SQLSTATE classes of a refusal of the data itself: data exception, integrity constraint, program limit. */
  private static final Set<String> REFUSING_CLASSES = Set.of("22", "23", "54");
  private static final String INSERT = """
      INSERT INTO journal_dead_letter (tenant, customer_id, first_version, last_version, entry_json, reason, set_aside_at)
      SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
      WHERE NOT EXISTS (SELECT 1 FROM erasure_audit e WHERE e.tenant = ?1 AND e.subject_hash = ?8 AND e.erased_at >= ?9)""";
  static final String ERASE = "DELETE FROM journal_dead_letter WHERE tenant = ?1 AND customer_id = ?2";

  private DeadLetters() {}

  /**
   * SQLSTATE and message when PostgreSQL answered with a refusal of the data: the client's PgException,
   * or the SQLException Hibernate turns it into.
   */
  static Optional<Refused> refusal(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof PgException pg && refusing(pg.getSqlState())) return Optional.of(new Refused("SQLSTATE " + pg.getSqlState(), pg.getErrorMessage()));
      if (c instanceof SQLException sql && refusing(sql.getSQLState())) return Optional.of(new Refused("SQLSTATE " + sql.getSQLState(), sql.getMessage()));
    }
    return Optional.empty();
  }

  private static boolean refusing(String sqlState) { return sqlState != null && sqlState.length() == 5 && REFUSING_CLASSES.contains(sqlState.substring(0, 2)); }

  /** Keeps the entry as JSON with why it was refused, unless the customer was erased after it was committed. */
  static Uni<Void> insert(Mutiny.Session s, JsonCodec json, Entry e, Refused why, String subjectHash, Instant now) {
    var committed = e.changes().get(e.changes().size() - 1).at().atOffset(ZoneOffset.UTC);
    return s.createNativeQuery(INSERT).setParameter(1, e.key().tenant()).setParameter(2, e.key().customerId())
        .setParameter(3, e.changes().get(0).version()).setParameter(4, e.changes().get(e.changes().size() - 1).version())
        .setParameter(5, json.write(e)).setParameter(6, why.code() + ": " + why.message()).setParameter(7, now.atOffset(ZoneOffset.UTC))
        .setParameter(8, subjectHash).setParameter(9, committed)
        .executeUpdate().replaceWithVoid();
  }
}
