package io.omnicontext.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omnicontext.config.OmnicontextConfig.Durability;
import java.util.Set;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JournalReadinessTests {
  private static final Set<String> DETAILS = Set.of("durability", "postgres", "lag", "max-ready-lag", "lag-within-bound");

  @Test
  void journal_durability_is_down_without_postgres() {
    assertEquals(Status.DOWN, JournalReadiness.response(Durability.JOURNAL, false, 0, 100).getStatus());
  }

  @Test
  void journal_durability_is_down_while_the_lag_is_past_the_bound_and_up_at_it() {
    assertEquals(Status.DOWN, JournalReadiness.response(Durability.JOURNAL, true, 101, 100).getStatus());
    assertEquals(Status.UP, JournalReadiness.response(Durability.JOURNAL, true, 100, 100).getStatus());
  }

  @Test
  void redis_durability_still_serves_without_postgres_and_past_the_bound() {
    HealthCheckResponse r = JournalReadiness.response(Durability.REDIS, false, 5000, 100);
    assertEquals(Status.UP, r.getStatus());
    assertEquals("down", r.getData().orElseThrow().get("postgres"));
    assertEquals(false, r.getData().orElseThrow().get("lag-within-bound"));
  }

  @Test
  void the_details_are_the_documented_ones_and_carry_no_error_text() {
    for (Durability mode : Durability.values()) {
      for (boolean postgresUp : new boolean[] {true, false}) {
        var data = JournalReadiness.response(mode, postgresUp, 7, 100).getData().orElseThrow();
        assertEquals(DETAILS, data.keySet(), mode + " postgresUp=" + postgresUp);
        assertEquals(7L, data.get("lag"));
      }
    }
  }
}
