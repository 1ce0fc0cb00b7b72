package io.omnicontext.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.ContextStore;
import java.net.ConnectException;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Which store a store-down failure is counted against in omnicontext_store_errors_total. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StoreFailuresTests {
  @Test
  void a_socket_failure_of_a_journal_call_counts_for_postgres_and_any_other_for_redis() {
    ConnectException refused = new ConnectException("Connection refused");
    assertEquals(Optional.of(LiveMetrics.Store.POSTGRES), StoreFailures.storeDown(new RuntimeException(new ChangeJournal.Failed(refused))));
    assertEquals(Optional.of(LiveMetrics.Store.REDIS), StoreFailures.storeDown(new ConnectException("Connection refused")));
  }

  @Test
  void a_bug_in_a_journal_call_is_no_store_error() {
    assertEquals(Optional.empty(), StoreFailures.storeDown(new ChangeJournal.Failed(new IllegalStateException("no such column"))));
  }

  @Test
  void a_bug_or_a_lost_race_is_no_store_error() {
    assertEquals(Optional.empty(), StoreFailures.storeDown(new NullPointerException()));
    assertEquals(Optional.empty(), StoreFailures.storeDown(new RuntimeException(new ContextStore.VersionMoved(3))));
  }
}
